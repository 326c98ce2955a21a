import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { BIN, relaisJson } from './helpers/cli.js';
import { mediaFixtures, type MediaFixtures } from './helpers/media.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';
import type { MediaOptions } from './servers/media.js';

interface Post {
  id: number;
  channel: string;
  status: string;
  last_error: string | null;
  remote_id: string | null;
}
interface Run {
  published: Array<{ id: number; channel: string; remoteId: string }>;
  failed: Array<{ id: number; reason: string }>;
  authErrors: string[];
  rehearsed: Array<{ id: number; path: string }>;
}

let f: MediaFixtures;
let server: SocialServer | undefined;
beforeAll(async () => {
  f = await mediaFixtures();
}, 300_000);
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function campaign(): string {
  const dir = sampleCampaign();
  const yaml = join(dir, 'campagne.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/\npublications:\n(?: {2}.*\n)+/, '\n'));
  copyFileSync(f.smallPng, join(dir, 'medias', 'affiche.png'));
  return dir;
}

async function setup(media: Partial<MediaOptions> = {}) {
  server = await startSocial(undefined, { media });
  return { dir: campaign(), env: { ...socialEnv(server), RELAIS_MEDIA_POLL_MS: '0' }, server };
}

const add = async (dir: string, env: Record<string, string>, channel: string, text: string, ...media: string[]) => {
  const r = await relaisJson<Post>(['-C', dir, 'schedule', 'add', '--channel', channel, '--at', 'now', '--text', text, ...media], { env });
  expect(r.code, r.stderr).toBe(0);
  return r.json;
};
const run = (dir: string, env: Record<string, string>) => relaisJson<Run>(['-C', dir, 'schedule', 'run'], { env });
const list = async (dir: string, env: Record<string, string>) => (await relaisJson<Post[]>(['-C', dir, 'schedule', 'list'], { env })).json;
const video = () => ['--media', 'medias/campagne.mp4', '--alt', 'Une mire de couleurs animée'];
const count = (log: string[], step: string) => log.filter((l) => l === step || l.startsWith(`${step} `)).length;

describe('publishing a video on the three networks', () => {
  it('follows each upload protocol, then posts with the media', async () => {
    const { dir, env, server } = await setup({ fbChunk: 64 * 1024, liPart: 64 * 1024, xPending: 2 });
    await add(dir, env, 'x', 'Vidéo sur X', ...video());
    await add(dir, env, 'facebook', 'Vidéo sur Facebook', ...video());
    await add(dir, env, 'linkedin', 'Vidéo sur LinkedIn', ...video());
    const r = await run(dir, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.published.map((p) => p.channel).sort()).toEqual(['facebook', 'linkedin', 'twitter']);
    const size = readFileSync(join(dir, 'medias', 'campagne.mp4')).length;
    const log = server.media.log;

    // X: initialize, segments, finalize, status until succeeded, alt text, then the post.
    const [x] = [...server.media.x.values()];
    expect(x).toMatchObject({ total: size, received: size, finalized: true, alt: 'Une mire de couleurs animée', polls: 3 });
    expect(x!.segments.every((s) => s <= 1024 * 1024)).toBe(true);
    expect(log.filter((l) => l.startsWith('x.')).map((l) => l.split(' ')[0])).toEqual(['x.initialize', ...x!.segments.map(() => 'x.append'), 'x.finalize', 'x.status', 'x.status', 'x.status', 'x.metadata']);
    const tweet = server.published.find((p) => p.network === 'twitter')!;
    expect(tweet.json).toEqual({ text: 'Vidéo sur X', media: { media_ids: [[...server.media.x.keys()][0]] } });

    // Facebook: chunks at the offsets the server asked for, finished with the text.
    const [fb] = [...server.media.fbVideos.values()];
    expect(fb).toMatchObject({ total: size, received: size, finished: true, description: 'Vidéo sur Facebook' });
    expect(count(log, 'fb.transfer')).toBe(Math.ceil(size / (64 * 1024)));
    // The video is the page's post: no /feed request besides.
    expect(server.received.filter((p) => p.network === 'facebook').map((p) => p.form?.get('upload_phase'))).toEqual(['finish']);

    // LinkedIn: every part PUT, the ETags given back in order, AVAILABLE waited for.
    const [li] = [...server.media.liVideos.values()];
    expect(li).toMatchObject({ total: size, received: size, finalized: true, parts: Math.ceil(size / (64 * 1024)) });
    expect(li!.polls).toBe(2);
    const post = server.published.find((p) => p.network === 'linkedin')!;
    expect(post.json).toMatchObject({ content: { media: { id: 'urn:li:video:C1', altText: 'Une mire de couleurs animée' } } });
  });

  it('honours check_after_secs between two status checks', async () => {
    const { dir, env, server } = await setup({ xCheckAfterSecs: 1, xPending: 1 });
    await add(dir, env, 'x', 'Attente', ...video());
    const r = await run(dir, env);
    expect(r.code, r.stderr).toBe(0);
    const [x] = [...server.media.x.values()];
    // A lower bound only: waiting longer is never wrong.
    expect(x!.statusTimes[1]! - x!.statusTimes[0]!).toBeGreaterThanOrEqual(990);
  });

  it('sends smaller segments after a 413 for a segment too big', async () => {
    const { dir, env, server } = await setup({ xMaxSegment: 100 * 1024 });
    await add(dir, env, 'x', 'Segments', ...video());
    const r = await run(dir, env);
    expect(r.code, r.stderr).toBe(0);
    expect(server.media.log).toContain('x.append → 413');
    const [x] = [...server.media.x.values()];
    expect(x!.received).toBe(x!.total);
    expect(Math.max(...x!.segments)).toBeLessThanOrEqual(100 * 1024);
    expect(server.published).toHaveLength(1);
  });

  it('retries a chunk refused once, and uploads once', async () => {
    const { dir, env, server } = await setup({ fbChunk: 64 * 1024 });
    server.media.fail.push({ step: 'fb.multipart', status: 503, body: { error: { message: 'Service temporarily unavailable', code: 2 } } });
    await add(dir, env, 'facebook', 'Reprise', ...video());
    const r = await run(dir, env);
    expect(r.code, r.stderr).toBe(0);
    expect(count(server.media.log, 'fb.start')).toBe(1);
    expect(server.media.log).toContain('fb.multipart → 503');
    expect([...server.media.fbVideos.values()][0]).toMatchObject({ finished: true });
  });

  it('marks the post failed with the network’s own reason when processing fails', async () => {
    const { dir, env } = await setup({ processingFailure: 'Unsupported video codec profile' });
    const p = await add(dir, env, 'x', 'Traitement', ...video());
    const r = await run(dir, env);
    expect(r.code).toBe(1);
    expect(r.json.failed[0]!.reason).toContain('Unsupported video codec profile');
    expect((await list(dir, env)).find((x) => x.id === p.id)).toMatchObject({ status: 'failed' });
  });

  it('stops on a token expired between initialize and finalize, then goes on with the same upload', async () => {
    const { dir, env, server } = await setup();
    server.media.fail.push({ step: 'x.finalize', status: 401, body: { title: 'Unauthorized', status: 401, detail: 'Token expired' } });
    const p = await add(dir, env, 'x', 'Jeton', ...video());
    const first = await run(dir, env);
    expect(first.code).toBe(1);
    expect(first.json.authErrors.join()).toContain('RELAIS_X_ACCESS_TOKEN');
    expect((await list(dir, env)).find((x) => x.id === p.id)).toMatchObject({ status: 'queued' });
    const second = await run(dir, env);
    expect(second.code, second.stderr).toBe(0);
    expect(count(server.media.log, 'x.initialize')).toBe(1);
    expect(server.published).toHaveLength(1);
  });
});

describe('interruptions and reuse', () => {
  it('resumes after SIGKILL in the middle of an upload: one upload, one post', async () => {
    const { dir, env, server } = await setup({ liPart: 64 * 1024 });
    // The first part goes through; the second never gets an answer, and relais is killed then.
    server.media.fail.push({ step: 'li.put', hang: true, after: 1 });
    await add(dir, env, 'linkedin', 'Coupure', ...video());
    const hung = new Promise<void>((r) => server.media.events.once('hang', () => r()));
    const child = spawn(process.execPath, [BIN, '-C', dir, 'schedule', 'run'], { env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: 'ignore' });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    await hung;
    child.kill('SIGKILL');
    await exited;
    const second = await run(dir, env);
    expect(second.code, second.stderr).toBe(0);
    expect(count(server.media.log, 'li.initializeUpload')).toBe(1);
    const [li] = [...server.media.liVideos.values()];
    expect(li).toMatchObject({ finalized: true });
    expect(li!.received).toBe(li!.total);
    // The part that hung is sent again; the first is not.
    expect(server.media.log.filter((l) => l.startsWith('li.put 0 '))).toHaveLength(1);
    expect(server.published).toHaveLength(1);
    expect((await list(dir, env))[0]).toMatchObject({ status: 'published' });
  });

  it('reuses an upload for a second post, and uploads again a file changed on disk', async () => {
    const { dir, env, server } = await setup();
    const png = ['--media', 'medias/affiche.png', '--alt', 'Affiche de la campagne'];
    await add(dir, env, 'linkedin', 'Affiche 1', ...png);
    await add(dir, env, 'linkedin', 'Affiche 2', ...png);
    expect((await run(dir, env)).code).toBe(0);
    expect(count(server.media.log, 'li.image')).toBe(1);
    expect(server.published).toHaveLength(2);
    appendFileSync(join(dir, 'medias', 'affiche.png'), Buffer.alloc(10));
    await add(dir, env, 'linkedin', 'Affiche 3', ...png);
    expect((await run(dir, env)).code).toBe(0);
    expect(count(server.media.log, 'li.image')).toBe(2);
    expect(server.published.at(-1)!.json).toMatchObject({ content: { media: { id: 'urn:li:image:D2', altText: 'Affiche de la campagne' } } });
  });

  it('posts photos unpublished to Facebook, then one /feed post attaching them', async () => {
    const { dir, env, server } = await setup();
    await add(dir, env, 'facebook', 'Deux photos', '--media', 'medias/affiche.png', '--alt', 'Affiche', '--media', f.smallPng, '--alt', 'Affiche bis');
    expect((await run(dir, env)).code).toBe(0);
    // The two photos go up side by side: the server numbers them as they arrive, and the post
    // attaches them in the order given, each with its own description.
    const feed = server.published.find((p) => p.network === 'facebook')!;
    const ids = [0, 1].map((i) => (JSON.parse(feed.form?.get(`attached_media[${i}]`) ?? '{}') as { media_fbid?: string }).media_fbid ?? '');
    expect([...ids].sort()).toEqual(['9000000', '9000001']);
    expect(ids.map((id) => server.media.fbPhotos.get(id)?.alt)).toEqual(['Affiche', 'Affiche bis']);
  });
});

describe('the publish step keeps its rule', () => {
  it('leaves a post whose request got no answer unconfirmed: neither uploaded nor posted again', async () => {
    const { dir, env, server } = await setup();
    server.script.twitter.push({ status: 0, hang: true });
    const p = await add(dir, env, 'x', 'Sans réponse', ...video());
    const first = await run(dir, env);
    expect(first.code).toBe(1);
    expect((await list(dir, env)).find((x) => x.id === p.id)).toMatchObject({ status: 'unconfirmed' });
    const second = await run(dir, env);
    expect(second.json.published).toEqual([]);
    expect((await list(dir, env)).find((x) => x.id === p.id)).toMatchObject({ status: 'unconfirmed' });
    expect(count(server.media.log, 'x.initialize')).toBe(1);
    expect(server.received.filter((r) => r.network === 'twitter')).toHaveLength(1);
  });
});

describe('documents and images', () => {
  it('makes a PDF a LinkedIn document post, and sends a PNG to X through the same chunked upload', async () => {
    const { dir, env, server } = await setup();
    copyFileSync(f.pdf, join(dir, 'medias', 'fiche.pdf'));
    await add(dir, env, 'linkedin', 'La fiche', '--media', 'medias/fiche.pdf');
    await add(dir, env, 'x', 'L’affiche', '--media', 'medias/affiche.png', '--alt', 'Affiche de la campagne');
    const r = await run(dir, env);
    expect(r.code, r.stderr).toBe(0);
    expect([...server.media.liAssets.values()]).toEqual([{ kind: 'document', bytes: readFileSync(f.pdf).length }]);
    const li = server.published.find((p) => p.network === 'linkedin')!;
    expect(li.json).toMatchObject({ content: { media: { id: 'urn:li:document:D1', title: 'fiche.pdf' } } });
    const [x] = [...server.media.x.values()];
    expect(x).toMatchObject({ total: readFileSync(f.smallPng).length, finalized: true, alt: 'Affiche de la campagne' });
  });
});

describe('without credentials', () => {
  it('writes the post and its media to the outbox, and keeps the post queued for its network', async () => {
    const dir = campaign();
    await add(dir, {}, 'x', 'Répétition', ...video());
    const r = await run(dir, {});
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(join(dir, 'out', 'publications')).sort();
    expect(files).toEqual(['1-twitter-1-campagne.mp4', '1-twitter.json', '1-twitter.txt']);
    const doc = JSON.parse(readFileSync(join(dir, 'out', 'publications', '1-twitter.json'), 'utf8')) as { medias: Array<{ fichier: string; texte_alternatif: string; octets: number }> };
    expect(doc.medias).toEqual([expect.objectContaining({ fichier: '1-twitter-1-campagne.mp4', texte_alternatif: 'Une mire de couleurs animée', octets: readFileSync(join(dir, 'medias', 'campagne.mp4')).length })]);
    expect((await list(dir, {}))[0]).toMatchObject({ status: 'queued' });
  });
});
