import { describe, expect, it } from 'vitest';
import { sampleWithLetters, setTownHallEmails } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * A rehearsal (no SMTP server: the emails go to the outbox) reaches nobody: a town hall whose
 * address leaves the data after it goes by post, and every figure of `run` says so alike — the
 * table, the print file, send's own count — as `status` and `letters` do.
 */
interface Run {
  departements: Array<{ code: string; communes: number; impression: number; courriels: { envoyes: number; parCourrier: number } }>;
  envoi: { byPost: number };
}

describe('a town hall whose address leaves the data after a rehearsal', () => {
  it('is counted by post once in every figure of run, as in the print file', async () => {
    const dir = await sampleWithLetters();
    const first = await relaisJson<Run>(['-C', dir, 'run', '--yes', '--dep', '37']);
    expect(first.code, first.stderr).toBe(0);
    expect(setTownHallEmails(dir, '37001', [])).toEqual(['mairie@abilly.example']);

    const again = await relaisJson<Run>(['-C', dir, 'run', '--yes', '--dep', '37']);
    const row = again.json.departements.find((d) => d.code === '37')!;
    expect({ table: row.courriels.parCourrier, print: row.impression, send: again.json.envoi.byPost }).toEqual({ table: 18, print: 18, send: 18 });
    expect(row.courriels.envoyes + row.courriels.parCourrier).toBe(row.communes);
  });
});
