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
 * The agency's account answers « you may not post » — not a refusal of the text, a permission
 * missing on the account or the app — with each network's documented 403:
 * - X: an app left « Read only » in the developer portal (the default), `POST /2/tweets` →
 *   403 « Your client app is not configured with the appropriate oauth1 app permissions for this
 *   endpoint. » (type …/problems/oauth1-permissions);
 * - Facebook: a page token without pages_manage_posts → 403 error code 200 « (#200) … »;
 * - LinkedIn: a token without w_organization_social, or a member who is not admin of the page →
 *   403 ACCESS_DENIED.
 * relais (src/delivery/social.ts) classes each as `content`: every post of that network is marked
 * `failed` (« refusé par le réseau »), one after the other. Once the communicator has fixed the
 * permission, nothing brings them back: `schedule run` never retries a failed post, and a
 * publication of campagne.yaml whose key is known is not queued again. A 401 (« renouvelez … »)
 * keeps the posts queued and stops that network; a 403 of permission must too, saying what to fix.
 */
const ANSWERS: Record<Network, unknown> = {
  twitter: { title: 'Forbidden', type: 'https://api.twitter.com/2/problems/oauth1-permissions', status: 403, detail: 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.' },
  facebook: { error: { message: "(#200) The user hasn't authorized the application to perform this action", type: 'OAuthException', code: 200, fbtrace_id: 'AbCdEf' } },
  linkedin: { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message: 'Not enough permissions to access: partnerApiPostsExternal.CREATE.20240101' },
};
const received: Record<Network, number> = { twitter: 0, facebook: 0, linkedin: 0 };
let server: http.Server;
let url = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const u = req.url ?? '';
      const network: Network | undefined = u === '/2/tweets' ? 'twitter' : /\/feed$/.test(u) ? 'facebook' : u === '/rest/posts' ? 'linkedin' : undefined;
      if (!network) return void res.writeHead(404).end();
      received[network]++;
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ANSWERS[network]));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('a 403 that says the account or the app may not post', () => {
  it.each<Network>(['twitter', 'facebook', 'linkedin'])('%s: the posts stay queued and the run says which permission to give, instead of « refusé » for good', async (network) => {
    const dir = tempDir();
    const env = readEnvironment({ ...networksAt(url), RELAIS_HTTP_TIMEOUT_MS: '5000' });
    const journal = Journal.open(dir, 'hostile-s12');
    try {
      const store = new PostStore(journal);
      const now = new Date();
      const texts = ['Appel aux volontaires de la réserve sanitaire', 'Rappel : inscrivez-vous sur www.renfort-covid.fr'];
      const posts = texts.map((text) => store.add({ channel: network, text, local: '2031-04-11 09:00', tz: 'Europe/Paris', utc: now, source: 'cli' })!);
      const run = await publishDue(store, publishers(env, `${dir}/out/publications`, dir), { now: () => now, retryBaseMs: 1 });
      expect(received[network]).toBeGreaterThan(0);
      expect(posts.map((p) => store.get(p.id)?.status), `raisons : ${run.failed.map((f) => f.reason).join(' | ')}`).toEqual(['queued', 'queued']);
      expect(run.authErrors.length).toBeGreaterThan(0);
    } finally {
      journal.close();
    }
  });
});
