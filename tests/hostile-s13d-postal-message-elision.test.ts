import { describe, expect, it } from 'vitest';
import { CONTACT_HEADER, campaignWith } from './helpers/campaign.js';
import { checkJson } from './helpers/check.js';

/**
 * Hostile pass s13d: the new warning for a town hall's postal code that is another commune's own
 * (« 45160 Olivet » pasted on Orléans's row) is read by préfecture staff and quoted back to the
 * town halls. It builds its French by gluing « de » before each name:
 *   « 45160 est le code postal de Olivet (45232), pas de Orléans : la lettre irait là-bas »
 *   « 45160 est le code postal de Olivet (45232), pas de Le Bardon »
 * where French says « d'Olivet », « d'Orléans », « du Bardon » — the rule relais applies
 * everywhere else (withDe: MAIRIE D'ORLEANS, MAIRIE DU MANS, the letters' « la commune
 * d'Orléans »). A message to a public body that cannot write the names of its own communes.
 */
type Said = { warnings: Array<{ file?: string; line?: number; message: string }>; errors: Array<{ file?: string; line?: number; message: string }> };

describe('the warning for a postal code that is another commune’s own', () => {
  it('writes « d’Orléans », « d’Ardon », « du Bardon », never « de Orléans » or « de Le Bardon »', async () => {
    const dir = campaignWith({
      mairies: `${CONTACT_HEADER}\n45234;;Place de l'Étape;45160;Olivet\n45020;;1 place de la Mairie;45160;\n`,
    });
    const { json } = await checkJson<Said>(dir, ['45']);
    const said = [...json.errors, ...json.warnings].filter((w) => w.file === 'data/mairies.csv').map((w) => w.message);
    const orleans = said.find((m) => m.includes('45160') && m.includes('Orléans'));
    const bardon = said.find((m) => m.includes('45160') && m.includes('Bardon'));
    expect(orleans, said.join('\n')).toBeDefined();
    expect(bardon, said.join('\n')).toBeDefined();
    // Now: « … code postal de Ardon (45006), Olivet (45232), …, pas de Orléans : … », « … pas de Le Bardon : … ».
    expect(orleans).not.toMatch(/\bde (?:Ardon|Olivet|Orléans)\b/);
    expect(orleans).toMatch(/d['’]Orléans/);
    expect(bardon).not.toMatch(/\bde Le Bardon\b/);
    expect(bardon).toMatch(/\bdu Bardon\b/);
  });
});
