import { describe, expect, it } from 'vitest';
import { CONTACT_HEADER, campaignWith } from './helpers/campaign.js';
import { checkJson } from './helpers/check.js';

/**
 * README (Le dossier de campagne) : « Le code postal d'une mairie est vérifié contre sa commune
 * (les codes postaux de la commune viennent de la base de La Poste livrée avec les données des
 * communes) ». A préfecture list where a row was pasted one line off gives Orléans the postal
 * line of its neighbour: 45160 Olivet. The letter to the mayor of Orléans then reads
 *   MAIRIE D'ORLEANS / MONSIEUR LE MAIRE / PLACE DE L'ETAPE / 45160 OLIVET
 * and La Poste takes it to Olivet. `relais check` only says « mairie sans adresse électronique »
 * for that row: not a word about a postal code that is another commune's (45160 is Olivet's, not
 * one of Orléans' 45000 / 45100), nor about a locality that names another commune. The letter
 * goes to print, to the wrong town, unseen.
 */
describe('a town hall row whose postal line is that of another commune of the département', () => {
  it('is named by relais check, with its line', async () => {
    const dir = campaignWith({ mairies: `${CONTACT_HEADER}\n45234;;Place de l'Étape;45160;Olivet\n` });
    const { json } = await checkJson<{ warnings: Array<{ file?: string; line?: number; message: string }>; errors: Array<{ file?: string; line?: number; message: string }> }>(dir, ['45']);
    const said = [...json.errors, ...json.warnings].filter((w) => w.file === 'data/mairies.csv' && w.line === 2).map((w) => w.message);
    expect(said.some((m) => /45160|Olivet/i.test(m)), said.join('\n')).toBe(true);
  });
});
