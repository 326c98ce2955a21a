import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relais } from './helpers/cli.js';
import { sampleWithDuePosts } from './helpers/due-posts.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * The X token expires halfway through a schedule: the first post goes, the second meets a 401,
 * the third is then left untried (relais stops that network for the run, rightly, and keeps both
 * posts queued). What `relais schedule run` prints about them is one line,
 * « ✖ X refuse les identifiants : renouvelez RELAIS_X_ACCESS_TOKEN et RELAIS_X_ACCESS_SECRET »,
 * and the tally « 1 publiée sur les réseaux, 2 prévues »: neither post is named, nor is it said
 * that they did not go and will leave at the next run once the token is renewed. Every other
 * failure of a run is said per post (« ✖ n° 2 twitter : X refuse un message identique à un
 * message déjà publié », « … n° 2 twitter : X injoignable (ECONNREFUSED) »). A communicator who
 * renews the token cannot tell which messages of the morning are still waiting. Expected: each post held by the
 * refused credential named with its network.
 */
let server: SocialServer;
beforeAll(async () => {
  server = await startSocial();
});
afterAll(() => server.close());

describe('an X token refused halfway through a schedule', () => {
  it('names each post it holds back, with its network', async () => {
    const due = new Date(Date.now() - 60_000);
    const dir = await sampleWithDuePosts([
      { channel: 'twitter', text: 'Premier appel aux volontaires', at: due },
      { channel: 'twitter', text: 'Deuxième appel aux volontaires', at: due },
      { channel: 'twitter', text: 'Troisième appel aux volontaires', at: due },
    ]);
    server.script.twitter.push({ status: 201, body: { data: { id: '555', text: 'Premier appel aux volontaires' } } }, { status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } });
    const run = await relais(['-C', dir, 'schedule', 'run'], { env: socialEnv(server) });
    const out = `${run.stdout}\n${run.stderr}`;
    // What holds: one tweet, the token to renew said in French, exit code 1.
    expect(server.received.filter((r) => r.network === 'twitter')).toHaveLength(2);
    expect(out).toContain('renouvelez RELAIS_X_ACCESS_TOKEN');
    expect(run.code).toBe(1);
    expect(out).toContain('Publications de la campagne : 1 publiée sur les réseaux, 2 prévues');
    // What does not: the posts held back are not named.
    expect(out, out).toMatch(/n° 2\b/);
    expect(out, out).toMatch(/n° 3\b/);
  });
});

describe('the same in relais run', () => {
  it('names each post it holds back, in its publishing step and its document', async () => {
    const due = new Date(Date.now() - 60_000);
    const dir = await sampleWithDuePosts([
      { channel: 'twitter', text: 'Premier appel aux volontaires', at: due },
      { channel: 'twitter', text: 'Deuxième appel aux volontaires', at: due },
    ]);
    server.script.twitter.push({ status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } });
    // With --json the steps are said on stderr, the document on stdout: one run shows both.
    const run = await relais(['-C', dir, '--json', 'run'], { env: socialEnv(server) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('renouvelez RELAIS_X_ACCESS_TOKEN');
    expect(run.stderr, run.stderr).toMatch(/n° 2 twitter : pas publiée, elle reste prévue/);
    const doc = JSON.parse(run.stdout) as { publications: { retenues: Array<{ id: number; reseau: string }> } };
    expect(doc.publications.retenues.map((p) => [p.id, p.reseau])).toEqual([[1, 'twitter'], [2, 'twitter']]);
  });
});
