import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { campaignWith } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * Sign-ups located by their postal code only (the platform's export leaves « departement » empty).
 * A postal code often serves communes of two départements (the post office of one delivers a few
 * villages across the border). The published reference lists, for instance:
 *   52100: Saint-Eulien and Sapignicourt (Marne, 51), then Saint-Dizier (22,858 inhabitants) and
 *          eight other communes of Haute-Marne (52);
 *   48250: Laveyrune (Ardèche, 07 — Auvergne-Rhône-Alpes), then La Bastide-Puylaurent, Mont Lozère
 *          et Goulet and Luc (Lozère, 48 — Occitanie).
 * relais takes the first commune of the postal code in the reference's order (by INSEE code), so a
 * volunteer of Saint-Dizier is counted in the Marne, and one of La Bastide-Puylaurent is set aside
 * « hors région » by an Occitanie campaign. The postal code's own first digits (52, 48) name the
 * département it belongs to, and they are among its communes' départements: that is the one.
 * Likely cause: departementOf in src/tracker/signups.ts (`ref.communesByPostalCode(postalCode)[0]`).
 */
const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';

interface Track {
  total: number;
  departements: Array<{ code: string; nom: string; total: number }>;
}

function campaignOf(region: string, deps: [string, string], rows: string[]): string {
  const dir = campaignWith({
    yaml: (y) => y.replace(/^region: 24$/m, `region: ${region}`).replace(/^ {2}"37":$/m, `  "${deps[0]}":`).replace(/^ {2}"45":$/m, `  "${deps[1]}":`),
  });
  writeFileSync(join(dir, 'data', 'inscriptions-cp.csv'), `${HEADER}\n${rows.join('\n')}\n`);
  return dir;
}

describe('a sign-up located by a postal code shared by two départements', () => {
  it('52100 (Saint-Dizier) is counted in the Haute-Marne, not in the Marne', async () => {
    const dir = campaignOf('44', ['51', '52'], ['V1;2020-03-27 10:00;;52100;Infirmier;soignant;inscrit']);
    const { json } = await relaisJson<Track>(['-C', dir, 'track', join(dir, 'data', 'inscriptions-cp.csv')]);
    const of = (code: string) => json.departements.find((d) => d.code === code)?.total;
    expect(json.total).toBe(1);
    // Today: Marne 1, Haute-Marne 0.
    expect({ marne: of('51'), hauteMarne: of('52') }).toEqual({ marne: 0, hauteMarne: 1 });
  });

  it('48250 (La Bastide-Puylaurent, Lozère) is counted in an Occitanie campaign, not set aside as outside the région', async () => {
    const dir = campaignOf('76', ['48', '30'], ['V2;2020-03-27 11:00;;48250;Aide-soignant;soignant;inscrit']);
    const { json } = await relaisJson<Track>(['-C', dir, 'track', join(dir, 'data', 'inscriptions-cp.csv')]);
    // Today: total 0, « 1 hors région » (counted in the Ardèche).
    expect(json.total).toBe(1);
    expect(json.departements.find((d) => d.code === '48')?.total).toBe(1);
  });
});
