import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

let server: SocialServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * The guide, step 8: rehearse (`schedule run` without credentials writes out/publications/), read
 * the rehearsal, fix the text, then publish. A `publications:` entry of campagne.yaml is queued
 * under a key made of its text: once its template is corrected, the next run queues a second post
 * and keeps the first, uncorrected one — both go out when the credentials are set.
 */
describe('a template corrected after the rehearsal of the publications', () => {
  it('publishes the corrected tweet once, never the rehearsed draft as well', async () => {
    const dir = sampleCampaign();
    expect((await relais(['-C', dir, 'schedule', 'run'])).code).toBe(0);
    const tpl = join(dir, 'templates', 'twitter.hbs');
    writeFileSync(tpl, readFileSync(tpl, 'utf8').replace('Professionnels volontaires', 'Professionnels de santé volontaires'));
    const again = await relais(['-C', dir, 'schedule', 'run']);
    expect(again.code).toBe(0);
    // The draft is withdrawn, said so; the other two publications are untouched.
    expect(again.stderr).toMatch(/publication n° 1 \(twitter, 2020-04-11 09:00\) retirée : elle n'est plus dans campagne\.yaml telle quelle/);
    expect(again.stderr).not.toMatch(/n° [23] \(.*retirée/);

    server = await startSocial();
    const run = await relais(['-C', dir, 'schedule', 'run', '--publish-late'], { env: socialEnv(server) });
    expect(run.code, run.stderr).toBe(0);
    const tweets = server.published.filter((p) => p.network === 'twitter').map((p) => String(p.json?.text ?? ''));
    // It used to publish two tweets, the draft and the corrected one.
    expect(tweets).toHaveLength(1);
    expect(tweets[0]).toContain('Professionnels de santé volontaires');
  });
});
