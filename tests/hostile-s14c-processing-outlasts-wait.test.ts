import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishDue, runFailures } from '../src/delivery/schedule.js';
import { publishers } from '../src/delivery/social.js';
import { videoJournal } from './helpers/video-post.js';
import { startSocial, type SocialServer } from './servers/social.js';

/**
 * X keeps the campaign video « in_progress » longer than relais waits (120 status checks, three
 * attempts): the post is rightly left in the queue (« toujours en traitement ; le prochain passage
 * reprendra l’attente »), but the run counts it as nothing gone wrong. publishDue puts it in
 * `deferred` with no time, and runFailures (src/delivery/schedule.ts), « the one notion of failure
 * of a run, for its ok, its exit code », does not count deferred posts: `relais schedule run`
 * exits 0, `--json` says ok: true. Its comment excuses « a post put off to the reset time a
 * network gave »; here no network gave a time, and the post due now is not out. A cron job or the
 * communicator's script reads exit 0 as « the video went out » and nobody runs it again: the
 * video is never posted. (The README's rule for the exit code does not list this case either: the
 * rule has a hole, not just the code.) Expected: a due post that did not go makes the run fail
 * (exit 1), as a network down does.
 */
let server: SocialServer;
beforeAll(async () => {
  // X never ends its processing within the run.
  server = await startSocial(undefined, { media: { xPending: 1_000_000, xCheckAfterSecs: 0 } });
});
afterAll(() => server.close());

describe('a video X is still processing when relais stops waiting', () => {
  it('stays queued, and the run says it failed (exit code 1), not ok', async () => {
    const { dir, env, journal, store, media, videoPost } = await videoJournal(server, 'hostile-s14c');
    try {
      const post = videoPost('twitter', 'Appel aux volontaires : la vidéo');
      const run = await publishDue(store, publishers(env, join(dir, 'out', 'publications'), dir, { media, posts: store }), { now: () => new Date(), retryBaseMs: 1 });
      // What holds: nothing posted, the post kept for the next run, the upload not sent again.
      expect(server.published).toHaveLength(0);
      expect(store.get(post.id)?.status).toBe('queued');
      expect(server.media.log.filter((l) => l === 'x.initialize')).toHaveLength(1);
      expect(run.published).toEqual([]);
      // What does not: the run is not a success.
      expect(runFailures(run), JSON.stringify(run.deferred)).toBeGreaterThan(0);
    } finally {
      journal.close();
    }
  });
});
