import { setTimeout as wait } from 'node:timers/promises';
import { RelaisError } from '../errors.js';
import { retryAfterMs } from '../retry-after.js';
import { MASK, redact } from '../secrets.js';
import { frenchNumber } from '../text/format.js';

/**
 * The HTTP edge of `relais fetch`: one small interface (a GET that returns status, headers and
 * bytes), the retry policy on top of it and the messages; node:http(s) is behind it, in
 * http-node.ts. Official open-data portals answer 429 when their quota is spent (Opendatasoft
 * sends X-RateLimit-* headers, and often Retry-After) and 5xx while they redeploy; a préfecture
 * proxy answers with an HTML page. Each of those ends in a French message that names the
 * address, never a body and never a credential.
 */
export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The address after redirects (data.gouv.fr's stable link redirects to the dated file). */
  url: string;
  body: Uint8Array;
}

export interface HttpClient {
  get(url: string, accept: string): Promise<HttpResponse>;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Pause before the first retry, doubled at each one (Retry-After wins when the server sends it). */
  baseMs: number;
  /** A server asking to wait longer than this ends the command, with the time to try again. */
  maxWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** Ctrl-C: ends a pause before a retry at once. */
  signal?: AbortSignal;
  /** Told before each pause, so that the CLI can say why it waits. */
  onRetry?: (info: { url: string; reason: string; waitMs: number; attempt: number }) => void;
}

/**
 * Query parameters whose value is a credential: `?apikey=` (Opendatasoft), `?token=`, `?key=`,
 * a signed storage link's `X-Amz-Signature` / `X-Amz-Credential`, `?sig=`… The value is masked,
 * the name kept (it tells what was given). Other parameters (`where=`, `limit=`) stay as they are.
 */
const SECRET_PARAMETER = /key|token|secret|passw|pwd|sig|auth|credential|session/i;

/**
 * The URL as it may be shown, or written in a file that is kept and shared (provenance.json,
 * PROVENANCE.md): without user name, password or query-string secrets.
 */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    let shown = u.toString();
    if (u.search.length > 1 && [...u.searchParams.keys()].some((k) => SECRET_PARAMETER.test(k))) {
      // Rebuilt by hand, not through searchParams, to leave the other parameters' spelling intact.
      const query = u.search
        .slice(1)
        .split('&')
        .map((pair) => {
          const eq = pair.indexOf('=');
          const name = eq < 0 ? pair : pair.slice(0, eq);
          let decoded = name;
          try {
            decoded = decodeURIComponent(name.replace(/\+/g, ' '));
          } catch {
            // a malformed escape: tested as written
          }
          return eq >= 0 && SECRET_PARAMETER.test(decoded) ? `${name}=${MASK}` : pair;
        })
        .join('&');
      shown = `${u.origin}${u.pathname}?${query}${u.hash}`;
    }
    return redact(shown);
  } catch {
    return redact(url);
  }
}

/** The same, with its query decoded: `where=startswith(code_insee_commune, "45")` reads better in a message. */
export function readableUrl(url: string): string {
  const shown = shownUrl(url);
  try {
    return decodeURIComponent(shown.replace(/\+/g, ' '));
  } catch {
    return shown;
  }
}

/** A transport failure, sorted into what the retry loop and the user need to know. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** Its message says all there is to say of the addresses: nothing is added after a redirect. */
    readonly standsAlone = false,
  ) {
    super(message);
  }
}

/** A server that answers with redirects without end: no outage, and asking again loops again. */
export const TOO_MANY_REDIRECTS = "trop de redirections : l'adresse renvoie sans fin vers elle-même ou vers une autre (proxy, portail captif, page de connexion ?)";

/** A redirect whose Location is no address (`http://[zz/`): the server's mistake, not an outage. */
export function badLocation(host: string, location: string): TransportError {
  const shown = redact(location.length > 100 ? `${location.slice(0, 100)}…` : location);
  return new TransportError(`${host} redirige vers une adresse invalide (en-tête Location : « ${shown} ») : relais ne peut pas la suivre ; adresse à vérifier auprès du producteur des données`, false, true);
}

/** An answer past the cap (http-node.ts's MAX_BODY_BYTES), as received or once decompressed. */
export function tooLarge(host: string, maxBytes: number, coding?: string): TransportError {
  const size = `${frenchNumber(Math.round(maxBytes / (1024 * 1024)))} Mo`;
  return new TransportError(`la réponse de ${host} fait plus de ${size}${coding ? ` une fois décompressée (${coding})` : ''} : adresse erronée ? relais ne lit pas de fichier aussi gros`, false);
}

/**
 * The certificate checks of Node (OpenSSL's X.509 verification codes, and Node's own for a name
 * that does not match). Behind a préfecture's proxy that inspects HTTPS, the chain ends in the
 * proxy's own authority, unknown to Node: no outage, and trying again changes nothing.
 */
const CERTIFICATE_ERRORS: Record<string, string> = {
  UNABLE_TO_GET_ISSUER_CERT: 'autorité inconnue',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'autorité inconnue',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'autorité inconnue',
  SELF_SIGNED_CERT_IN_CHAIN: 'chaîne signée par une autorité inconnue',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificat auto-signé',
  CERT_UNTRUSTED: 'certificat non reconnu',
  CERT_REJECTED: 'certificat refusé',
  INVALID_CA: 'autorité invalide',
  INVALID_PURPOSE: 'certificat non prévu pour cet usage',
  CERT_CHAIN_TOO_LONG: 'chaîne de certificats trop longue',
  PATH_LENGTH_EXCEEDED: 'chaîne de certificats trop longue',
  CERT_HAS_EXPIRED: 'certificat expiré',
  CERT_NOT_YET_VALID: 'certificat pas encore valable (horloge de l\'ordinateur ?)',
  CERT_REVOKED: 'certificat révoqué',
  CERT_SIGNATURE_FAILURE: 'signature du certificat invalide',
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: 'signature du certificat illisible',
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 'clé de l\'autorité illisible',
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 'dates du certificat illisibles',
  ERROR_IN_CERT_NOT_AFTER_FIELD: 'dates du certificat illisibles',
  UNABLE_TO_GET_CRL: 'liste de révocation introuvable',
  CRL_HAS_EXPIRED: 'liste de révocation expirée',
  CRL_NOT_YET_VALID: 'liste de révocation pas encore valable',
  CRL_SIGNATURE_FAILURE: 'liste de révocation mal signée',
  UNABLE_TO_DECRYPT_CRL_SIGNATURE: 'liste de révocation illisible',
  ERROR_IN_CRL_LAST_UPDATE_FIELD: 'liste de révocation illisible',
  ERROR_IN_CRL_NEXT_UPDATE_FIELD: 'liste de révocation illisible',
  HOSTNAME_MISMATCH: 'certificat établi pour un autre nom',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificat établi pour un autre nom',
};

/**
 * A failure of the connection to `at` (the address it happened at, after any redirect), in French;
 * `from`, the host the request started from when it was redirected.
 */
export function transportError(err: unknown, at: URL | string, timeoutMs: number, from?: string): TransportError {
  const e = (err ?? {}) as Error & { code?: string };
  const code = typeof e.code === 'string' ? e.code : '';
  const host = (() => {
    try {
      return new URL(at).host;
    } catch {
      return String(at);
    }
  })();
  const after = from !== undefined ? ` (après redirection depuis ${from})` : '';
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new TransportError(`pas de réponse complète de ${host}${after} en ${Math.round(timeoutMs / 1000)} s`, true);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransportError(`adresse ${host}${after} introuvable (DNS) : l'ordinateur est-il connecté au réseau ?`, false);
  if (code === 'ECONNREFUSED') return new TransportError(`connexion refusée par ${host}${after} : pas de réseau, ou un pare-feu bloque l'accès`, true);
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH') return new TransportError(`réseau injoignable pour ${host}${after} : l'ordinateur est-il connecté ?`, false);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new TransportError(`${host}${after} a coupé la connexion avant la fin de la réponse (réponse tronquée)`, true);
  const certificate = CERTIFICATE_ERRORS[code];
  if (certificate !== undefined) {
    return new TransportError(
      `certificat de ${host}${after} refusé (${certificate} : ${code}) : un proxy de l'administration qui inspecte les connexions HTTPS ? Si oui, donnez son certificat racine à relais par la variable NODE_EXTRA_CA_CERTS=chemin/du/certificat.pem (service informatique)`,
      false,
    );
  }
  if (/CERT|SSL|TLS/.test(code)) return new TransportError(`connexion sécurisée à ${host}${after} refusée (${code})`, false);
  return new TransportError(`${host}${after} injoignable (${code || e.message})`, true);
}

/** Every failure happens before anything is written: the messages say so. */
export const NOTHING_WRITTEN = "rien n'a été écrit, les fichiers précédents sont conservés";

/** Ctrl-C or SIGTERM before the files were replaced. */
export function interrupted(): RelaisError {
  return new RelaisError(`interrompu : ${NOTHING_WRITTEN}`);
}

/**
 * Retry-After in seconds or as an HTTP date; else, for a 429, Opendatasoft's X-RateLimit-Reset
 * (epoch seconds of the end of the quota period, sent with every answer: not a reason to wait
 * after a 5xx).
 */
export function serverWaitMs(headers: Headers, now: number, status = 429): number | undefined {
  const after = retryAfterMs(headers.get('retry-after'), now);
  if (after !== undefined) return after;
  const reset = status === 429 ? headers.get('x-ratelimit-reset')?.trim() : undefined;
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}

async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await wait(ms, undefined, signal ? { signal } : {});
  } catch (err) {
    if (signal?.aborted) throw interrupted();
    throw err;
  }
}

function frenchTime(ms: number): string {
  return new Date(ms).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });
}

/**
 * A GET with bounded retries: 429 and 5xx answers and dropped connections are tried again after a
 * pause (the server's, else an exponential one); other 4xx answers and DNS failures are final.
 */
export async function getWithRetry(client: HttpClient, url: string, accept: string, what: string, policy: RetryPolicy): Promise<HttpResponse> {
  const sleep = policy.sleep ?? ((ms: number) => defaultSleep(ms, policy.signal));
  const shown = readableUrl(url);
  for (let attempt = 1; ; attempt++) {
    let reason: string;
    let waitMs = policy.baseMs * 2 ** (attempt - 1);
    try {
      const res = await client.get(url, accept);
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status !== 429 && res.status < 500) {
        throw new RelaisError(`${what} : ${shown} a répondu ${res.status}${apiMessage(res)} ; ${NOTHING_WRITTEN}`, {}, { details: { url: shown, status: res.status } });
      }
      reason = res.status === 429 ? 'trop de requêtes (429)' : `erreur du serveur (${res.status})`;
      const asked = serverWaitMs(res.headers, Date.now(), res.status);
      if (asked !== undefined) {
        if (asked > policy.maxWaitMs) {
          throw new RelaisError(`${what} : ${shown} demande d'attendre (${reason}) jusqu'au ${frenchTime(Date.now() + asked)} ; relancez « relais fetch » après cette heure ; ${NOTHING_WRITTEN}`, {}, { details: { url: shown, status: res.status } });
        }
        waitMs = asked;
      }
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      if (!err.retryable || attempt >= policy.attempts) throw new RelaisError(`${what} : ${err.message} (${shown}) ; ${NOTHING_WRITTEN}`, {}, { details: { url: shown } });
      reason = err.message;
    }
    if (attempt >= policy.attempts) {
      throw new RelaisError(`${what} : ${shown} — ${reason}, encore après ${attempt} tentatives ; réessayez plus tard ; ${NOTHING_WRITTEN}`, {}, { details: { url: shown } });
    }
    policy.onRetry?.({ url: shown, reason, waitMs, attempt });
    await sleep(waitMs);
  }
}

/** Opendatasoft explains a refusal in `{"error_code", "message"}`: worth showing, shortened. */
function apiMessage(res: HttpResponse): string {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(res.body)) as { message?: unknown };
    if (typeof parsed.message === 'string') return ` : ${redact(parsed.message).slice(0, 200)}`;
  } catch {
    // Not JSON: the status says enough.
  }
  return '';
}

/** An HTML page where data was expected: a portal in maintenance, a captive portal, a proxy. */
export function looksLikeHtml(res: HttpResponse): boolean {
  const type = res.headers.get('content-type') ?? '';
  if (/text\/html|application\/xhtml/i.test(type)) return true;
  const start = new TextDecoder().decode(res.body.subarray(0, 512)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  return start.startsWith('<!doctype html') || start.startsWith('<html') || start.startsWith('<head') || start.startsWith('<body');
}

/** The body as JSON, or a French error that says what came instead. */
export function jsonBody(res: HttpResponse, what: string): unknown {
  const shown = readableUrl(res.url);
  if (looksLikeHtml(res)) {
    throw new RelaisError(`${what} : ${shown} a répondu par une page HTML au lieu de données JSON (portail en maintenance ou proxy de l'administration ?) ; ${NOTHING_WRITTEN}`, {}, { details: { url: shown } });
  }
  const text = new TextDecoder().decode(res.body);
  try {
    return JSON.parse(text);
  } catch {
    const truncated = text.trim().length > 0 && !/[}\]]\s*$/.test(text);
    throw new RelaisError(
      `${what} : la réponse de ${shown} n'est pas un JSON lisible${truncated ? ' (réponse tronquée)' : ''} ; ${NOTHING_WRITTEN}`,
      {},
      { details: { url: shown } },
    );
  }
}

/** The body's length a Content-Length header announces (a plain decimal number), or null. */
export function announcedLength(value: string | null | undefined): number | null {
  return value !== null && value !== undefined && /^\d+$/.test(value.trim()) ? Number(value) : null;
}
