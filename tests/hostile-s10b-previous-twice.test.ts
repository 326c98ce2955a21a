import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DirectoryRecord, sampleWithLetters, setTownHallEmails } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * The Loiret's mail room posted version 1 of impression-45.pdf (24 letters); Adon joined in
 * version 2. `relais letters --posted --dep 45 --posted-version 1` notes the 24, and Adon's letter
 * stays in the print file, written again. The same command run a second time (the agent's
 * routine, a colleague) must not note Adon's letter, which relais had just said was still to
 * print: after a --posted the versions are numbered on, so « 1 » names no version any more. (The
 * first form of this test ran `--previous`, gone since: « the previous version » could not be
 * known for true once a file had three versions.)
 */
describe('letters --posted --posted-version run twice', () => {
  it('does not note posted, the second time, the letter the first said was still to print', async () => {
    const dir = await sampleWithLetters();
    const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
    const adon = records.find((r) => r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0)!;
    setTownHallEmails(dir, adon.code_insee_commune, []);
    await relais(['-C', dir, 'letters', '--dep', '45']);

    const first = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', '1']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout + first.stderr).toContain(adon.code_insee_commune);

    const second = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', '1']);
    expect(second.code, second.stdout).toBe(2);
    const again = await relais(['-C', dir, 'letters', '--dep', '45', '--json']);
    const print = (JSON.parse(again.stdout) as { impression: Array<{ departement: string; lettres: number; version: { numero: number } }> }).impression.find((p) => p.departement === '45');
    // Adon's letter alone, still to print, in a version numbered after the one posted.
    expect(print?.lettres).toBe(1);
    expect(print?.version.numero).toBeGreaterThan(1);
  });
});
