import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DirectoryRecord, sampleWithLetters, setTownHallEmails } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * A région's ARS, two print files: the Loiret's was rewritten (Adon joined) after its mail room
 * printed it, the Indre-et-Loire's was not. Both mail rooms posted what they printed; the ARS runs
 * `relais letters --posted --previous`, as the README says for « la version précédente … a été
 * postée ». relais refuses everything (exit 2) because the 37 file has no previous version, and
 * tells the user « « relais letters --posted » note celle-ci » — the command that would note the
 * Loiret's latest version, Adon's unprinted letter in it (src/letters/posted.ts, the --previous
 * branch of recordPosted, one UsageError for the whole région). A file never rewritten has one
 * version, the one posted: it should be noted, or the advice should be the commands that note
 * what was posted (« --dep 45 --previous », « --dep 37 »).
 */
describe('letters --posted --previous over a région where only one print file was rewritten', () => {
  it('notes each file’s posted version, or says which command fits each département', async () => {
    const dir = await sampleWithLetters();
    const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
    const adon = records.find((r) => r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0)!;
    setTownHallEmails(dir, adon.code_insee_commune, []);
    const rewritten = await relais(['-C', dir, 'letters']);
    expect(rewritten.stdout).toContain('1 lettre ajoutée');

    const posted = await relais(['-C', dir, 'letters', '--posted', '--previous']);
    // It says « --previous : le fichier à imprimer du département 37 n'a pas de version précédente
    // connue (…) : « relais letters --posted » note celle-ci », exit 2, nothing noted.
    if (posted.code === 0) {
      expect(posted.stdout).toMatch(/Département 45 : 24 lettres notées postées/);
      expect(posted.stdout).toMatch(/Département 37 : 17 lettres notées postées/);
    } else expect(posted.stderr).toContain('--dep 45 --previous');
  });
});
