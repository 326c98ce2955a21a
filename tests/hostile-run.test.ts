import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign, sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * `relais run` as a hostile user meets it: with the accounts' credentials, the sample's posts
 * (due in April 2020) are held back and the run exits 1 — the user must be told why.
 */
let social: SocialServer;
beforeAll(async () => {
  social = await startSocial();
});
afterAll(async () => {
  await social.close();
});

describe('relais run with credentials and posts due long ago', () => {
  it('says which posts were held back and how to publish them, next to its exit code 1', async () => {
    const dir = await sampleWithLetters();
    const r = await relais(['-C', dir, 'run', '--dep', '45'], { env: socialEnv(social) });
    expect(r.code).toBe(1);
    expect(social.published).toHaveLength(0);
    const said = r.stdout + r.stderr;
    for (const channel of ['twitter', 'linkedin', 'facebook']) expect(said).toMatch(new RegExp(`n° \\d+ ${channel} : prévue le 2020-04-11 .*plus de 24 h`));
    expect(said).toMatch(/--publish-late/);
    const j = await relais(['-C', dir, 'run', '--dep', '45', '--json'], { env: socialEnv(social) });
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, publications: { publiees: 0, enRetard: 3, identifiantsRefuses: [], panne: null } });
  });
});

describe('schedule list on a new campaign', () => {
  it('says that the publications of campagne.yaml are queued by the next schedule run, not that there are none', async () => {
    const dir = sampleCampaign();
    const r = await relais(['-C', dir, 'schedule', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 publications de campagne\.yaml.*relais schedule run/);
  });
});
