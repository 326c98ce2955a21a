import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DirectoryRecord, sampleWithLetters, setTownHallEmails } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * A région's ARS, two print files: the Loiret's was rewritten (Adon joined) after its mail room
 * printed it, the Indre-et-Loire's was not. `--previous`, which once noted « the previous version »
 * of every file, is gone: it could not be known for true. It is refused, nothing noted, and the
 * message says how to name the version posted, département by département.
 */
describe('letters --posted --previous over a région where only one print file was rewritten', () => {
  it('is refused, nothing noted, pointing at --posted-version for a département', async () => {
    const dir = await sampleWithLetters();
    const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
    const adon = records.find((r) => r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0)!;
    setTownHallEmails(dir, adon.code_insee_commune, []);
    const rewritten = await relais(['-C', dir, 'letters']);
    expect(rewritten.stdout).toContain('1 lettre ajoutée');

    const posted = await relais(['-C', dir, 'letters', '--posted', '--previous']);
    expect(posted.code).toBe(2);
    expect(posted.stderr).toMatch(/--posted --dep <département> --posted-version/);
    const status = await relais(['-C', dir, 'status']);
    expect(status.stdout).not.toMatch(/lettres? notées? postées?/);
  });
});
