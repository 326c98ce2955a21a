import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getWithRetry } from '../src/sources/http.js';
import { nodeHttpClient } from '../src/sources/http-node.js';

/**
 * `relais fetch` behind a proxy or a mirror that redirects in a loop (a captive portal or an SSO
 * page that sends every request back to itself, a mirror whose address rewrites onto itself).
 * The server answers, promptly, with a 302 to itself: Node's fetch gives up after 20 redirects
 * with the English « fetch failed » (cause « redirect count exceeded »). relais must not say the
 * host is unreachable (« injoignable »: it answers) nor quote Node's English; it must say that
 * the address redirects without end, naming it. Called in-process against a node:http server on
 * 127.0.0.1.
 */

let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url?.startsWith('/loop')) {
      res.writeHead(302, { location: '/loop' });
      return res.end();
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('relais fetch: an address that redirects to itself', () => {
  it('says « trop de redirections » for that address, in French, not « injoignable (fetch failed) »', async () => {
    const err = (await getWithRetry(nodeHttpClient(5000), `${base}/loop`, 'application/json', "Annuaire de l'administration", { attempts: 2, baseMs: 1, maxWaitMs: 1000 }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain(`${base}/loop`);
    expect(err.message).not.toMatch(/fetch failed|redirect count/i);
    expect(err.message).not.toMatch(/injoignable/);
    expect(err.message).toMatch(/redirection/i);
  });
});
