import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Output } from '../src/cli/output.js';
import { localTime, outageMessage, runProblems } from '../src/cli/schedule-run.js';
import { Journal } from '../src/delivery/journal.js';
import { MediaStore } from '../src/delivery/media-store.js';
import { PostStore, type Network } from '../src/delivery/posts-store.js';
import { emptyRun, publishDue } from '../src/delivery/schedule.js';
import { mediaRows } from '../src/delivery/schedule-io.js';
import { publishers } from '../src/delivery/social.js';
import { probeFile } from '../src/media/probe.js';
import { readEnvironment } from '../src/settings.js';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/campaign.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * The networks' answers as relais reads them, beside the hostile tests of session 12: what stays
 * retried (500, 503), what a permission refused during a media upload does, and how the times and
 * outages are said.
 */
let server: SocialServer;
beforeAll(async () => {
  server = await startSocial();
});
afterAll(() => server.close());

function withJournal<T>(run: (store: PostStore, media: MediaStore, dir: string) => Promise<T>): Promise<T> {
  const dir = tempDir();
  const journal = Journal.open(dir, 'net-answers');
  return run(new PostStore(journal), new MediaStore(journal, dir), dir).finally(() => journal.close());
}

const add = (store: PostStore, channel: Network, text: string, now: Date, tz = 'Europe/Paris') => store.add({ channel, text, local: '2031-04-11 09:00', tz, utc: now, source: 'cli' })!;

describe('the service’s own errors stay retried', () => {
  it.each<[Network, number]>([
    ['twitter', 503],
    ['facebook', 500],
    ['linkedin', 503],
  ])('%s answering %i once: sent again and published', async (network, status) => {
    const before = server.received.filter((r) => r.network === network).length;
    server.script[network].push({ status, body: { message: 'Service Unavailable' } });
    await withJournal(async (store, _media, dir) => {
      const now = new Date();
      const post = add(store, network, `Un message pour ${network} après ${status}`, now);
      const run = await publishDue(store, publishers(readEnvironment(socialEnv(server)), dir, dir), { now: () => now, retryBaseMs: 1 });
      expect(server.received.filter((r) => r.network === network).length - before).toBe(2);
      expect(store.get(post.id)?.status).toBe('published');
      expect(run.outage).toBeNull();
    });
  });
});

describe('a permission refused while the media are sent', () => {
  async function withVideo(network: Network, failure: { step: string; status: number; body: unknown }) {
    return withJournal(async (store, media, dir) => {
      mkdirSync(join(dir, 'medias'));
      const file = join(dir, 'medias', 'campagne.mp4');
      copyFileSync(join(ROOT, 'medias', 'campagne.mp4'), file);
      const now = new Date();
      const post = add(store, network, `La vidéo de la campagne sur ${network}`, now);
      media.attach(post.id, mediaRows([{ name: 'campagne.mp4', path: file, shown: 'medias/campagne.mp4', alt: 'Une mire de couleurs animée', title: undefined, probe: await probeFile(file, 'medias/campagne.mp4') }]));
      server.media.fail.push(failure);
      const published = server.published.length;
      const run = await publishDue(store, publishers(readEnvironment(socialEnv(server)), join(dir, 'out'), dir, { media, posts: store }), { now: () => now, retryBaseMs: 1 });
      return { run, status: store.get(post.id)?.status, published: server.published.length - published };
    });
  }

  it('X, app read-only at the upload’s first step: the post stays queued and the run says to give « Read and write »', async () => {
    const { run, status, published } = await withVideo('twitter', {
      step: 'x.initialize',
      status: 403,
      body: { title: 'Forbidden', type: 'https://api.twitter.com/2/problems/oauth1-permissions', status: 403, detail: 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.' },
    });
    expect(published).toBe(0);
    expect(status).toBe('queued');
    expect(run.failed).toEqual([]);
    expect(run.authChannels).toEqual(['twitter']);
    expect(run.authErrors[0]).toContain('Read and write');
  });

  it('Facebook, error #200 when the video upload starts: the post stays queued, pages_manage_posts named', async () => {
    const { run, status, published } = await withVideo('facebook', {
      step: 'fb.start',
      status: 403,
      body: { error: { message: '(#200) Requires pages_manage_posts permission to manage the object', type: 'OAuthException', code: 200 } },
    });
    expect(published).toBe(0);
    expect(status).toBe('queued');
    expect(run.authChannels).toEqual(['facebook']);
    expect(run.authErrors[0]).toContain('pendant l’ouverture de l’envoi');
    expect(run.authErrors[0]).toContain('pages_manage_posts');
    expect(run.authErrors[0]).toContain('RELAIS_FACEBOOK_PAGE_TOKEN');
  });
});

describe('what the run says', () => {
  it('a time to try again on the post’s own clock, wherever the campaign is', () => {
    expect(localTime('2026-12-01T02:09:50.732Z', 'Europe/Paris')).toBe('2026-12-01 03:09 à Paris');
    expect(localTime('2026-12-01T02:09:50.732Z', 'America/Cayenne')).toBe('2026-11-30 23:09 en Guyane');
    const run = emptyRun();
    run.deferred.push({ id: 4, channel: 'linkedin', until: '2026-12-01T02:09:50.732Z', reason: 'LinkedIn : limite d’appels atteinte', tz: 'Indian/Reunion' });
    expect(runProblems(new Output(false), run, 'relais schedule run')).toEqual(['… n° 4 linkedin : LinkedIn : limite d’appels atteinte, nouvel essai après 2026-12-01 06:09 à La Réunion']);
  });

  it('every network down, each named, and that the others went on', () => {
    const run = emptyRun();
    run.outages.push({ channel: 'twitter', attempts: 3, reason: 'X : erreur du service (503)' }, { channel: 'linkedin', attempts: 3, reason: 'LinkedIn injoignable (ECONNREFUSED)' });
    run.outage = run.outages[0]!;
    const said = outageMessage(run, 2);
    expect(said).toContain('X ne répond pas (3 tentatives de suite : X : erreur du service (503))');
    expect(said).toContain('LinkedIn ne répond pas (3 tentatives de suite : LinkedIn injoignable (ECONNREFUSED))');
    expect(said).toContain('RELAIS_X_API_URL, RELAIS_LINKEDIN_API_URL');
    expect(said).toContain('2 restent à publier');
  });
});
