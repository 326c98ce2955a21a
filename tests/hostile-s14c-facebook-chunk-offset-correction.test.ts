import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishDue } from '../src/delivery/schedule.js';
import { publishers } from '../src/delivery/social.js';
import { videoJournal } from './helpers/video-post.js';
import { startSocial, type SocialServer } from './servers/social.js';

/**
 * Facebook's resumable video upload answers a chunk it cannot take at that place (a chunk it
 * already has because the answer to the previous try was lost on the way back, a chunk cut short)
 * with error subcode 1363037 and, in `error_data`, the start_offset and end_offset it wants next.
 * Facebook's own Graph SDK for PHP (FacebookResumableUploader::transfer, subcodes 1363030,
 * 1363019, 1363037, 1363033, 1363021, 1363041) treats these as resumable: it sends the chunk again
 * at the offsets given. relais (src/delivery/upload/facebook.ts) reads them as a refusal of the
 * video: « Facebook refuse le média « campagne.mp4 » pendant l’envoi des octets … (400) », the
 * post `failed` for good, and the journal keeps the stale offsets, so a post queued again by hand
 * meets the same answer. A flaky connection during the campaign video's upload costs the ARS its
 * Facebook video. Expected: the upload goes on at the offsets Facebook gives, and the video is
 * published once.
 */
let server: SocialServer;
beforeAll(async () => {
  server = await startSocial(undefined, { media: { fbChunk: 64 * 1024 } });
});
afterAll(() => server.close());

describe('Facebook asks for a video chunk again (subcode 1363037, offsets in error_data)', () => {
  it('goes on at the offsets Facebook gives and publishes the video once, instead of failing the post', async () => {
    const { dir, file, env, journal, store, media, videoPost } = await videoJournal(server, 'hostile-s14c');
    try {
      const post = videoPost('facebook', 'Appel aux volontaires : la vidéo');
      // The second chunk: Facebook asks for it again, from where it stands (64 KiB taken so far).
      server.media.fail.push({
        step: 'fb.multipart',
        after: 1,
        status: 400,
        body: {
          error: {
            message: 'There was a problem uploading your video file. Please try again.',
            type: 'OAuthException',
            code: 6001,
            error_subcode: 1363037,
            is_transient: false,
            error_data: { start_offset: String(64 * 1024), end_offset: String(128 * 1024) },
            fbtrace_id: 'AbCdEf',
          },
        },
      });
      const run = () => publishDue(store, publishers(env, join(dir, 'out', 'publications'), dir, { media, posts: store }), { now: () => new Date(), retryBaseMs: 1 });
      await run();
      expect(server.media.log.some((l) => l === 'fb.multipart → 400')).toBe(true);
      expect(store.get(post.id)?.status, `${store.get(post.id)?.last_error}`).not.toBe('failed');
      if (store.get(post.id)?.status === 'queued') await run();
      expect(store.get(post.id)?.status, `${store.get(post.id)?.last_error}`).toBe('published');
      expect(server.published.filter((p) => p.network === 'facebook')).toHaveLength(1);
    } finally {
      journal.close();
    }
  });

  it('asked again without end (no offsets given): the post stays queued, nothing published, and the next run finishes the upload', async () => {
    const { dir, file, env, journal, store, media, videoPost } = await videoJournal(server, 'hostile-s14c');
    try {
      const post = videoPost('facebook', 'Appel aux volontaires : la vidéo, encore');
      const again = { step: 'fb.multipart', status: 400, body: { error: { message: 'There was a problem uploading your video file. Please try again.', type: 'OAuthException', code: 6001, error_subcode: 1363037, fbtrace_id: 'AbCdEf' } } };
      const before = server.published.filter((p) => p.network === 'facebook').length;
      // More answers « again » than relais takes in one run (six a try, three tries).
      for (let i = 0; i < 18; i++) server.media.fail.push({ ...again });
      const run = () => publishDue(store, publishers(env, join(dir, 'out', 'publications'), dir, { media, posts: store }), { now: () => new Date(), retryBaseMs: 1, maxAttempts: 3 });
      const first = await run();
      expect(store.get(post.id)?.status, `${store.get(post.id)?.last_error}`).toBe('queued');
      expect(first.deferred.map((d) => d.reason).join(' ')).toMatch(/Facebook redemande sans cesse la vidéo « campagne\.mp4 ».*rien n’est publié/);
      expect(server.published.filter((p) => p.network === 'facebook')).toHaveLength(before);
      server.media.fail.length = 0;
      await run();
      expect(store.get(post.id)?.status, `${store.get(post.id)?.last_error}`).toBe('published');
      expect(server.published.filter((p) => p.network === 'facebook')).toHaveLength(before + 1);
    } finally {
      journal.close();
    }
  });
});
