import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type DirectoryRecord, sampleWithLetters, setTownHallEmails } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * A région: the ARS runs `relais run` every morning, and each préfecture's mail room prints and
 * posts its département's print file at its own pace. The Loiret's mail room prints
 * impression-45.pdf (24 letters). Before it posts them, a new run adds two town halls to the file
 * (their address was refused, or bounced, or is gone from the new directory): « 26 lettres à
 * imprimer … 2 lettres ajoutées (Adon 45001, Aillant-sur-Milleron 45002) ». The mail room posts
 * its 24 letters and says so: `relais letters --posted --dep 45` answers « 26 lettres notées
 * postées … ces mairies ne recevront ni une seconde lettre ni de courriel » and deletes the print
 * file. Adon and Aillant-sur-Milleron get neither a letter nor an email, and nothing said so: the
 * two letters that joined the file after its previous version are not named, where `relais
 * letters` itself names them (« si elle est déjà postée, n'imprimez que leurs lettres »).
 */
describe('relais letters --posted, when the print file changed since its previous version', () => {
  it('names the letters that joined it since, before noting them posted', async () => {
    const dir = await sampleWithLetters();
    const records = JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as DirectoryRecord[];
    const gone = records.filter((r) => r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length > 0).slice(0, 2);
    expect(gone).toHaveLength(2);
    for (const r of gone) setTownHallEmails(dir, r.code_insee_commune, []);
    const letters = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(letters.stdout).toContain('2 lettres ajoutées');

    const posted = await relais(['-C', dir, 'letters', '--posted', '--dep', '45']);
    expect(posted.code).toBe(0);
    expect(posted.stdout).toMatch(/26 lettres notées postées/);
    // What --posted says (the file accounting above it quotes the first town hall without an address).
    const said = posted.stdout.slice(posted.stdout.indexOf('Département 45'));
    for (const r of gone) expect(said, `${r.code_insee_commune} noted posted without a word, though it joined the file after its previous version`).toContain(r.code_insee_commune);
  });
});
