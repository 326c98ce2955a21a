import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DirectoryRecord, sampleWithLetters, setTownHallEmails } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * The Loiret's mail room posted version 1 of impression-45.pdf (24 letters); Adon joined in
 * version 2. `relais letters --posted --dep 45 --previous` notes the 24 and says « 1 lettre
 * ajoutée depuis cette version reste à imprimer et à poster : Adon 45001 »; the print file is
 * rewritten with Adon's letter alone, and the manifest's « previous version » is now version 2
 * — Adon in it. The same command run a second time (the agent's routine, a colleague who read
 * the README's line) notes version 2 posted: Adon's letter, which relais had just said was still
 * to print, is noted posted, and Adon gets neither letter nor email (src/letters/posted.ts takes
 * the manifest's #previous as a version someone may have posted, src/letters/generate.ts made it
 * the version --previous had just declined).
 */
describe('letters --posted --previous run twice', () => {
  it('does not note posted, the second time, the letter the first said was still to print', async () => {
    const dir = await sampleWithLetters();
    const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
    const adon = records.find((r) => r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0)!;
    setTownHallEmails(dir, adon.code_insee_commune, []);
    await relais(['-C', dir, 'letters', '--dep', '45']);

    const first = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--previous']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`reste à imprimer et à poster : .*${adon.code_insee_commune}`));

    const second = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--previous']);
    // It says « Département 45 : 25 lettres notées postées (version précédente …) », « 1 nouvelle au journal ».
    const print = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(print.stdout, `the print file holding Adon’s letter was deleted: nothing left to post\n${second.stdout.slice(second.stdout.indexOf('Département 45'))}`).toContain('impression-45.pdf : 1 lettre à imprimer');
    expect(second.stdout).not.toMatch(/1 nouvelle au journal/);
  });
});
