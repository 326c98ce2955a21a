import { describe, expect, it } from 'vitest';
import { campaignWith } from './helpers/campaign.js';
import { checkJson } from './helpers/check.js';

/**
 * Hostile pass s13d: a town-hall list whose header is on two rows (« Adresse » over « numero_voie »,
 * « code_postal », « nom_commune ») is now read by its sub-headers. relais also knows the list made
 * of two exports put end to end (`copy /b a.csv+b.csv`, or a second export pasted under the
 * first): with a one-row header, the repeated header is said « l'en-tête est répété à cette ligne
 * (deux exports mis bout à bout ?) : ligne écartée », and the check goes on.
 *
 * With a two-row header, the second export's two header rows are taken for town halls:
 *   ligne 4 : « code INSEE « code_insee_commune » inconnu du Code officiel géographique » (error)
 *   ligne 5 : « code INSEE vide » (error)
 * Two errors that block every letter and every email, naming a « commune » that is the header's
 * own column name, where the same file with a one-row header passes. What a user expects: the
 * repeated header said as such, its rows set aside, no error.
 */
type Said = { errors: Array<{ file?: string; line?: number; message: string }>; warnings: Array<{ file?: string; line?: number; message: string }> };

describe('a town-hall list of two exports end to end, each with its two-row header', () => {
  it('says the header repeated, as it does for a one-row header, and raises no error', async () => {
    const upper = 'code_insee_commune;adresse_courriel;Adresse;;';
    const lower = ';;numero_voie;code_postal;nom_commune';
    const dir = campaignWith({
      mairies: `${upper}\n${lower}\n45001;mairie@adon.example;1 place de la Mairie;45230;Adon\n${upper}\n${lower}\n45234;mairie@orleans.example;Place de l'Étape;45000;Orléans\n`,
    });
    const { json } = await checkJson<Said>(dir, ['45']);
    const at = (line: number) => [...json.errors, ...json.warnings].filter((p) => p.file === 'data/mairies.csv' && p.line === line).map((p) => p.message);
    // Now: line 4 « code INSEE « code_insee_commune » inconnu du Code officiel géographique », line 5 « code INSEE vide », both errors.
    expect(json.errors.filter((p) => p.file === 'data/mairies.csv').map((p) => `${p.line}: ${p.message}`)).toEqual([]);
    expect(at(4).join('\n')).toMatch(/en-tête/);
  });
});
