import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishDue } from '../src/delivery/schedule.js';
import { publishers } from '../src/delivery/social.js';
import { videoJournal } from './helpers/video-post.js';
import { startSocial, type SocialServer } from './servers/social.js';

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
    const { dir, env, journal, store, media, videoPost } = await videoJournal(server, 'hostile-s12');
    try {
      const now = new Date();
      const post = videoPost('twitter', 'Appel aux volontaires : la vidéo', now);
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
