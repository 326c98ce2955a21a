import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DirectoryRecord, sampleWithLetters, setTownHallEmails } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * The ARS runs relais every morning; the Loiret's mail room prints impression-45.pdf on Monday
 * (24 letters, version 1) and posts it on Friday. On Tuesday a town hall's address disappears from
 * the directory: the print file is rewritten with Adon (version 2, 25 letters); on Wednesday
 * another: version 3, 26 letters. relais keeps one previous version only (src/letters/generate.ts
 * « #previous », src/letters/posted.ts joinedOf): on Friday `relais letters --posted --dep 45`
 * names one letter « ajoutée depuis sa version du » Tuesday, and with --yes notes all 26 posted —
 * Adon's letter, never printed, is noted posted without ever being named, and Adon gets neither
 * letter nor email. `--previous` would note version 2, Adon in it, just as wrongly. The additions
 * list beside the print file (impression-45-ajouts.txt) names only Wednesday's letter too: the
 * mail room that printed version 1 prints that list and never Adon's letter.
 *
 * What should happen: the letters that joined since the last version noted posted (here: the
 * first) are all named, in the question and in the list.
 */
describe('a print file rewritten twice before the mail room posts its first version', () => {
  it('names every letter that joined since the version the mail room printed, not only since the last rewrite', async () => {
    const dir = await sampleWithLetters();
    const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
    const [tuesday, wednesday] = records.filter((r) => r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0);
    expect(tuesday && wednesday).toBeTruthy();

    setTownHallEmails(dir, tuesday!.code_insee_commune, []);
    const v2 = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(v2.stdout, v2.stderr).toContain('1 lettre ajoutée');
    setTownHallEmails(dir, wednesday!.code_insee_commune, []);
    const v3 = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(v3.code, v3.stderr).toBe(0);

    const list = join(dir, 'out', 'lettres', '45', 'impression-45-ajouts.txt');
    expect(existsSync(list)).toBe(true);
    const refused = await relais(['-C', dir, 'letters', '--posted', '--dep', '45']);
    expect(refused.code).toBe(1);
    // It says « 1 lettre ajoutée depuis sa version du … (25 lettres) : <Wednesday's town hall> ».
    expect.soft(refused.stderr, 'the letter that joined on Tuesday, never printed, is not named').toContain(tuesday!.code_insee_commune);
    expect.soft(readFileSync(list, 'utf8'), 'the additions list leaves out the letter that joined on Tuesday').toContain(tuesday!.code_insee_commune);
  });
});
