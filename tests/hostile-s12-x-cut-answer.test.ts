import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../src/delivery/journal.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { publishDue } from '../src/delivery/schedule.js';
import { publishers } from '../src/delivery/social.js';
import { readEnvironment } from '../src/settings.js';
import { tempDir } from './helpers/campaign.js';

/**
 * X creates the tweet and starts answering « 201 Created »; the connection drops before the end
 * of the body (a mobile connection, a proxy that gives up, a laptop lid closed). twitter-api-v2
 * throws an ApiPartialResponseError (« Request failed with partial response with HTTP code 201
 * (connection abruptly closed) »), which the X publisher (src/delivery/social.ts) knows neither as
 * an answer nor as a request error: networkError finds no code and no « timeout » in it and calls
 * it `transient` — « X injoignable (…) » — so publishDue sends the tweet again after 2 s and 4 s.
 * The account carries it three times; the journal says « prévu », and the next run sends it again.
 * Facebook's publisher, given the same cut answer, rightly leaves the post unconfirmed.
 */
let received = 0;
/** cut: the body stops halfway and the connection drops; garbled: a whole 201 whose JSON is broken (a proxy's rewrite). */
let mode: 'cut' | 'garbled' = 'cut';
let server: http.Server;
let url = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url !== '/2/tweets') return void res.writeHead(404).end();
      received++;
      if (mode === 'garbled') {
        res.writeHead(201, { 'content-type': 'application/json' });
        return void res.end('{"data":{"id":"18');
      }
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': '120' });
      res.write('{"data":{"id":"18');
      setImmediate(() => res.socket?.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('X answers 201 Created and relais cannot read the answer', () => {
  it.each(['cut', 'garbled'] as const)('%s: the tweet is sent once and left unconfirmed, and relais does not call X « injoignable »', async (m) => {
    mode = m;
    received = 0;
    const env = readEnvironment({ RELAIS_X_APP_KEY: 'k', RELAIS_X_APP_SECRET: 's', RELAIS_X_ACCESS_TOKEN: 't', RELAIS_X_ACCESS_SECRET: 'a', RELAIS_X_API_URL: url, RELAIS_HTTP_TIMEOUT_MS: '5000' });
    const dir = tempDir();
    const journal = Journal.open(dir, 'hostile-s12');
    try {
      const store = new PostStore(journal);
      const now = new Date();
      const post = store.add({ channel: 'twitter', text: 'Appel aux volontaires de la réserve sanitaire', local: '2031-04-11 09:00', tz: 'Europe/Paris', utc: now, source: 'cli' })!;
      await publishDue(store, publishers(env, `${dir}/out/publications`, dir), { now: () => now, retryBaseMs: 1 });
      const after = store.get(post.id)!;
      expect(received, `tweet envoyé ${received} fois ; journal : ${after.status} « ${after.last_error} »`).toBe(1);
      expect(after.status).toBe('unconfirmed');
      expect(after.last_error ?? '').not.toMatch(/injoignable|partial response/);
    } finally {
      journal.close();
    }
  });
});
