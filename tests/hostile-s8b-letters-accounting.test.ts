import { describe, expect, it } from 'vitest';
import { campaignWith } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';

/**
 * `relais letters` reads the RNE and the town-hall list, and decides from them who gets a letter
 * and who is in the print file, but says nothing of the lines it read: not the count
 * « lus = utilisés + écartés + rejetés » that `check` gives, not the line it set aside. A town-hall
 * list of three lines (one of them a second header, two exports appended) gives « 324 lettres
 * écrites … 324 lettres à imprimer » and nothing else (src/cli/letters.ts prints no file account;
 * its --json has no `fichiers`).
 */
describe('letters reads the data files', () => {
  it('says, for each file, lines read = used + set aside + rejected, as check does', async () => {
    const header = 'code_insee_commune;adresse_courriel;numero_voie;code_postal;nom_commune';
    const dir = campaignWith({
      mairies: `${header}\r\n45001;mairie@adon.example;1 place de la Mairie;45230;Adon\r\n${header}\n45004;mairie@amilly.example;1 place de la Mairie;45200;Amilly\n`,
    });
    const check = await relaisJson<{ fichiers: Array<{ fichier: string; lus: number; utilises: number; rejetes: number; ecartes: Record<string, number> }> }>(['-C', dir, 'check']);
    const account = check.json.fichiers.find((f) => f.fichier === 'data/mairies.csv')!;
    // check's own figures, as a reference: 3 read, 2 used, 1 set aside (the repeated header).
    expect(account).toMatchObject({ lus: 3, utilises: 2, rejetes: 0 });
    const letters = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(letters.code, letters.stderr).toBe(0);
    const said = `${letters.stdout}${letters.stderr}`;
    // It says only « 325 lettres écrites en … s, dans out/lettres/ » and the print file.
    expect(said).toMatch(/data\/mairies\.csv[^\n]*3 lus/);
    expect(said).toContain('data/mairies.csv:3');
  });
});
