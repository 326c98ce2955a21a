import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithoutPublications } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * A network (or a proxy in front of it) that takes the request and answers "200 OK" with a body
 * relais does not expect. The request reached the service: whether the post went out is unknown.
 * Such a post must be `unconfirmed` and never sent again on its own (BRIEF: "never auto-retry a
 * publish whose outcome is unknown"), and the message must be French, not a JavaScript TypeError.
 */
interface Post {
  id: number;
  channel: string;
  status: string;
  last_error: string | null;
}

let server: SocialServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});


const ENGLISH = /Cannot read properties|undefined|TypeError|is not a function/;

describe('a network that answers 200 with an unexpected body after the post was sent', () => {
  it('X: the tweet is sent once, left unconfirmed, and the reason is French', async () => {
    server = await startSocial();
    // Every answer to POST /2/tweets is a bare 200 {} (a proxy, or an API change).
    for (let i = 0; i < 5; i++) server.script.twitter.push({ status: 200, body: {} });
    const dir = sampleWithoutPublications();
    const env = socialEnv(server);
    expect((await relais(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', 'now', '--text', 'Appel aux volontaires'], { env })).code).toBe(0);
    const run = await relais(['-C', dir, 'schedule', 'run'], { env });
    const tweets = server.received.filter((r) => r.network === 'twitter');
    // It used to say: "X injoignable (Cannot read properties of undefined (reading 'id'))", sent 3 times.
    expect(tweets, 'the same tweet was posted more than once').toHaveLength(1);
    expect(`${run.stdout}\n${run.stderr}`).not.toMatch(ENGLISH);
    expect(run.code).toBe(1);
    const posts = (await relaisJson<Post[]>(['-C', dir, 'schedule', 'list'], { env })).json;
    expect(posts[0]).toMatchObject({ status: 'unconfirmed' });
    expect(posts[0]!.last_error ?? '').not.toMatch(ENGLISH);
  });

  it('Facebook: a 200 without a post id is not "refused" (the page may carry the post): unconfirmed, not failed', async () => {
    server = await startSocial();
    server.script.facebook.push({ status: 200, body: {} });
    const dir = sampleWithoutPublications();
    const env = socialEnv(server);
    expect((await relais(['-C', dir, 'schedule', 'add', '--channel', 'facebook', '--at', 'now', '--text', 'Appel aux volontaires'], { env })).code).toBe(0);
    const run = await relais(['-C', dir, 'schedule', 'run'], { env });
    // It used to say: "✖ n° 1 facebook : Facebook refuse le message : OK", status failed.
    expect(`${run.stdout}\n${run.stderr}`).not.toContain('refuse le message : OK');
    const posts = (await relaisJson<Post[]>(['-C', dir, 'schedule', 'list'], { env })).json;
    expect(posts[0]).toMatchObject({ status: 'unconfirmed' });
    expect(server.received.filter((r) => r.network === 'facebook')).toHaveLength(1);
  });
});

describe('LinkedIn answers 200 instead of 201 to POST /rest/posts', () => {
  it('a success status is not reported as "LinkedIn refuse le message (200)": unconfirmed, not failed', async () => {
    server = await startSocial();
    server.script.linkedin.push({ status: 200, body: {} });
    const dir = sampleWithoutPublications();
    const env = socialEnv(server);
    expect((await relais(['-C', dir, 'schedule', 'add', '--channel', 'linkedin', '--at', 'now', '--text', 'Appel aux volontaires'], { env })).code).toBe(0);
    const run = await relais(['-C', dir, 'schedule', 'run'], { env });
    expect(`${run.stdout}\n${run.stderr}`).not.toContain('refuse le message (200)');
    const posts = (await relaisJson<Post[]>(['-C', dir, 'schedule', 'list'], { env })).json;
    expect(posts[0]).toMatchObject({ status: 'unconfirmed' });
    expect(server.received.filter((r) => r.network === 'linkedin')).toHaveLength(1);
  });
});

describe('a media upload step answered 200 with an unexpected body', () => {
  it.each([
    ['facebook', 'fb.start'],
    ['x', 'x.initialize'],
    ['linkedin', 'li.initializeUpload'],
  ])('%s (%s): the reason is French, never a database or JavaScript error', async (channel, step) => {
    server = await startSocial();
    for (let i = 0; i < 5; i++) server.media.fail.push({ step, status: 200, body: {} });
    const dir = sampleWithoutPublications();
    const env = socialEnv(server);
    const add = await relais(['-C', dir, 'schedule', 'add', '--channel', channel, '--at', 'now', '--text', 'La vidéo de la campagne', '--media', 'medias/campagne.mp4', '--alt', 'Vidéo de la campagne']);
    expect(add.code, add.stderr).toBe(0);
    const run = await relais(['-C', dir, 'schedule', 'run'], { env });
    const said = `${run.stdout}\n${run.stderr}`;
    // Today, Facebook: "NOT NULL constraint failed: media_uploads.remote_id", then "Facebook ne
    // répond pas (3 tentatives de suite …)" although it answered every time.
    expect(said).not.toMatch(/constraint failed|SQLITE|Cannot read properties|undefined|TypeError/);
    expect(said).not.toMatch(/ne répond pas/);
    const posts = (await relaisJson<Post[]>(['-C', dir, 'schedule', 'list'], { env })).json;
    expect(posts[0]!.last_error ?? '').not.toMatch(/constraint failed|Cannot read properties|undefined/);
    // Nothing was published by an upload step: the post fails with the step named, once.
    expect(posts[0]).toMatchObject({ status: 'failed' });
    expect(posts[0]!.last_error).toContain('réponse inattendue pendant l’');
    expect(posts[0]!.last_error).toContain('rien n’est publié à ce stade');
  });
});
