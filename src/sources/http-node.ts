import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw } from 'node:zlib';
import { frenchNumber } from '../text/format.js';
import { announcedLength, badLocation, interrupted, tooLarge, TOO_MANY_REDIRECTS, TransportError, transportError, type HttpClient } from './http.js';

/**
 * The node:http(s) adapter behind `relais fetch`'s HttpClient (the interface, the retry policy and
 * the messages are in http.ts). Not Node's fetch: it inflates a cut gzip stream leniently and
 * hands over half the file without a word, and this client must tell a whole answer from a cut one.
 */

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);
const brotliAsync = promisify(brotliDecompress);

/** Redirects followed at most, as Node's fetch. */
const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'relais (outil des préfectures et ARS)';
/** Statuses whose answer has no body whatever their Content-Length says. */
const NO_BODY = new Set([204, 304]);
/**
 * The largest answer read, as received and once decompressed: the national RNE file is some
 * 10 Mo, an annuaire page far less. Beyond it, a wrong address (a disk image, a video) or a
 * compression bomb, refused before it fills the memory.
 */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

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
 * A body past `maxBytes` (announced or received) ends the request.
 */
function getOnce(url: URL, accept: string, signal: AbortSignal, maxBytes: number): Promise<RawAnswer> {
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
      const expected = announcedLength(res.headers['content-length']);
      if (expected !== null && expected > maxBytes && !NO_BODY.has(res.statusCode ?? 0)) {
        fail(tooLarge(url.host, maxBytes));
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      const cut = () => {
        const what = expected !== null ? `${frenchNumber(received)} octets reçus sur ${frenchNumber(expected)} annoncés par Content-Length` : `${frenchNumber(received)} octets reçus`;
        return new TransportError(`${url.host} a coupé la connexion avant la fin de la réponse (réponse tronquée) : ${what}`, true);
      };
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        received += chunk.length;
        if (received > maxBytes) {
          fail(tooLarge(url.host, maxBytes));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', () => fail(signal.aborted ? signal.reason : cut()));
      res.on('aborted', () => fail(signal.aborted ? signal.reason : cut()));
      res.on('close', () => {
        if (settled) return;
        if (signal.aborted) return fail(signal.reason);
        // Node checks the length as it parses; checked again here, as the promise of this module.
        if (!res.complete || (expected !== null && received < expected && !NO_BODY.has(res.statusCode ?? 0))) return fail(cut());
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

/**
 * The body decoded as its Content-Encoding says (gzip, deflate, br; others left as they are, as
 * Node's fetch does). Node's fetch inflates leniently: a compressed stream that stops half-way
 * gives what could be inflated, without a word (half the mayors of a département, taken as the
 * file). zlib's own functions refuse it (« unexpected end of file »): a cut download is said so.
 * Each step stops at `maxBytes` of output (a compression bomb: 200 Ko that inflate to 200 Mo).
 */
async function decodeBody(raw: RawAnswer, url: URL, maxBytes: number): Promise<Buffer> {
  const codings = (raw.headers.get('content-encoding') ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  let body = raw.bytes;
  if (body.length === 0) return body;
  const options = { maxOutputLength: maxBytes };
  for (const coding of codings.reverse()) {
    const name = coding === 'x-gzip' ? 'gzip' : coding;
    try {
      if (name === 'gzip') body = await gunzipAsync(body, options);
      else if (name === 'deflate') body = (body[0]! & 0x0f) === 0x08 ? await inflateAsync(body, options) : await inflateRawAsync(body, options);
      else if (name === 'br') body = await brotliAsync(body, options);
      else break;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(url.host, maxBytes, name);
      const received = `${frenchNumber(raw.bytes.length)} octets compressés reçus${raw.expected !== null && raw.expected === raw.bytes.length ? `, autant qu'annoncé par Content-Length — la copie servie est elle-même incomplète, cache ou proxy` : ''}`;
      if (code === 'Z_BUF_ERROR' || /unexpected end/i.test((err as Error).message ?? '')) {
        throw new TransportError(`téléchargement tronqué : la réponse compressée (${name}) de ${url.host} s'arrête avant la fin de son flux ; ${received}`, true);
      }
      throw new TransportError(`la réponse compressée (${name}) de ${url.host} est illisible, données abîmées (${code || 'décompression impossible'}) ; ${received}`, true);
    }
  }
  return body;
}

/** node:http's parser refusing the answer's header block (HPE_INVALID_HEADER_TOKEN, HPE_INVALID_CHARACTER…). */
function isParserError(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('HPE_');
}

/**
 * An answer whose header block node:http's strict parser refuses (« Content-Type : text/csv », a
 * blank before the colon, as some appliances and proxies write it; a header folded on two lines),
 * read as Node's fetch reads it, as relais did before it had this client: the server answered,
 * and « injoignable » would be untrue. Fetch inflates a compressed body leniently, so such an
 * answer is asked uncompressed, and its bytes are checked against Content-Length as getOnce does.
 */
async function leniently(url: URL, accept: string, signal: AbortSignal, maxBytes: number): Promise<RawAnswer> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept, 'accept-encoding': 'identity', 'user-agent': USER_AGENT }, redirect: 'manual', signal });
  } catch (err) {
    if (signal.aborted) throw err;
    // Fetch refuses it too (a header name with a blank in it): the server answered, in a form HTTP does not allow.
    throw new TransportError(`la réponse de ${url.host} est mal formée : ses en-têtes ne suivent pas le protocole HTTP (un proxy ou un équipement entre relais et le serveur ?) ; relais ne peut pas la lire`, false);
  }
  const expected = announcedLength(res.headers.get('content-length'));
  if (expected !== null && expected > maxBytes) throw tooLarge(url.host, maxBytes);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > maxBytes) throw tooLarge(url.host, maxBytes);
  const encoded = (res.headers.get('content-encoding') ?? 'identity').trim().toLowerCase() !== 'identity';
  if (!encoded && expected !== null && bytes.length < expected && !NO_BODY.has(res.status)) {
    throw new TransportError(`${url.host} a coupé la connexion avant la fin de la réponse (réponse tronquée) : ${frenchNumber(bytes.length)} octets reçus sur ${frenchNumber(expected)} annoncés par Content-Length`, true);
  }
  // Already inflated by fetch if the server compressed it all the same: nothing left to decode.
  const headers = new Headers();
  for (const [name, value] of res.headers) {
    try {
      // A name fetch kept with its blank (« content-type  ») is one Headers refuses: read without the blank.
      if (name.trim() !== 'content-encoding') headers.append(name.trim(), value);
    } catch {
      // Not a header relais reads.
    }
  }
  return { status: res.status, headers, bytes, expected };
}

/**
 * GETs on node:http(s), redirects followed (20 at most, as Node's fetch), with a timeout covering
 * the whole answer, body included; `stop` (Ctrl-C) ends it at once; `maxBytes` caps the body,
 * received and decompressed. A failure after a redirect
 * names the address it happened at, and the one the request started from.
 */
export function nodeHttpClient(timeoutMs: number, stop?: AbortSignal, maxBytes = MAX_BODY_BYTES): HttpClient {
  return {
    async get(url, accept) {
      if (stop?.aborted) throw interrupted();
      const signal = stop ? AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]) : AbortSignal.timeout(timeoutMs);
      const start = new URL(url);
      let current = start;
      let redirected = false;
      try {
        for (let redirects = 0; ; redirects++) {
          if (current.protocol !== 'http:' && current.protocol !== 'https:') {
            throw new TransportError(`adresse non web (${current.protocol}) : relais ne télécharge qu'en http ou https`, false);
          }
          const raw = await getOnce(current, accept, signal, maxBytes).catch((err: unknown) => {
            if (!isParserError(err) || signal.aborted) throw err;
            return leniently(current, accept, signal, maxBytes);
          });
          const location = raw.headers.get('location');
          if (REDIRECT_STATUSES.has(raw.status) && location) {
            if (redirects >= MAX_REDIRECTS) throw new TransportError(TOO_MANY_REDIRECTS, false, true);
            try {
              current = new URL(location, current);
            } catch {
              throw badLocation(current.host, location);
            }
            redirected = true;
            continue;
          }
          const ok = raw.status >= 200 && raw.status < 300;
          // An error page that cannot be inflated is still an error page: its status says enough.
          const body = ok ? await decodeBody(raw, current, maxBytes) : await decodeBody(raw, current, maxBytes).catch(() => Buffer.alloc(0));
          return { status: raw.status, headers: raw.headers, url: current.href, body: new Uint8Array(body.buffer, body.byteOffset, body.length) };
        }
      } catch (err) {
        if (stop?.aborted) throw interrupted();
        const from = redirected ? start.host : undefined;
        if (err instanceof TransportError) {
          // Said by getOnce or decodeBody, which name the address they read: the start is added.
          throw from && !err.standsAlone ? new TransportError(`${err.message} (après redirection depuis ${from})`, err.retryable, true) : err;
        }
        throw transportError(signal.aborted ? signal.reason : err, current, timeoutMs, from);
      }
    },
  };
}
