import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * README step 8: first a rehearsal, `schedule run` without credentials, « puis, avec les
 * identifiants des comptes, le même `schedule run` publie chacun une fois ». For the sample
 * campaign's posts (April 2020, more than 24 h late) the rehearsal exits 0 and says, for each,
 * « répétition écrite dans out/publications/1-twitter.txt (en retard : datée d’aujourd’hui) — rien
 * n’est publié sans compte configuré »: configure the accounts and it goes out. It does not:
 * the same command with credentials publishes none of them and exits 1 (« il y a plus de 24 h —
 * pas publiée »). A communicator rehearses to learn what the real run will do; the rehearsal
 * should say that these late posts will wait for `--publish-late` (or a confirmation), as the
 * real run does.
 */
describe('a rehearsal of posts more than 24 h late', () => {
  it('says the real run will hold them until --publish-late', async () => {
    const dir = sampleCampaign();
    const r = await relais(['-C', dir, 'schedule', 'run']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.includes('répétition écrite'));
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toContain('--publish-late');
  });
});
