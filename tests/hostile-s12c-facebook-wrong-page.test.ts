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
 * Hostile pass s12c: RELAIS_FACEBOOK_PAGE_ID is now checked at start to be a number, and a 403 of
 * permission keeps the posts queued. A number that is not the page — the app's id, which the Meta
 * dashboard shows first, or the person's profile id — passes the check, and the Graph API answers
 * each post with its documented « Unsupported post request » (400, code 100, subcode 33: the
 * object does not exist or does not take this operation). relais takes it for a refusal of the
 * text: every due post of the page is marked failed for good, one after the other, and once the
 * id is corrected nothing brings them back (no retry of a failed post; a campagne.yaml entry whose
 * key is known is not queued again).
 */
let server: http.Server;
let url = '';
let received = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (!/\/feed$/.test(req.url ?? '')) return void res.writeHead(404).end();
      received++;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            message: "Unsupported post request. Object with ID '987654321098765' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
            type: 'GraphMethodException',
            code: 100,
            error_subcode: 33,
            fbtrace_id: 'AbCdEf',
          },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('a Facebook page id that is a number but names no page the token may post to', () => {
  it('keeps the posts queued and stops Facebook, saying the id is to be checked, instead of failing each post for good', async () => {
    const dir = tempDir();
    const env = readEnvironment({ RELAIS_FACEBOOK_PAGE_ID: '987654321098765', RELAIS_FACEBOOK_PAGE_TOKEN: 'fb', RELAIS_FACEBOOK_API_URL: url, RELAIS_HTTP_TIMEOUT_MS: '5000' });
    const journal = Journal.open(dir, 'hostile-s12c');
    try {
      const store = new PostStore(journal);
      const now = new Date();
      const posts = ['Appel aux volontaires de la réserve sanitaire', 'Rappel, inscrivez-vous sur www.renfort-covid.fr'].map(
        (text) => store.add({ channel: 'facebook', text, local: '2031-04-11 09:00', tz: 'Europe/Paris', utc: now, source: 'cli' })!,
      );
      const run = await publishDue(store, publishers(env, `${dir}/out/publications`, dir), { now: () => now, retryBaseMs: 1 });
      expect(received).toBeGreaterThan(0);
      // What happens: ['failed', 'failed'], each « Facebook refuse le message : Unsupported post request… ».
      expect(posts.map((p) => store.get(p.id)?.status), `raisons : ${run.failed.map((f) => f.reason).join(' | ')}`).toEqual(['queued', 'queued']);
    } finally {
      journal.close();
    }
  });
});
