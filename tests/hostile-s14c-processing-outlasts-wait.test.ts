import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../src/delivery/journal.js';
import { MediaStore } from '../src/delivery/media-store.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { publishDue, runFailures } from '../src/delivery/schedule.js';
import { mediaRows } from '../src/delivery/schedule-io.js';
import { publishers } from '../src/delivery/social.js';
import { probeFile } from '../src/media/probe.js';
import { readEnvironment } from '../src/settings.js';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/campaign.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

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
    const dir = tempDir();
    mkdirSync(join(dir, 'medias'));
    const file = join(dir, 'medias', 'campagne.mp4');
    copyFileSync(join(ROOT, 'medias', 'campagne.mp4'), file);
    const env = readEnvironment(socialEnv(server));
    const journal = Journal.open(dir, 'hostile-s14c');
    try {
      const store = new PostStore(journal);
      const media = new MediaStore(journal, dir);
      const post = store.add({ channel: 'twitter', text: 'Appel aux volontaires : la vidéo', local: '2031-04-11 09:00', tz: 'Europe/Paris', utc: new Date(Date.now() - 60_000), source: 'cli' })!;
      media.attach(post.id, mediaRows([{ name: 'campagne.mp4', path: file, shown: 'medias/campagne.mp4', alt: 'Une mire de couleurs animée', title: undefined, probe: await probeFile(file, 'medias/campagne.mp4') }]));
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
