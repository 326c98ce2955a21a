import { describe, expect, it } from 'vitest';
import { balanced, OUTSIDE_PERIOD } from '../src/campaign/accounting.js';
import { requireCampaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { track } from '../src/tracker/figures.js';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { signupsAroundApril } from './helpers/signups.js';

/**
 * Every row accounted for: without a period, `track` ends with « N volontaires dans la région ;
 * D doublons retirés, R lignes rejetées, H hors région, X désinscriptions non comptées » and
 * those add up to the rows read (4 342 for the sample campaign). With `--from`/`--to` (README:
 * `track --from 2020-04-01 --to 2020-04-10 …`), the rows outside the period vanish from the
 * account (src/tracker/aggregate.ts `continue`s past them, nothing counts them): on the sample,
 * 583 + 2 142 + 0 + 7 + 3 = 2 735 of 4 342 rows, 1 607 unaccounted for, and the line still says
 * « 583 volontaires dans la région » without naming the period. A communicator checking the
 * figures expects the rows outside the period to be counted and said (« 2 inscriptions hors de
 * la période »), so that the line adds up to the rows read.
 */

describe('track --from/--to: the summary accounts for the rows outside the period', () => {
  it('counts the 2 sign-ups before --from somewhere in the summary', async () => {
    const dir = sampleCampaign();
    const file = signupsAroundApril();
    const r = await relais(['-C', dir, 'track', file, '--from', '2020-04-01', '--to', '2020-04-10']);
    expect(r.code, r.stderr).toBe(0);
    const summary = (r.stdout + r.stderr).split('\n').find((l) => l.includes('volontaires dans la région')) ?? '';
    // Today: « 3 volontaires dans la région ; 0 doublon retiré, 0 ligne rejetée, 0 hors région,
    // 0 désinscription non comptée, 0 changement de département. » — 3 of 5 rows.
    expect(summary).toMatch(/3 volontaires/);
    expect(summary).toMatch(/\b2\b[^;,]*(hors|avant|en dehors)[^;,]*période/);
  });

  it('sets them aside in each file’s account, so that read = used + set aside + rejected holds (sample campaign)', async () => {
    const campaign = await requireCampaign(sampleCampaign());
    const tracked = await track(campaign, communeReference(), { from: '2020-04-01', to: '2020-04-10', now: new Date('2020-04-11T12:00:00Z') });
    expect(tracked).toBeDefined();
    const { figures, read } = tracked!;
    for (const account of read.fichiers) expect(balanced(account), JSON.stringify(account)).toBe(true);
    const outside = read.fichiers.reduce((n, a) => n + (a.ecartes[OUTSIDE_PERIOD] ?? 0), 0);
    expect(outside).toBeGreaterThan(0);
    expect(outside).toBe(figures.horsPeriode);
    const used = read.fichiers.reduce((n, a) => n + a.utilises, 0);
    expect(used).toBe(figures.total);
    // The summary's figures add up to the rows read.
    expect(figures.total + figures.horsPeriode + figures.horsRegion + figures.exclus + read.doublons + read.rejetes).toBe(read.lignes);
  });
});
