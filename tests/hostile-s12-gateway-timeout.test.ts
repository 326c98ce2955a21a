import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../src/delivery/journal.js';
import { PostStore, type Network } from '../src/delivery/posts-store.js';
import { publishDue } from '../src/delivery/schedule.js';
import { publishers } from '../src/delivery/social.js';
import { readEnvironment } from '../src/settings.js';
import { tempDir } from './helpers/campaign.js';
import { networksAt } from './servers/social.js';

/**
 * A network that takes the post and then cannot answer in time: the gateway in front of the API
 * (X's edge, Facebook's, LinkedIn's, or the préfecture's proxy that README allows through
 * RELAIS_*_API_URL) answers 504 Gateway Timeout — or 502 — while the API behind it has created the
 * post. A 502/504 is not the service saying « not done »: the request reached it and no one knows
 * what became of it, exactly like a timeout after sending, which relais already leaves
 * `unconfirmed`. relais classes every 5xx as « erreur du service » (`transient`, src/delivery/
 * social.ts) and sends the post again after 2 and 4 s: the account carries the message three
 * times, and the journal says « publié » once.
 *
 * The server below records each post it receives (as the network would have published it) and
 * answers 504 with an HTML gateway page, as gateways do.
 */
const received: Record<Network, number> = { twitter: 0, facebook: 0, linkedin: 0 };
let server: http.Server;
let url = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const u = req.url ?? '';
      const network: Network | undefined = u === '/2/tweets' ? 'twitter' : /\/feed$/.test(u) ? 'facebook' : u === '/rest/posts' ? 'linkedin' : undefined;
      if (network) received[network]++;
      res.writeHead(504, { 'content-type': 'text/html' });
      res.end('<html><body><h1>504 Gateway Time-out</h1></body></html>');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('a 504 Gateway Timeout to the publishing request itself', () => {
  it.each<Network>(['twitter', 'facebook', 'linkedin'])('%s: the post is sent once and left unconfirmed, not sent again', async (network) => {
    const dir = tempDir();
    const env = readEnvironment({ ...networksAt(url), RELAIS_HTTP_TIMEOUT_MS: '5000' });
    const journal = Journal.open(dir, 'hostile-s12');
    try {
      const store = new PostStore(journal);
      const now = new Date();
      const post = store.add({ channel: network, text: 'Appel aux volontaires de la réserve sanitaire', local: '2031-04-11 09:00', tz: 'Europe/Paris', utc: now, source: 'cli' })!;
      const pubs = publishers(env, `${dir}/out/publications`, dir);
      const run = await publishDue(store, pubs, { now: () => now, retryBaseMs: 1 });
      expect(received[network], `${network} a reçu la même publication ${received[network]} fois`).toBe(1);
      expect(store.get(post.id)?.status).toBe('unconfirmed');
      expect(run.unconfirmed.map((u) => u.id)).toEqual([post.id]);
    } finally {
      journal.close();
    }
  });
});
