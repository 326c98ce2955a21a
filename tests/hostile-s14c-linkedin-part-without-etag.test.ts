import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishDue } from '../src/delivery/schedule.js';
import { mediaRows } from '../src/delivery/schedule-io.js';
import { publishers } from '../src/delivery/social.js';
import { videoJournal } from './helpers/video-post.js';
import { networksAt, socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * LinkedIn's Videos API: each part PUT to its uploadUrl answers with an ETag header, and
 * finalizeUpload needs every part's ETag (uploadedPartIds). An upload host (or a proxy in front
 * of it) that answers 200 without that header leaves relais with nothing to prove the part went:
 * src/delivery/upload/linkedin.ts keeps `res.headers.get('etag') ?? ''`, records the part as sent
 * with an empty ETag, and finalizeUpload is refused. The post is then set `failed` — « LinkedIn
 * refuse le média « campagne.mp4 » pendant la finalisation de l’envoi (400) » — for good, and the
 * journal keeps the empty ETag in its partial upload, so even a post queued again by hand goes
 * straight back to the same refused finalizeUpload. A communicator expects the part without an
 * ETag not to count as sent: sent again (now or at the next `schedule run`) and the video posted
 * once the host answers properly.
 */
let server: SocialServer;
let front: http.Server;
let url: string;
let stripped = 0;
beforeAll(async () => {
  // Two parts, so that the first one's answer can lose its ETag.
  server = await startSocial(undefined, { media: { liPart: 100_000 } });
  // In front of the test server: the first PUT to an upload URL answers 200 without its ETag.
  front = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const up = http.request(`${server.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (c: Buffer) => body.push(c));
        answer.on('end', () => {
          const headers = { ...answer.headers };
          delete headers['content-length'];
          delete headers['transfer-encoding'];
          if (req.method === 'PUT' && stripped === 0) {
            stripped++;
            delete headers.etag;
          }
          res.writeHead(answer.statusCode ?? 500, headers);
          res.end(Buffer.concat(body));
        });
      });
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});
afterAll(async () => {
  front.closeAllConnections();
  await new Promise<void>((r) => front.close(() => r()));
  await server.close();
});

describe('a LinkedIn upload URL that answers 200 without an ETag', () => {
  it('does not count the part as sent: the video is posted once, at the latest on the next run', async () => {
    const { dir, env, journal, store, media, videoPost } = await videoJournal(server, 'hostile-s14c', { ...socialEnv(server), ...networksAt(url) });
    try {
      const post = videoPost('linkedin', 'Appel aux volontaires : la vidéo');
      const run = () => publishDue(store, publishers(env, join(dir, 'out', 'publications'), dir, { media, posts: store }), { now: () => new Date(), retryBaseMs: 1 });
      await run();
      expect(stripped).toBe(1);
      expect(store.get(post.id)?.status, `${store.get(post.id)?.last_error}`).not.toBe('failed');
      // The host answers properly again: the next run goes on.
      if (store.get(post.id)?.status === 'queued') await run();
      expect(store.get(post.id)?.status, `${store.get(post.id)?.last_error}`).toBe('published');
      expect(server.published.filter((p) => p.network === 'linkedin')).toHaveLength(1);
      // No empty ETag went to finalizeUpload.
      expect([...server.media.liVideos.values()].some((v) => v.finalized)).toBe(true);
    } finally {
      journal.close();
    }
  });

  it('a partial upload an earlier version recorded with an empty ETag is started over, never finalized with it', async () => {
    const { dir, file, env, journal, store, media, probe } = await videoJournal(server, 'hostile-s14c');
    try {
      const post = store.add({ channel: 'linkedin', text: 'Appel aux volontaires : la vidéo, encore', local: '2031-04-11 09:00', tz: 'Europe/Paris', utc: new Date(Date.now() - 60_000), source: 'cli' })!;
      media.attach(post.id, mediaRows([{ name: 'campagne.mp4', path: file, shown: 'medias/campagne.mp4', alt: 'Une mire de couleurs animée', title: undefined, probe }]));
      // What relais recorded before: the first part « sent » with an empty ETag, for a video the host no longer knows.
      const parts = [0, 1].map((k) => ({ uploadUrl: `https://www.linkedin.com/dms-uploads/OLD/part/${k}?sig=abc`, firstByte: k * 100_000, lastByte: Math.min((k + 1) * 100_000, probe.size) - 1 }));
      media.record('linkedin:urn:li:organization:4242', probe.sha256, { state: 'partial', remote_id: 'urn:li:video:OLD', expires_at: null, progress: { video: 'urn:li:video:OLD', uploadToken: '', parts, etags: [''] } });
      const finalizedBefore = [...server.media.liVideos.values()].filter((v) => v.finalized).length;
      await publishDue(store, publishers(env, join(dir, 'out', 'publications'), dir, { media, posts: store }), { now: () => new Date(), retryBaseMs: 1 });
      expect(store.get(post.id)?.status, `${store.get(post.id)?.last_error}`).toBe('published');
      expect([...server.media.liVideos.values()].filter((v) => v.finalized)).toHaveLength(finalizedBefore + 1);
    } finally {
      journal.close();
    }
  });
});
