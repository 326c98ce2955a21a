import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../src/delivery/journal.js';
import { MediaStore } from '../src/delivery/media-store.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { publishDue } from '../src/delivery/schedule.js';
import { mediaRows } from '../src/delivery/schedule-io.js';
import { publishers } from '../src/delivery/social.js';
import { probeFile } from '../src/media/probe.js';
import { readEnvironment } from '../src/settings.js';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/campaign.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * Ctrl-C (or a SIGTERM from a service manager) while `relais schedule run` is still sending a
 * post's video: nothing is published yet — README: « Une coupure pendant l'envoi des médias remet
 * la publication en file (rien n'était publié) ». That holds after a SIGKILL (PostStore
 * recoverInterrupted looks at the post's phase), not after a Ctrl-C: publishDue
 * (src/delivery/schedule.ts) gives the whole publish() a 2 s grace through unlessInterrupted, then
 * marks the post `unconfirmed` « interrompu avant la réponse du réseau : issue inconnue, vérifiez
 * sur le réseau », whatever its phase. A video takes far longer than 2 s to send: the post is left
 * unconfirmed — never published again on its own, the communicator told to look for a post that
 * cannot exist, and obliged to cancel it and plan it again by hand.
 */
let server: SocialServer;
beforeAll(async () => {
  server = await startSocial();
});
afterAll(() => server.close());

describe('an interruption while the media of a post are still being sent', () => {
  it('puts the post back in the queue (nothing was published), not « unconfirmed »', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'medias'));
    const file = join(dir, 'medias', 'campagne.mp4');
    copyFileSync(join(ROOT, 'medias', 'campagne.mp4'), file);
    const env = readEnvironment(socialEnv(server));
    const journal = Journal.open(dir, 'hostile-s12');
    try {
      const store = new PostStore(journal);
      const media = new MediaStore(journal, dir);
      const now = new Date();
      const post = store.add({ channel: 'twitter', text: 'Appel aux volontaires : la vidéo', local: '2031-04-11 09:00', tz: 'Europe/Paris', utc: now, source: 'cli' })!;
      media.attach(post.id, mediaRows([{ name: 'campagne.mp4', path: file, shown: 'medias/campagne.mp4', alt: 'Une mire de couleurs animée', title: undefined, probe: await probeFile(file, 'medias/campagne.mp4') }]));
      // The first segment of the video is taken and never answered: the upload is under way when Ctrl-C comes.
      server.media.fail.push({ step: 'x.append', hang: true });
      const ctrlC = new AbortController();
      server.media.events.once('hang', () => ctrlC.abort());
      const run = await publishDue(store, publishers(env, join(dir, 'out', 'publications'), dir, { media, posts: store }), { now: () => now, retryBaseMs: 1, signal: ctrlC.signal });
      expect(server.published).toHaveLength(0);
      expect(server.media.log.some((l) => l.startsWith('x.append'))).toBe(true);
      expect(store.get(post.id)?.status, `${store.get(post.id)?.last_error} ; unconfirmed: ${JSON.stringify(run.unconfirmed)}`).toBe('queued');
      expect(run.unconfirmed).toEqual([]);
    } finally {
      journal.close();
    }
  });
});
