import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { signupsAroundApril } from './helpers/signups.js';

/**
 * README step 9 and `relais track`: `track --from 2020-04-01 --to 2020-04-10 --out …html` gives
 * the sign-ups of that period. An ARS communicator forwards the HTML report (« autonome, lisible
 * sur un téléphone ») to the préfet. Today the report says « Centre-Val de Loire, au 10/04/2020 »
 * and « 3 volontaires dans la région », with no word of the period: read as written, only 3
 * volunteers were signed up in the region on 10 April, when 5 were (2 before 1 April). A user
 * expects the report to name the period its figures cover (« du 01/04/2020 au 10/04/2020 »), so
 * that it never states a region total that is not true. src/cli/track.ts does not pass from/to to
 * htmlReport at all.
 */

describe('track --from/--to --out report.html', () => {
  it('names the period, instead of presenting the period count as the region total « au 10/04/2020 »', async () => {
    const dir = sampleCampaign();
    const file = signupsAroundApril();
    const out = join(dir, 'out', 'periode.html');
    const r = await relais(['-C', dir, 'track', file, '--from', '2020-04-01', '--to', '2020-04-10', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8').replace(/<style[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    // The figure is the period's (3), so the start of the period must be said somewhere.
    expect(text).toMatch(/3\s+volontaires/);
    expect(text).toMatch(/01\/04\/2020|1er avril 2020|2020-04-01/);
    // Nor is the period's figure called the région's total.
    expect(text).not.toMatch(/3\s+volontaires dans la région/);
    expect(text).not.toMatch(/\b3 au 10\/04\/2020/);
  });
});
