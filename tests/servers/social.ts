import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleMedia, mediaState, mediaStep, type MediaOptions, type MediaState } from './media.js';

/**
 * One node:http server on 127.0.0.1 that answers like the three APIs relais publishes to, and
 * checks what it receives: X `POST /2/tweets` (OAuth 1.0a header), Facebook
 * `POST /{version}/{page}/feed` (page token), LinkedIn `POST /rest/posts` (bearer token and both
 * headers). Each network has a queue of scripted answers (errors, a hang); when empty, success.
 */
export type Network = 'twitter' | 'facebook' | 'linkedin';

export interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Keep the request open and never answer (a timeout after sending). */
  hang?: boolean;
}

export interface ReceivedPost {
  network: Network;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown> | undefined;
  form: URLSearchParams | undefined;
}

export interface SocialServer {
  url: string;
  received: ReceivedPost[];
  published: ReceivedPost[];
  script: Record<Network, Scripted[]>;
  tokens: typeof TOKENS;
  /** The media upload endpoints' state, scripted failures and log (see ./media.ts). */
  media: MediaState;
  close(): Promise<void>;
}

export const TOKENS = { facebook: 'fb-page-token', linkedin: 'li-token' };

/** `delayMs`: every answer waits that long (two runs at once then overlap on each post). */
export async function startSocial(tokens: typeof TOKENS = TOKENS, options: { delayMs?: number; media?: Partial<MediaOptions> } = {}): Promise<SocialServer> {
  const media = mediaState(options.media);
  const received: ReceivedPost[] = [];
  const published: ReceivedPost[] = [];
  const script: Record<Network, Scripted[]> = { twitter: [], facebook: [], linkedin: [] };
  const hanging: http.ServerResponse[] = [];
  let ids = 1000;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      const url = req.url ?? '';
      const parsed = new URL(url, 'http://127.0.0.1');
      const step = mediaStep(req.method ?? 'GET', parsed, () => body);
      if (step) {
        const authorized = step.startsWith('x.')
          ? /^OAuth .*oauth_signature=/.test(req.headers.authorization ?? '')
          : step.startsWith('fb.')
            ? parsed.searchParams.get('access_token') === tokens.facebook || raw.includes(tokens.facebook)
            : req.headers.authorization === `Bearer ${tokens.linkedin}`;
        const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(payload === undefined ? '' : JSON.stringify(payload));
        };
        handleMedia(media, step, req, res, parsed, raw, reply, authorized).then(
          () => {
            // Finishing a Facebook video upload publishes the video: a post of the page like /feed's.
            if (step === 'fb.finish' && res.statusCode === 200) {
              const entry: ReceivedPost = { network: 'facebook', headers: req.headers, body, json: undefined, form: new URLSearchParams(body) };
              received.push(entry);
              published.push(entry);
            }
          },
          (err: unknown) => reply(500, { error: String(err) }),
        );
        return;
      }
      const network: Network | undefined = url === '/2/tweets' ? 'twitter' : /^\/v[\d.]+\/[^/]+\/feed$/.test(url) ? 'facebook' : url === '/rest/posts' ? 'linkedin' : undefined;
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(payload === undefined ? '' : JSON.stringify(payload));
      };
      if (options.delayMs) setTimeout(() => answer(), options.delayMs);
      else answer();
      function answer(): void {
        if (req.method !== 'POST' || !network) return send(404, { error: 'not found' });
        let json: Record<string, unknown> | undefined;
        let form: URLSearchParams | undefined;
        try {
          if (network === 'facebook') form = new URLSearchParams(body);
          else json = JSON.parse(body) as Record<string, unknown>;
        } catch {
          return send(400, { detail: 'invalid body' });
        }
        const entry: ReceivedPost = { network, headers: req.headers, body, json, form };
        received.push(entry);
        // The request as each API requires it.
        if (network === 'twitter' && !/^OAuth .*oauth_signature=/.test(req.headers.authorization ?? '')) return send(401, { title: 'Unauthorized', status: 401 });
        if (network === 'facebook' && form?.get('access_token') !== tokens.facebook) return send(400, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
        if (network === 'linkedin') {
          if (req.headers.authorization !== `Bearer ${tokens.linkedin}`) return send(401, { status: 401, message: 'Invalid access token' });
          if (!req.headers['linkedin-version'] || req.headers['x-restli-protocol-version'] !== '2.0.0') return send(400, { message: 'missing headers' });
        }
        const next = script[network].shift();
        if (next?.hang) {
          hanging.push(res);
          return;
        }
        if (next) return send(next.status, next.body, next.headers);
        published.push(entry);
        const id = String(ids++);
        if (network === 'twitter') return send(201, { data: { id, text: json?.text } });
        if (network === 'facebook') return send(200, { id: `123_${id}` });
        res.writeHead(201, { 'x-restli-id': `urn:li:share:${id}` });
        res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    published,
    script,
    tokens,
    media,
    close: () =>
      new Promise<void>((r) => {
        for (const h of [...hanging, ...media.hanging]) h.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The three networks' credentials, every API at `url` (this server, or a test's own that answers one way). */
export function networksAt(url: string, tokens: typeof TOKENS = TOKENS): Record<string, string> {
  return {
    RELAIS_X_APP_KEY: 'app-key',
    RELAIS_X_APP_SECRET: 'app-secret',
    RELAIS_X_ACCESS_TOKEN: 'access-token',
    RELAIS_X_ACCESS_SECRET: 'access-secret',
    RELAIS_X_API_URL: url,
    RELAIS_FACEBOOK_PAGE_ID: '123',
    RELAIS_FACEBOOK_PAGE_TOKEN: tokens.facebook,
    RELAIS_FACEBOOK_API_URL: url,
    RELAIS_LINKEDIN_TOKEN: tokens.linkedin,
    RELAIS_LINKEDIN_ORGANIZATION: '4242',
    RELAIS_LINKEDIN_API_URL: url,
  };
}

export function socialEnv(server: SocialServer): Record<string, string> {
  return {
    ...networksAt(server.url, server.tokens),
    RELAIS_RETRY_MS: '20',
    // Every healthy request must be answered within it, even on a loaded machine; the tests of a
    // request left unanswered wait it out once.
    RELAIS_HTTP_TIMEOUT_MS: '5000',
    RELAIS_MEDIA_POLL_MS: '0',
  };
}
