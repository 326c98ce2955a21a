import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DirectoryRecord, sampleWithLetters, setTownHallEmails } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * impression-45.pdf was rewritten with Adon's letter (its address gone from the directory), and
 * impression-45-ajouts.txt tells the mail room, which printed the earlier version, to print
 * Adon's letter. The ARS then prints every letter once for its archive (`relais letters --all`,
 * « pour un autre usage » per the README) and writes the print file back (`relais letters`).
 * src/letters/generate.ts removes the additions list when --all rewrites the print file
 * (entry.changes is not computed for --all, so `rm(list)`), and the next plain run compares with
 * the manifest's version, which --all left as the one holding Adon: « inchangé » in substance,
 * no addition, no list. Adon's letter is named nowhere any more for the mail room; only
 * `letters --posted` would still find it.
 */
describe('the additions list after a `letters --all` for the archive', () => {
  it('is still there, naming Adon, once the print file is written back', async () => {
    const dir = await sampleWithLetters();
    const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
    const adon = records.find((r) => r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0)!;
    setTownHallEmails(dir, adon.code_insee_commune, []);
    const list = join(dir, 'out', 'lettres', '45', 'impression-45-ajouts.txt');
    const v2 = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(v2.stdout).toContain('1 lettre ajoutée');
    expect(existsSync(list)).toBe(true);

    await relais(['-C', dir, 'letters', '--dep', '45', '--all']);
    const back = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(back.code, back.stderr).toBe(0);
    // The list is gone, and `letters` no longer names Adon's letter as added.
    expect(existsSync(list) && readFileSync(list, 'utf8').includes(adon.code_insee_commune), back.stdout).toBe(true);
  });
});
