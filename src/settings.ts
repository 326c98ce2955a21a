import { RelaisError } from './errors.js';

/**
 * Every RELAIS_* setting, read and validated once at start (src/cli/main.ts) before any command
 * runs. A value that cannot be right is a usage error naming the variable: `RELAIS_HTTP_TIMEOUT_MS=abc`
 * used to turn every post into a deferred "injoignable (ERR_OUT_OF_RANGE)" while the run exited 0.
 *
 * The commands get them from their context (cli/context.ts) and pass them down as typed values.
 * One reader remains below the CLI: the default of secrets.ts's redact(), which masks whatever
 * credential the process holds. The
 * credentials (passwords, tokens) stay in the snapshot of the environment taken at the same
 * moment (`Environment.variables`), read by the edge that uses them and never printed.
 */
export interface Settings {
  /** RELAIS_DEBUG: stack traces on errors. */
  debug: boolean;
  /** RELAIS_WORKERS: letter threads; undefined lets the pool decide. */
  workers: number | undefined;
  /** RELAIS_HTTP_TIMEOUT_MS: social networks' requests. */
  httpTimeoutMs: number;
  /** RELAIS_RETRY_MS: first wait before retrying a post. */
  retryMs: number;
  /** RELAIS_MEDIA_POLL_MS: pause between two checks of a network's processing of a video, when the network does not give one. */
  mediaPollMs: number;
  /** RELAIS_HTTP_TIMEOUT_MS was given (`relais fetch` has a longer default of its own). */
  httpTimeoutGiven: boolean;
  /** CI: no spinner, whatever the terminal says. */
  ci: boolean;
  smtp: {
    /** RELAIS_SMTP_URL; undefined: emails go to the local outbox. */
    url: URL | undefined;
    /** RELAIS_SMTP_TIMEOUT_MS: opening a session (connection, greeting, STARTTLS). */
    timeoutMs: number;
    /** RELAIS_SMTP_REPLY_TIMEOUT_MS: the server's silence mid-session, a message's answer included. */
    replyTimeoutMs: number;
    /** RELAIS_SMTP_MAX_CONNECTIONS */
    maxConnections: number;
    /** RELAIS_SMTP_RETRY_MS; undefined: the sender's default. */
    retryMs: number | undefined;
    /** RELAIS_SMTP_CA_FILE, as given (read when a command connects). */
    caFile: string | undefined;
    /** RELAIS_SMTP_ALLOW_PLAIN_AUTH: a local relay may take the password without TLS (loopback only, checked by the transport). */
    allowPlainAuth: boolean;
  };
  /** The bounce mailbox (`relais bounces`, `relais run`). */
  imap: {
    /** RELAIS_IMAP_URL (imap:// with STARTTLS, or imaps://); undefined: no mailbox to read. */
    url: URL | undefined;
    /** RELAIS_IMAP_USER (or the URL's user). */
    user: string | undefined;
    /** RELAIS_IMAP_CA_FILE, as given. */
    caFile: string | undefined;
    /** RELAIS_IMAP_FOLDER: the folder to read (INBOX by default). */
    folder: string | undefined;
    /** RELAIS_IMAP_MOVE_TO: where handled bounces go. */
    moveTo: string | undefined;
    /** RELAIS_IMAP_TIMEOUT_MS */
    timeoutMs: number;
  };
  /** RELAIS_ANNUAIRE_API_URL and RELAIS_RNE_URL (`relais fetch`): undefined for the official sources. */
  sources: { annuaire: URL | undefined; rne: URL | undefined };
  /** RELAIS_X_API_URL, RELAIS_FACEBOOK_API_URL, RELAIS_LINKEDIN_API_URL: undefined for the real services. */
  apiUrls: { x: URL | undefined; facebook: URL | undefined; linkedin: URL | undefined };
  /** RELAIS_FACEBOOK_GRAPH_VERSION ("v21.0") and RELAIS_LINKEDIN_VERSION ("202501"): they go into request paths. */
  versions: { facebook: string; linkedin: string };
}

type Env = Record<string, string | undefined>;

const MAX_TIMER_MS = 2_147_483_647; // setTimeout's own limit

class Reader {
  readonly problems: string[] = [];
  /** Every name asked for: what relais knows, to recognise a misspelt one (see unknownVariables). */
  readonly known = new Set<string>();
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    this.known.add(name);
    const value = this.env[name];
    return value === undefined ? undefined : value.trim();
  }

  /** An integer of milliseconds or a count, written in plain digits ("30000", not "30 s" nor "3e4"). */
  integer(name: string, fallback: number, min: number, max: number, unit: string): number;
  integer(name: string, fallback: undefined, min: number, max: number, unit: string): number | undefined;
  integer(name: string, fallback: number | undefined, min: number, max: number, unit: string): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      const shown = value === '' ? 'vide' : `« ${value.length > 40 ? `${value.slice(0, 40)}…` : value} »`;
      this.problems.push(`${name} : ${shown} n'est pas valable ; un nombre entier ${unit} de ${min.toLocaleString('fr-FR')} à ${max.toLocaleString('fr-FR')} est attendu`);
      return fallback;
    }
    return n;
  }

  boolean(name: string): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined || ['', '0', 'false', 'non', 'no'].includes(value)) return false;
    if (['1', 'true', 'oui', 'yes'].includes(value)) return true;
    this.problems.push(`${name} : « ${value} » n'est pas valable ; 1 (oui) ou 0 (non) est attendu`);
    return false;
  }

  /** `base`: an address relais appends paths to, which therefore cannot carry a query or a fragment. */
  url(name: string, protocols: string[], options: { credentials: boolean; base?: boolean }): URL | undefined {
    const value = this.raw(name);
    if (!value) return undefined;
    const expected = protocols.map((p) => `${p}://`).join(' ou ');
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      // The value may hold a password: it is not repeated.
      this.problems.push(`${name} illisible : une adresse ${expected} est attendue`);
      return undefined;
    }
    if (!protocols.includes(url.protocol.replace(/:$/, ''))) {
      this.problems.push(`${name} : protocole « ${url.protocol.replace(/:$/, '')} » inconnu (${expected} attendu)`);
      return undefined;
    }
    if (!url.hostname) {
      this.problems.push(`${name} : serveur manquant dans l'adresse`);
      return undefined;
    }
    // « :0 » is no port: the address would be read as the protocol's default one, said nowhere.
    if (url.port !== '' && Number(url.port) === 0) {
      this.problems.push(`${name} : le port 0 n'existe pas ; donnez le port du serveur (par exemple 587 ou 465) ou aucun pour celui par défaut`);
      return undefined;
    }
    // The user and password are decoded where they are used (decodeURIComponent): a bare « % » —
    // a password such as « 50%off » written as is — must be named here, not fail later as « URI malformed ».
    for (const [part, value] of [['identifiant', url.username], ['mot de passe', url.password]] as const) {
      try {
        decodeURIComponent(value);
      } catch {
        this.problems.push(`${name} : ${part} illisible dans l'adresse (un « % » doit y être écrit %25, et chaque caractère spécial encodé en %XX) ; ou donnez-le à part dans ${name.replace(/_URL$/, part === 'identifiant' ? '_USER' : '_PASSWORD')}`);
        return undefined;
      }
    }
    if (!options.credentials && (url.username || url.password)) {
      this.problems.push(`${name} : l'adresse ne doit pas contenir d'identifiant ni de mot de passe (les jetons ont leurs propres variables)`);
      return undefined;
    }
    // A path glued after « ?apikey=… » sends every request astray, and the query (often a key)
    // would be printed with each address: refused, without repeating it.
    // A bare « ? » or « # » (a key deleted, the mark left) is an empty query to the URL parser, but
    // it stays in the address and every path would still be glued after it: refused too.
    if (options.base && (url.search || url.hash || /[?#]/.test(value))) {
      this.problems.push(`${name} : l'adresse de base de l'API ne doit pas contenir de paramètres (« ?… ») ni de « #… » — relais y ajoute le chemin de chaque requête ; donnez-la sans eux, par exemple https://api-lannuaire.service-public.gouv.fr/api/explore/v2.1 (relais n'utilise pas de clé d'API)`);
      return undefined;
    }
    return url;
  }

  text(name: string): string | undefined {
    return this.raw(name) || undefined;
  }

  /**
   * A network account's id, which goes into request paths and bodies as written: a page's address
   * or its name there is no id, and would have every post refused one by one by the network. Not
   * kept in the settings (the edge reads it from the snapshot, where readEnvironment puts it
   * trimmed as here); only its shape is checked here. Trimmed like every other variable: a .env
   * saved with Windows line ends leaves a « \r » after the number, invisible in any message.
   */
  accountId(name: string, shape: RegExp, expected: string): void {
    const value = this.raw(name);
    if (value === undefined || value === '' || shape.test(value)) return;
    const shown = value.trim() === '' ? 'vide' : `« ${value.length > 60 ? `${value.slice(0, 60)}…` : value} »`;
    this.problems.push(`${name} : ${shown} n'est pas un identifiant ; ${expected}`);
  }

  /** A value of a known shape, e.g. an API version that goes into a URL path. */
  pattern(name: string, fallback: string, shape: RegExp, example: string): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!shape.test(value)) {
      this.problems.push(`${name} : « ${value.length > 40 ? `${value.slice(0, 40)}…` : value} » n'est pas valable ; une version comme ${example} est attendue`);
      return fallback;
    }
    return value;
  }
}

/** Reads every setting; all the wrong ones are named in a single usage error (exit 2). */
export function readSettings(env: Env, r = new Reader(env)): Settings {
  const settings: Settings = {
    debug: r.boolean('RELAIS_DEBUG'),
    workers: r.integer('RELAIS_WORKERS', undefined, 0, 64, 'de fils'),
    httpTimeoutMs: r.integer('RELAIS_HTTP_TIMEOUT_MS', 20_000, 100, MAX_TIMER_MS, 'de millisecondes'),
    retryMs: r.integer('RELAIS_RETRY_MS', 2000, 0, MAX_TIMER_MS, 'de millisecondes'),
    mediaPollMs: r.integer('RELAIS_MEDIA_POLL_MS', 5000, 0, 600_000, 'de millisecondes'),
    httpTimeoutGiven: Boolean(env.RELAIS_HTTP_TIMEOUT_MS?.trim()),
    ci: Boolean(env.CI),
    smtp: {
      url: r.url('RELAIS_SMTP_URL', ['smtp', 'smtps'], { credentials: true }),
      timeoutMs: r.integer('RELAIS_SMTP_TIMEOUT_MS', 15_000, 100, MAX_TIMER_MS, 'de millisecondes'),
      replyTimeoutMs: r.integer('RELAIS_SMTP_REPLY_TIMEOUT_MS', 25_000, 100, MAX_TIMER_MS, 'de millisecondes'),
      maxConnections: r.integer('RELAIS_SMTP_MAX_CONNECTIONS', 3, 1, 50, 'de connexions'),
      retryMs: r.integer('RELAIS_SMTP_RETRY_MS', undefined, 0, 600_000, 'de millisecondes'),
      caFile: r.text('RELAIS_SMTP_CA_FILE'),
      allowPlainAuth: r.boolean('RELAIS_SMTP_ALLOW_PLAIN_AUTH'),
    },
    imap: {
      url: r.url('RELAIS_IMAP_URL', ['imap', 'imaps'], { credentials: true }),
      user: r.text('RELAIS_IMAP_USER'),
      caFile: r.text('RELAIS_IMAP_CA_FILE'),
      folder: r.text('RELAIS_IMAP_FOLDER'),
      moveTo: r.text('RELAIS_IMAP_MOVE_TO'),
      timeoutMs: r.integer('RELAIS_IMAP_TIMEOUT_MS', 15_000, 100, MAX_TIMER_MS, 'de millisecondes'),
    },
    sources: {
      annuaire: r.url('RELAIS_ANNUAIRE_API_URL', ['http', 'https'], { credentials: false, base: true }),
      rne: r.url('RELAIS_RNE_URL', ['http', 'https'], { credentials: false }),
    },
    apiUrls: {
      x: r.url('RELAIS_X_API_URL', ['http', 'https'], { credentials: false }),
      facebook: r.url('RELAIS_FACEBOOK_API_URL', ['http', 'https'], { credentials: false }),
      linkedin: r.url('RELAIS_LINKEDIN_API_URL', ['http', 'https'], { credentials: false }),
    },
    versions: {
      facebook: r.pattern('RELAIS_FACEBOOK_GRAPH_VERSION', 'v21.0', /^v\d{1,3}\.\d{1,3}$/, 'v21.0'),
      linkedin: r.pattern('RELAIS_LINKEDIN_VERSION', '202501', /^\d{6}(\.\d{2})?$/, '202501'),
    },
  };
  // Documented forms: LinkedIn's Posts API takes the author as urn:li:organization:<number>;
  // Facebook's Graph API publishes to /<page id>/feed, the page's number.
  r.accountId(
    'RELAIS_LINKEDIN_ORGANIZATION',
    /^(?:urn:li:organization:)?\d+$/,
    "le numéro de l'organisation (par exemple 12345678) ou urn:li:organization:12345678 est attendu — il figure dans l'adresse de la page d'administration (linkedin.com/company/<numéro>/admin), pas son nom",
  );
  r.accountId(
    'RELAIS_FACEBOOK_PAGE_ID',
    /^\d+$/,
    "le numéro de la page est attendu (par exemple 104512345678901) — Facebook le donne dans « À propos » › « Transparence de la page » (ID de la page), pas l'adresse ni le nom de la page",
  );
  if (r.problems.length === 1) throw new SettingsError(r.problems[0]!, r.problems);
  if (r.problems.length > 1) throw new SettingsError(`${r.problems.length} variables d'environnement invalides :\n  ${r.problems.join('\n  ')}`, r.problems);
  return settings;
}

/** The settings, and the environment as it was when they were read (for the credentials). */
export interface Environment {
  settings: Settings;
  variables: Readonly<Env>;
}

/** The account ids, which the settings check trimmed and the edge reads from the snapshot. */
const ACCOUNT_IDS = ['RELAIS_FACEBOOK_PAGE_ID', 'RELAIS_LINKEDIN_ORGANIZATION'] as const;

/**
 * Read once at start by the CLI: the only place `process.env` is handed in. The snapshot holds the
 * account ids trimmed, as they were checked: the number sent to the networks is the one accepted.
 */
export function readEnvironment(env: Env): Environment {
  const settings = readSettings(env);
  const variables: Env = { ...env };
  for (const name of ACCOUNT_IDS) {
    const value = env[name];
    if (value !== undefined) variables[name] = value.trim();
  }
  return { settings, variables: Object.freeze(variables) };
}

/** Credentials, read by the edge that uses them from the environment snapshot (never printed). */
const CREDENTIALS = [
  'RELAIS_SMTP_USER', 'RELAIS_SMTP_PASSWORD', 'RELAIS_IMAP_PASSWORD',
  'RELAIS_X_APP_KEY', 'RELAIS_X_APP_SECRET', 'RELAIS_X_ACCESS_TOKEN', 'RELAIS_X_ACCESS_SECRET',
  'RELAIS_FACEBOOK_PAGE_ID', 'RELAIS_FACEBOOK_PAGE_TOKEN', 'RELAIS_LINKEDIN_TOKEN', 'RELAIS_LINKEDIN_ORGANIZATION',
];

/** Every RELAIS_* name relais reads: its settings and its credentials. */
export function knownVariables(): string[] {
  const reader = new Reader({});
  readSettings({}, reader);
  return [...new Set([...reader.known, ...CREDENTIALS])];
}


/** A usage error (exit 2); the --json error document lists every refused variable. */
export class SettingsError extends RelaisError {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message, {}, { exitCode: 2, details: { variables: problems } });
    this.name = 'SettingsError';
  }
}
