import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { setTimeout as wait } from 'node:timers/promises';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw } from 'node:zlib';
import { RelaisError } from '../errors.js';
import { retryAfterMs } from '../retry-after.js';
import { MASK, redact } from '../secrets.js';
import { frenchNumber } from '../text/format.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);
const brotliAsync = promisify(brotliDecompress);

/**
 * The HTTP edge of `relais fetch`: one small interface (a GET that returns status, headers and
 * bytes) with node:http(s) behind it, and the retry policy on top. Official open-data
 * portals answer 429 when their quota is spent (Opendatasoft sends X-RateLimit-* headers, and
 * often Retry-After) and 5xx while they redeploy; a préfecture proxy answers with an HTML page.
 * Each of those ends in a French message that names the address, never a body and never a
 * credential.
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
  ) {
    super(message);
  }
}

function transportError(err: unknown, url: string, timeoutMs: number): TransportError {
  const e = (err ?? {}) as Error & { cause?: { code?: string; message?: string }; code?: string };
  const code = e.cause?.code ?? e.code ?? '';
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new TransportError(`pas de réponse complète de ${host} en ${Math.round(timeoutMs / 1000)} s`, true);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransportError(`adresse ${host} introuvable (DNS) : l'ordinateur est-il connecté au réseau ?`, false);
  if (code === 'ECONNREFUSED') return new TransportError(`connexion refusée par ${host} : pas de réseau, ou un pare-feu bloque l'accès`, true);
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH') return new TransportError(`réseau injoignable pour ${host} : l'ordinateur est-il connecté ?`, false);
  if (/ECONNRESET|UND_ERR_SOCKET|UND_ERR_CLOSED|EPIPE/.test(code) || /terminated|other side closed/i.test(`${e.message} ${e.cause?.message ?? ''}`)) {
    return new TransportError(`${host} a coupé la connexion avant la fin de la réponse (réponse tronquée)`, true);
  }
  // Node's fetch gives up after 20 redirects with « fetch failed » (cause « redirect count
  // exceeded »): the server answers, it is no outage, and asking again loops again.
  if (/redirect count exceeded/i.test(`${e.message} ${e.cause?.message ?? ''}`)) {
    return new TransportError(`trop de redirections : l'adresse renvoie sans fin vers elle-même ou vers une autre (proxy, portail captif, page de connexion ?)`, false);
  }
  if (/CERT|SSL|TLS/.test(code)) return new TransportError(`connexion sécurisée à ${host} refusée (certificat : ${code})`, false);
  return new TransportError(`${host} injoignable (${code || e.message})`, true);
}

/** Every failure happens before anything is written: the messages say so. */
export const NOTHING_WRITTEN = "rien n'a été écrit, les fichiers précédents sont conservés";

/** Ctrl-C or SIGTERM before the files were replaced. */
export function interrupted(): RelaisError {
  return new RelaisError(`interrompu : ${NOTHING_WRITTEN}`);
}

const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'relais (outil des préfectures et ARS)';

/** The answer as it came over the wire: its bytes still encoded (Content-Encoding), and how many were announced. */
interface RawAnswer {
  status: number;
  headers: Headers;
  bytes: Buffer;
  /** Content-Length, when the server sent one. */
  expected: number | null;
}

/**
 * One GET, without following redirects, its body read whole. A connection that ends before the
 * announced Content-Length (or before the last chunk) is a cut answer, said with what was received.
 */
function getOnce(url: URL, accept: string, signal: AbortSignal): Promise<RawAnswer> {
  return new Promise<RawAnswer>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    const headers = { accept, 'accept-encoding': 'gzip, deflate, br', 'user-agent': USER_AGENT };
    const get = url.protocol === 'https:' ? httpsGet : httpGet;
    // No pooled connection: each request ends its own, and a test server or a proxy can close at once.
    const req = get(url, { headers, agent: false, signal }, (res) => {
      const length = res.headers['content-length'];
      const expected = length !== undefined && /^\d+$/.test(length.trim()) ? Number(length) : null;
      const chunks: Buffer[] = [];
      let received = 0;
      const cut = () => {
        const what = expected !== null ? `${frenchNumber(received)} octets reçus sur ${frenchNumber(expected)} annoncés par Content-Length` : `${frenchNumber(received)} octets reçus`;
        return new TransportError(`${url.host} a coupé la connexion avant la fin de la réponse (réponse tronquée) : ${what}`, true);
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
      });
      res.on('error', () => fail(signal.aborted ? signal.reason : cut()));
      res.on('aborted', () => fail(signal.aborted ? signal.reason : cut()));
      res.on('close', () => {
        if (signal.aborted) return fail(signal.reason);
        // Node checks the length as it parses; checked again here, as the promise of this module.
        if (!res.complete || (expected !== null && received < expected && !NO_BODY.has(res.statusCode ?? 0))) return fail(cut());
        if (settled) return;
        settled = true;
        const h = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          try {
            h.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          } catch {
            // A header value Headers refuses (bytes out of range): not one relais reads.
          }
        }
        resolve({ status: res.statusCode ?? 0, headers: h, bytes: Buffer.concat(chunks, received), expected });
      });
    });
    req.on('error', (err) => fail(signal.aborted ? signal.reason : err));
  });
}

/** Statuses whose answer has no body whatever their Content-Length says. */
const NO_BODY = new Set([204, 304]);

/**
 * The body decoded as its Content-Encoding says (gzip, deflate, br; others left as they are, as
 * Node's fetch does). Node's fetch inflates leniently: a compressed stream that stops half-way
 * gives what could be inflated, without a word (half the mayors of a département, taken as the
 * file). zlib's own functions refuse it (« unexpected end of file »): a cut download is said so.
 */
async function decodeBody(raw: RawAnswer, url: URL): Promise<Buffer> {
  const codings = (raw.headers.get('content-encoding') ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  let body = raw.bytes;
  if (body.length === 0) return body;
  for (const coding of codings.reverse()) {
    const name = coding === 'x-gzip' ? 'gzip' : coding;
    try {
      if (name === 'gzip') body = await gunzipAsync(body);
      else if (name === 'deflate') body = (body[0]! & 0x0f) === 0x08 ? await inflateAsync(body) : await inflateRawAsync(body);
      else if (name === 'br') body = await brotliAsync(body);
      else break;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const received = `${frenchNumber(raw.bytes.length)} octets compressés reçus${raw.expected !== null && raw.expected === raw.bytes.length ? `, autant qu'annoncé par Content-Length — la copie servie est elle-même incomplète, cache ou proxy` : ''}`;
      if (code === 'Z_BUF_ERROR' || /unexpected end/i.test((err as Error).message ?? '')) {
        throw new TransportError(`téléchargement tronqué : la réponse compressée (${name}) de ${url.host} s'arrête avant la fin de son flux ; ${received}`, true);
      }
      throw new TransportError(`la réponse compressée (${name}) de ${url.host} est illisible, données abîmées (${code || 'décompression impossible'}) ; ${received}`, true);
    }
  }
  return body;
}

/**
 * GETs on node:http(s), redirects followed (20 at most, as Node's fetch), with a timeout covering
 * the whole answer, body included; `stop` (Ctrl-C) ends it at once. Not Node's fetch: it inflates
 * a cut gzip stream without a word, and this client must tell a whole answer from a cut one.
 */
export function nodeHttpClient(timeoutMs: number, stop?: AbortSignal): HttpClient {
  return {
    async get(url, accept) {
      if (stop?.aborted) throw interrupted();
      const signal = stop ? AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]) : AbortSignal.timeout(timeoutMs);
      try {
        let current = new URL(url);
        for (let redirects = 0; ; redirects++) {
          if (current.protocol !== 'http:' && current.protocol !== 'https:') {
            throw new TransportError(`adresse non web (${current.protocol}) : relais ne télécharge qu'en http ou https`, false);
          }
          const raw = await getOnce(current, accept, signal);
          const location = raw.headers.get('location');
          if (REDIRECT_STATUSES.has(raw.status) && location) {
            if (redirects >= MAX_REDIRECTS) {
              throw new TransportError(`trop de redirections : l'adresse renvoie sans fin vers elle-même ou vers une autre (proxy, portail captif, page de connexion ?)`, false);
            }
            current = new URL(location, current);
            continue;
          }
          const ok = raw.status >= 200 && raw.status < 300;
          // An error page that cannot be inflated is still an error page: its status says enough.
          const body = ok ? await decodeBody(raw, current) : await decodeBody(raw, current).catch(() => Buffer.alloc(0));
          return { status: raw.status, headers: raw.headers, url: current.href, body: new Uint8Array(body.buffer, body.byteOffset, body.length) };
        }
      } catch (err) {
        if (stop?.aborted) throw interrupted();
        if (err instanceof TransportError) throw err;
        throw transportError(signal.aborted ? signal.reason : err, url, timeoutMs);
      }
    },
  };
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
