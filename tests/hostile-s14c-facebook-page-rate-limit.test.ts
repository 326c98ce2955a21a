import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../src/delivery/journal.js';
import { MediaStore } from '../src/delivery/media-store.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { publishDue } from '../src/delivery/schedule.js';
import { publishers } from '../src/delivery/social.js';
import { readEnvironment } from '../src/settings.js';
import { tempDir } from './helpers/campaign.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * Meta's rate-limiting page: « requests made with system user or page access tokens are subject to
 * Business Use Case Rate Limits », and a Page over its BUC limit is answered with error code 80001
 * (« There have been too many calls to this Page account. Wait a bit and try again. »), the time
 * to wait in the X-Business-Use-Case-Usage header (estimated_time_to_regain_access, minutes).
 * relais posts with a page token (RELAIS_FACEBOOK_PAGE_TOKEN), yet it knows only the platform
 * codes 4, 17, 32 and 613 (FB_RATE in src/delivery/social.ts): a 80001 is read as a refusal of
 * the text. The post is set `failed` (« refusée », « Facebook refuse le message : There have been
 * too many calls… »), never tried again, and the channel is not held: every other Facebook post of
 * the run meets the same limit and is refused for good too. An ARS communicator expects the posts
 * kept in the queue and tried again when Facebook says, as relais does for X's 429.
 */
let server: SocialServer;
beforeAll(async () => {
  server = await startSocial();
});
afterAll(() => server.close());

const throttled = {
  status: 400,
  headers: { 'x-business-use-case-usage': JSON.stringify({ '123': [{ type: 'pages', call_count: 100, total_cputime: 12, total_time: 15, estimated_time_to_regain_access: 7 }] }) },
  body: { error: { message: 'There have been too many calls to this Page account. Wait a bit and try again.', type: 'OAuthException', code: 80001, fbtrace_id: 'AbCdEf' } },
};

describe('Facebook answers the Page token with its Business Use Case rate limit (code 80001)', () => {
  it('keeps the posts queued until Facebook lets the page post again, instead of refusing them for good', async () => {
    const dir = tempDir();
    const env = readEnvironment(socialEnv(server));
    const journal = Journal.open(dir, 'hostile-s14c');
    try {
      const store = new PostStore(journal);
      const media = new MediaStore(journal, dir);
      const due = new Date(Date.now() - 60_000);
      const first = store.add({ channel: 'facebook', text: 'Appel aux volontaires : inscrivez-vous', local: '2031-04-11 09:00', tz: 'Europe/Paris', utc: due, source: 'cli' })!;
      const second = store.add({ channel: 'facebook', text: 'Deuxième appel aux volontaires', local: '2031-04-11 09:05', tz: 'Europe/Paris', utc: due, source: 'cli' })!;
      server.script.facebook.push(throttled, throttled);
      const run = await publishDue(store, publishers(env, join(dir, 'out', 'publications'), dir, { media, posts: store }), { now: () => new Date(), retryBaseMs: 1 });
      expect(server.published).toHaveLength(0);
      expect(run.failed, 'a rate limit is not a refusal of the text').toEqual([]);
      for (const id of [first.id, second.id]) {
        const post = store.get(id)!;
        expect(post.status, `n° ${id} : ${post.last_error}`).toBe('queued');
      }
      // Deferred to the time Facebook gave (7 minutes), like X's reset.
      const next = store.get(first.id)!.next_attempt_utc;
      expect(next).not.toBeNull();
      expect(Date.parse(next!)).toBeGreaterThan(Date.now() + 5 * 60_000);
    } finally {
      journal.close();
    }
  });
});
