import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { relative } from 'node:path';
import { campaignPaths } from '../campaign/paths.js';
import { Readable } from 'node:stream';
import { RelaisError } from '../errors.js';
import { insideFolder, writeFileAtomicSync } from '../files.js';
import { pause } from './grace.js';
import { classify, DeliveryError, type SmtpError } from './smtp-classify.js';
import type { Settings } from '../settings.js';
import type { Target } from './journal.js';
import { MimeNode, SMTPPool } from './mime.js';
import { useFastDataStream } from './smtp-data.js';
import { isSmtputf8Missing, orcptOf, useSmtputf8Guard, type Smtputf8Missing } from './smtp-utf8.js';

/**
 * Where emails go: an outbox of .eml files (the embedded default — nothing leaves the machine),
 * or an SMTP server through nodemailer's connection pool. Failures are sorted so that the send
 * loop can decide: retry (temporary), give up on this recipient (permanent), never retry on its
 * own (unknown outcome), or stop the whole run (the server refuses us: password, certificate,
 * no TLS to send the password over). A failure of the connection itself (refused, cut, silent) is
 * marked as such: the send loop counts those to tell a dead server from a refused message.
 */
export interface OutgoingMessage {
  envelope: { from: string; to: string };
  /** The whole message (headers and body), composed by relais. */
  raw: Buffer;
  /** The Message-ID already in `raw` (nodemailer would draw one of its own otherwise). */
  messageId: string;
  /**
   * ENVID of the DSN request (RFC 3461), `campaign.commune`: a server that advertises DSN returns
   * it in its bounce (Original-Envelope-Id), which `relais bounces` matches on.
   */
  envelopeId?: string;
  /** Where the outbox writes it (decided by the campaign's plan, inside out/outbox/). */
  outboxPath: string;
}


export interface Transport {
  kind: 'outbox' | 'smtp';
  /** What the journal keys deliveries by: the outbox, or a server (and which). */
  target: Target;
  /** Said to the user: where messages go (no password). */
  description: string;
  /** How many messages may be in flight at once. */
  concurrency: number;
  /** The first retry's pause, doubled at each further attempt. */
  retryBaseMs: number;
  /**
   * The server's greeting, before any message: a connection failure (a 421 « busy », no answer)
   * is tried again as a message would be — `attempts` in a row, `retryBaseMs` then twice that
   * apart — before the run stops with nothing sent; a refusal of the session stops it at once.
   * Interrupted during a pause, it returns: the run then ends as interrupted, nothing sent.
   */
  verify(attempts?: number, signal?: AbortSignal): Promise<void>;
  /**
   * `handover` is called (synchronously) just before the message itself starts to leave: for a
   * server, once the envelope is accepted and the server awaits the data, never before the
   * session is open. If it throws, the message is not sent.
   */
  send(message: OutgoingMessage, handover?: () => void): Promise<string>;
  close(): void;
}

export function outboxTransport(outboxDir: string): Transport {
  return {
    kind: 'outbox',
    target: { destination: 'outbox', server: null },
    description: `boîte d'envoi locale ${outboxDir} (aucun message ne quitte cet ordinateur)`,
    concurrency: 4,
    retryBaseMs: DEFAULT_RETRY_MS,
    async verify() {},
    async send(message, handover) {
      // The plan decided the path; it must still be this outbox's.
      const path = insideFolder(outboxDir, relative(outboxDir, message.outboxPath));
      handover?.();
      writeFileAtomicSync(path, message.raw);
      return `écrit dans ${path}`;
    },
    close() {},
  };
}

export interface SmtpSettings {
  url: URL;
  user: string | undefined;
  password: string | undefined;
  maxConnections: number;
  ca: Buffer | undefined;
  /** RELAIS_SMTP_TIMEOUT_MS: setting the session up (connection, greeting, STARTTLS). */
  timeoutMs: number;
  /**
   * RELAIS_SMTP_REPLY_TIMEOUT_MS: how long the server may stay silent mid-session, the answer to a
   * whole message included (25 s). A server filtering messages before it accepts them answers in
   * a few seconds; one silent that long has stopped, and a send must not wait minutes to say so.
   */
  replyTimeoutMs: number;
  /** RELAIS_SMTP_RETRY_MS: the first retry's pause (2 s), read here for `send` and `run` alike. */
  retryBaseMs: number;
  /** RELAIS_SMTP_ALLOW_PLAIN_AUTH: a local relay (loopback only) may take the password without TLS. */
  allowPlainAuth: boolean;
}

export const DEFAULT_RETRY_MS = 2000;
/**
 * Setting a session up takes well under a second on a healthy server; 15 s is generous, and it
 * bounds the time a dead server costs (see OUTAGE_LIMIT in deliver.ts: 3 × 15 s + 2 s + 4 s).
 */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** 127.0.0.0/8, ::1 or localhost: a relay on this very machine, where nothing crosses a network. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./.test(host);
  return false;
}

/**
 * The SMTP server of the settings (validated at start by settings.ts), with its credentials from
 * the environment read at the same time; the password never appears in anything said. Undefined
 * without RELAIS_SMTP_URL: emails go to the outbox.
 */
export function smtpSettingsFrom(settings: Settings['smtp'], env: Readonly<Record<string, string | undefined>>): SmtpSettings | undefined {
  const url = settings.url;
  if (!url) return undefined;
  let ca: Buffer | undefined;
  if (settings.caFile) {
    try {
      ca = readFileSync(settings.caFile);
    } catch {
      throw new RelaisError(`RELAIS_SMTP_CA_FILE : fichier introuvable ${settings.caFile}`, { field: 'RELAIS_SMTP_CA_FILE' });
    }
  }
  if (settings.allowPlainAuth && !isLoopback(url.hostname)) {
    throw new RelaisError(`RELAIS_SMTP_ALLOW_PLAIN_AUTH n'est accepté que pour un relais sur cet ordinateur (127.0.0.1, ::1, localhost), pas pour ${url.hostname} : le mot de passe traverserait le réseau en clair ; utilisez smtps:// ou un serveur qui propose STARTTLS`, { field: 'RELAIS_SMTP_ALLOW_PLAIN_AUTH' });
  }
  return {
    url,
    timeoutMs: settings.timeoutMs,
    replyTimeoutMs: settings.replyTimeoutMs,
    retryBaseMs: settings.retryMs ?? DEFAULT_RETRY_MS,
    allowPlainAuth: settings.allowPlainAuth,
    user: env.RELAIS_SMTP_USER ?? (url.username ? decodeURIComponent(url.username) : undefined),
    password: env.RELAIS_SMTP_PASSWORD ?? (url.password ? decodeURIComponent(url.password) : undefined),
    maxConnections: settings.maxConnections,
    ca,
  };
}

export function smtpTransport(settings: SmtpSettings): Transport {
  const { url } = settings;
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  // A password goes only over TLS: smtps://, or STARTTLS required (nodemailer would otherwise send
  // AUTH in clear to a server that does not offer STARTTLS). The one exception is a local relay
  // the user named explicitly (RELAIS_SMTP_ALLOW_PLAIN_AUTH, loopback only).
  const requireTLS = Boolean(settings.user) && !secure && !settings.allowPlainAuth;
  useFastDataStream();
  useSmtputf8Guard();
  const pool = new SMTPPool({
    maxConnections: settings.maxConnections,
    maxMessages: Infinity,
    host: url.hostname,
    port,
    secure,
    requireTLS,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    // STARTTLS is used whenever the server offers it (required with a password); certificates are always verified.
    tls: { rejectUnauthorized: true, ...(settings.ca ? { ca: settings.ca } : {}), ...(isIP(url.hostname) ? {} : { servername: url.hostname }) },
    // A server that accepts and then stalls must not hang the run: these bound every wait.
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.replyTimeoutMs,
    logger: false,
    debug: false,
  });
  // Addresses in the envelope as nodemailer's composer would write them (an internationalised
  // domain in punycode): the same node each time, its envelope replaced by each message's.
  const addresses = new MimeNode();
  return {
    kind: 'smtp',
    target: { destination: 'server', server: `${url.hostname}:${port}` },
    description: `serveur SMTP ${url.protocol}//${settings.user ? `${settings.user}@` : ''}${url.host}`,
    concurrency: settings.maxConnections,
    retryBaseMs: settings.retryBaseMs,
    async verify(attempts = 1, signal) {
      for (let attempt = 1; ; attempt++) {
        try {
          await pool.verify();
          return;
        } catch (err) {
          const d = classify(err as SmtpError);
          // A refusal of the session (not a server gone or busy) is the same at every attempt.
          if (d.kind === 'fatal' || d.kind === 'permanent') throw new RelaisError(d.kind === 'fatal' ? d.message : `le serveur SMTP refuse la session (${d.reply || d.message}) — rien n’a été envoyé`, { field: 'RELAIS_SMTP_URL' });
          if (attempt >= attempts) {
            const tries = attempt > 1 ? ` (${attempt} tentatives de suite)` : '';
            throw new RelaisError(`serveur SMTP injoignable (${url.host})${tries} : ${d.reply || d.message} — rien n’a été envoyé ; relancez la même commande quand le serveur répond`, { field: 'RELAIS_SMTP_URL' });
          }
          await pause(settings.retryBaseMs * 2 ** (attempt - 1), signal);
          // Interrupted while waiting: the send loop then stops before any message, as interrupted.
          if (signal?.aborted) return;
        }
      }
    },
    async send(message, handover) {
      // Set once nodemailer has taken the whole message: a connection lost after that, before the
      // server's answer, may have delivered it (a relay that dies after the final dot).
      let written = false;
      try {
        // DSN asked for failures and delays, with the headers only (RET=HDRS: the letter does not
        // come back with every bounce); nodemailer adds the parameters only if the server offers DSN.
        const envelope = addresses.setEnvelope({ from: message.envelope.from, to: [message.envelope.to] }).getEnvelope();
        // ORCPT: the address the envelope gives, typed as RFC 3461 / RFC 6533 want (smtp-utf8.ts).
        const dsn = { notify: ['FAILURE', 'DELAY'] as Array<'FAILURE' | 'DELAY'>, ret: 'HDRS' as const, orcpt: orcptOf(envelope.to[0] ?? message.envelope.to), ...(message.envelopeId ? { envid: message.envelopeId } : {}) };
        const info = await new Promise<{ response?: string; rejected?: unknown[]; accepted?: unknown[] }>((resolve, reject) => {
          pool.send(poolMessage(message, envelope, dsn, () => (written = true), handover), (err, sent) => (err ? reject(err) : resolve(sent as { response?: string })));
        });
        // A partly refused recipient list is a failure, not a success.
        if ((info.rejected?.length ?? 0) > 0 || (info.accepted?.length ?? 0) === 0) {
          throw new DeliveryError('destinataire refusé par le serveur', 'permanent', info.response ?? '');
        }
        return info.response ?? 'accepté';
      } catch (err) {
        if (err instanceof DeliveryError) throw err;
        if (isSmtputf8Missing(err)) throw smtputf8Refusal(err);
        const e = err as SmtpError;
        if (written && e.responseCode === undefined && e.timeoutType !== 'SOCKET_TIMEOUT') {
          throw new DeliveryError('connexion perdue après l’envoi du message, avant la réponse du serveur : remise inconnue', 'unknown', (e.response ?? '').trim(), true);
        }
        throw classify(e, settings.replyTimeoutMs);
      }
    },
    close() {
      pool.close();
    },
  };
}

/**
 * A message not sent because its address needs SMTPUTF8 and the server does not offer it
 * (smtp-utf8.ts): permanent — the relay will not offer it at the next run either — so the letter
 * goes by post, as for an address the server refused (the address is said beside it). The reply
 * says what the server offered. It speaks of the recipient (« destinataire »): a series of such
 * town halls is then not read as the relay refusing the whole campaign (relayRefusalKey).
 */
function smtputf8Refusal({ extensions, sender, smtputf8 }: Smtputf8Missing): DeliveryError {
  const offered = `extensions annoncées par le serveur : ${extensions.length ? extensions.join(' ') : 'aucune'}`;
  // The sender's own address: every message would be refused alike, no town hall's fault.
  if (sender) {
    return new DeliveryError(
      `l'adresse d'expédition ${smtputf8[0]} (expediteur.retour, ou expediteur.courriel, dans campagne.yaml) a un caractère accentué avant le @, et le serveur SMTP ne propose pas l’extension SMTPUTF8 (RFC 6531) sans laquelle elle ne peut pas lui être confiée : rien n’est parti, aucune mairie n’est passée au courrier ; donnez une adresse d'expédition sans accent, ou un serveur qui propose SMTPUTF8 (${offered})`,
      'fatal',
      '',
    );
  }
  return new DeliveryError(
    `adresse internationale (caractère accentué avant le @) : le serveur SMTP ne propose pas l’extension SMTPUTF8 (RFC 6531), sans laquelle cette adresse ne peut pas lui être confiée ; rien n’est parti, la lettre de cette mairie part par courrier`,
    'permanent',
    `(rien de transmis pour ce destinataire ; ${offered})`,
  );
}

/**
 * What nodemailer's pool takes from a message (its transport interface: `mail.data` and the
 * `mail.message` node), given directly: the message is already composed, and nodemailer's own
 * composer — a MIME tree, its streams and plug-ins for each message — cost as much as the
 * sending itself. The pool may ask for the stream again to resend a message that did not leave
 * (a connection the server closed in between): each call gives a new stream of the same bytes.
 */
function poolMessage(message: OutgoingMessage, envelope: { from: string | false; to: string[] }, dsn: object, taken: () => void, handover?: () => void): Parameters<SMTPPool['send']>[0] {
  const mail = {
    data: { dsn },
    message: {
      getEnvelope: () => ({ from: envelope.from, to: [...envelope.to] }),
      messageId: () => message.messageId,
      getHeader: (key: string) => (key.toLowerCase() === 'message-id' ? message.messageId : undefined),
      // The pool takes the stream before it connects; nodemailer reads it only once the server
      // has accepted the envelope and awaits the data (354): `handover` is called at that first
      // read, before any byte of the message is written. If it throws, the stream fails and the
      // message is never ended (no final dot): the server cannot take it.
      createReadStream: () => {
        let started = false;
        const stream = new Readable({
          read() {
            if (started) return;
            started = true;
            try {
              handover?.();
            } catch (err) {
              this.destroy(err as Error);
              return;
            }
            this.push(message.raw);
            this.push(null);
          },
        });
        stream.once('end', taken);
        return stream;
      },
    },
  };
  return mail as unknown as Parameters<SMTPPool['send']>[0];
}

/** The SMTP server when one is configured, otherwise the campaign's outbox (out/outbox/). */
export function transportFor(campaignDir: string, smtp: SmtpSettings | undefined): Transport {
  return smtp ? smtpTransport(smtp) : outboxTransport(campaignPaths(campaignDir).outbox);
}
