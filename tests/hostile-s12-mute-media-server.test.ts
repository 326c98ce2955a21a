import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../src/delivery/journal.js';
import { MediaStore } from '../src/delivery/media-store.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { OUTAGE_ATTEMPTS, publishDue } from '../src/delivery/schedule.js';
import { mediaRows } from '../src/delivery/schedule-io.js';
import { publishers } from '../src/delivery/social.js';
import { probeFile } from '../src/media/probe.js';
import { readEnvironment } from '../src/settings.js';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/campaign.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * README (« Panne d'un réseau ») : « Après 3 requêtes de suite sans réponse d'un même service
 * (injoignable, délai dépassé ou erreur 5xx), schedule run s'arrête … Avec le délai d'attente par
 * défaut (20 s), un serveur muet ne retient pas la commande plus d'une minute. »
 *
 * For a post with a video, that holds for the publishing request only. Each upload request
 * (src/delivery/upload/common.ts `request`) is tried 3 times on its own, and publishDue tries the
 * post 3 times: X's upload endpoint gone mute receives 9 initialize requests before the run
 * stops — 9 × 20 s = 3 minutes with the default timeout; a mute server in the middle of the video
 * (a chunk waits 6 × the timeout, 2 min) holds it 9 × 2 min = 18 minutes, while the communicator
 * was told « pas plus d'une minute ». Counted here in requests, the short timeout only keeps the
 * test quick.
 */
let server: SocialServer;
beforeAll(async () => {
  server = await startSocial();
});
afterAll(() => server.close());

describe('a media upload endpoint that takes requests and never answers', () => {
  it(`stops the run after ${OUTAGE_ATTEMPTS} requests without an answer, as for the post itself`, async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'medias'));
    const file = join(dir, 'medias', 'campagne.mp4');
    copyFileSync(join(ROOT, 'medias', 'campagne.mp4'), file);
    const env = readEnvironment({ ...socialEnv(server), RELAIS_HTTP_TIMEOUT_MS: '150', RELAIS_RETRY_MS: '1' });
    for (let i = 0; i < 12; i++) server.media.fail.push({ step: 'x.initialize', hang: true });
    const journal = Journal.open(dir, 'hostile-s12');
    try {
      const store = new PostStore(journal);
      const media = new MediaStore(journal, dir);
      const now = new Date();
      const post = store.add({ channel: 'twitter', text: 'Appel aux volontaires : la vidéo', local: '2031-04-11 09:00', tz: 'Europe/Paris', utc: now, source: 'cli' })!;
      media.attach(post.id, mediaRows([{ name: 'campagne.mp4', path: file, shown: 'medias/campagne.mp4', alt: 'Une mire de couleurs animée', title: undefined, probe: await probeFile(file, 'medias/campagne.mp4') }]));
      const run = await publishDue(store, publishers(env, join(dir, 'out', 'publications'), dir, { media, posts: store }), { now: () => now, retryBaseMs: 1 });
      const asked = server.media.log.filter((l) => l.startsWith('x.initialize')).length;
      expect(server.published).toHaveLength(0);
      expect(run.outage, JSON.stringify(run)).not.toBeNull();
      expect(asked, `${asked} requêtes restées sans réponse avant l'arrêt`).toBeLessThanOrEqual(OUTAGE_ATTEMPTS);
    } finally {
      journal.close();
    }
  });
});
