import { describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';

/**
 * The README: `relais run` ends with « un tableau final [qui] donne, par département, les communes,
 * les lettres, les courriels écrits ou en échec, les envois postaux et les volontaires ». Before the
 * print files are posted, the Indre-et-Loire reads 272 communes = 255 emails + 17 par courrier. Once
 * the agent has posted them and said so (`relais letters --posted`, as the README asks), the next
 * `relais run` shows « Par courrier 0 » (and step 5 « 0 par courrier »): the 17 town halls reached
 * by post have gone from the table, 255 + 0 of 272; `relais status` still says 17 par courrier.
 * Likely cause: src/cli/run.ts takes the « Par courrier » column (courriels.parCourrier) from the
 * letters of the current print file (`letters.print`), i.e. the letters left to post, not from the
 * town halls that go by post (no address, refused, bounced, or posted).
 */
interface Run {
  departements: Array<{ code: string; communes: number; courriels: { envoyes: number; echecs: number; nonConfirmes: number; parCourrier: number } }>;
}

describe('relais run after the print files were posted (letters --posted)', () => {
  it('still counts the 17 town halls of the Indre-et-Loire reached by post', async () => {
    const dir = await sampleWithLetters();
    const before = await relaisJson<Run>(['-C', dir, 'run', '--dep', '37']);
    const row = (r: Run) => r.departements.find((d) => d.code === '37')!;
    expect(row(before.json)).toMatchObject({ communes: 272, courriels: { envoyes: 255, parCourrier: 17 } });

    const posted = await relais(['-C', dir, 'letters', '--posted', '--dep', '37']);
    expect(posted.code, posted.stderr).toBe(0);

    const after = await relaisJson<Run>(['-C', dir, 'run', '--dep', '37']);
    // Today: parCourrier 0 — 255 + 0 of 272 town halls.
    expect(row(after.json).courriels.parCourrier).toBe(17);
  });
});
