import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ImapFlow } from 'imapflow';
import { RelaisError } from '../errors.js';
import { redact } from '../secrets.js';
import type { Settings } from '../settings.js';
import { NOTHING_CHANGED, type MailSource } from './files.js';

/**
 * The bounce mailbox over IMAP (imapflow). TLS always, certificates always verified: imaps://, or
 * imap:// with STARTTLS required (a server that does not offer it gets no password). Credentials
 * come from the environment and are never shown.
 */
export interface ImapSettings {
  url: URL;
  user: string | undefined;
  password: string | undefined;
  ca: Buffer | undefined;
  /** The folder to read (RELAIS_IMAP_FOLDER, or the URL's path; INBOX by default). */
  folder: string;
  /** Where handled bounces go (RELAIS_IMAP_MOVE_TO); undefined: they stay. */
  moveTo: string | undefined;
  timeoutMs: number;
}

/**
 * The bounce mailbox from the settings read at start (settings.ts validated RELAIS_IMAP_URL and its
 * companions) and the credentials from the environment snapshot; undefined without a URL.
 */
export function imapSettingsFrom(settings: Settings['imap'], env: Readonly<Record<string, string | undefined>>): ImapSettings | undefined {
  const url = settings.url;
  if (!url) return undefined;
  let ca: Buffer | undefined;
  if (settings.caFile) {
    try {
      ca = readFileSync(settings.caFile);
    } catch {
      throw new RelaisError(`RELAIS_IMAP_CA_FILE : fichier introuvable ${settings.caFile}`, { field: 'RELAIS_IMAP_CA_FILE' });
    }
  }
  const path = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  return {
    url,
    user: settings.user || (url.username ? decodeURIComponent(url.username) : undefined),
    password: env.RELAIS_IMAP_PASSWORD ?? (url.password ? decodeURIComponent(url.password) : undefined),
    ca,
    folder: settings.folder || path || 'INBOX',
    moveTo: settings.moveTo,
    timeoutMs: settings.timeoutMs,
  };
}

type ImapError = Error & { code?: string; authenticationFailed?: boolean; tlsFailed?: boolean; responseText?: string; serverResponseCode?: string };

const CERTIFICATE = /certificate|self[- ]signed|unable to verify|CERT_|DEPTH_ZERO|altnames/i;

/** What went wrong, in French, without the password (a server may quote what it received). */
export function imapError(err: ImapError, settings: ImapSettings, folder?: string): RelaisError {
  const where = `${settings.url.protocol}//${settings.url.host}`;
  const field = { field: 'RELAIS_IMAP_URL' };
  if (err.authenticationFailed || err.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return new RelaisError(`identifiants refusés par le serveur IMAP ${where} : vérifiez RELAIS_IMAP_USER et RELAIS_IMAP_PASSWORD (rien n’a été lu)`, { field: 'RELAIS_IMAP_USER' }, { cause: err });
  }
  if (CERTIFICATE.test(`${err.message} ${err.code ?? ''}`)) {
    return new RelaisError(`certificat du serveur IMAP ${where} refusé (${redact(err.message)}) : donnez l’autorité qui l’a signé avec RELAIS_IMAP_CA_FILE (il n’existe pas de mode sans vérification)`, { field: 'RELAIS_IMAP_CA_FILE' }, { cause: err });
  }
  if (err.tlsFailed || /STARTTLS/i.test(err.message)) {
    return new RelaisError(`le serveur IMAP ${where} ne propose pas de connexion chiffrée (STARTTLS) : relais n’y envoie pas le mot de passe ; utilisez imaps:// ou un serveur qui propose STARTTLS`, field, { cause: err });
  }
  if (folder && (err.serverResponseCode === 'NONEXISTENT' || /mailbox doesn't exist|not exist|unknown mailbox|no such/i.test(`${err.responseText ?? ''} ${err.message}`))) {
    return new RelaisError(`dossier IMAP « ${folder} » introuvable sur ${where} (RELAIS_IMAP_FOLDER, --folder)`, { field: 'RELAIS_IMAP_FOLDER' }, { cause: err });
  }
  if (/wrong version number|packet length too long|unknown protocol/i.test(err.message)) {
    return new RelaisError(`le serveur ${where} ne parle pas TLS d'emblée sur ce port : pour un port IMAP ordinaire (143), écrivez imap:// (STARTTLS) ; imaps:// est pour le port 993`, field, { cause: err });
  }
  const known: Record<string, string> = { ECONNREFUSED: 'connexion refusée', ETIMEDOUT: 'pas de réponse', ENOTFOUND: 'serveur inconnu (DNS)', EHOSTUNREACH: 'serveur inaccessible', ECONNRESET: 'connexion coupée', CONNECT_TIMEOUT: 'pas de réponse', GREETING_TIMEOUT: 'pas de réponse du serveur' };
  const reason = (err.code && known[err.code]) || redact(err.responseText || err.message || String(err.code ?? 'erreur réseau'));
  return new RelaisError(`serveur IMAP ${where} injoignable ou en erreur : ${reason}${NOTHING_CHANGED}`, field, { cause: err });
}

export function imapSource(settings: ImapSettings): MailSource {
  const { url } = settings;
  const secure = url.protocol === 'imaps:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const client = new ImapFlow({
    host,
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    // imap:// means STARTTLS, required: never a password over a clear connection.
    ...(secure ? {} : { doSTARTTLS: true }),
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    tls: { rejectUnauthorized: true, ...(settings.ca ? { ca: settings.ca } : {}), ...(isIP(host) ? {} : { servername: host }) },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs * 4,
  });
  // A connection lost later surfaces as an error event: reported by the command under way.
  client.on('error', () => undefined);
  let connected = false;
  let release: (() => void) | undefined;
  const uids: number[] = [];
  return {
    description: `boîte IMAP ${url.protocol}//${settings.user ? `${settings.user}@` : ''}${url.host}, dossier ${settings.folder}`,
    async *messages() {
      if (!settings.user) throw new RelaisError('RELAIS_IMAP_USER manquant (ou un identifiant dans RELAIS_IMAP_URL) : relais ne lit la boîte des retours qu’authentifié', { field: 'RELAIS_IMAP_USER' });
      try {
        await client.connect();
        connected = true;
      } catch (err) {
        throw imapError(err as ImapError, settings);
      }
      try {
        release = (await client.getMailboxLock(settings.folder)).release;
      } catch (err) {
        throw imapError(err as ImapError, settings, settings.folder);
      }
      const mailbox = client.mailbox;
      if (!mailbox || mailbox.exists === 0) return;
      try {
        for await (const m of client.fetch('1:*', { uid: true, source: true })) {
          if (!m.source) continue;
          uids.push(m.uid);
          yield { ref: `UID ${m.uid}`, raw: m.source };
        }
      } catch (err) {
        throw imapError(err as ImapError, settings);
      }
    },
    async moveHandled(refs) {
      if (!settings.moveTo || !refs.length || !connected) return 0;
      const wanted = refs.map((r) => Number(r.replace(/^UID /, ''))).filter((n) => uids.includes(n));
      if (!wanted.length) return 0;
      try {
        const list = await client.list();
        if (!list.some((b) => b.path === settings.moveTo)) await client.mailboxCreate(settings.moveTo);
        await client.messageMove(wanted.join(','), settings.moveTo, { uid: true });
      } catch (err) {
        throw imapError(err as ImapError, settings, settings.moveTo);
      }
      return wanted.length;
    },
    async close() {
      release?.();
      if (connected) await client.logout().catch(() => client.close());
      else client.close();
    },
  };
}
