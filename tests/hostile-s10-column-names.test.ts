import { describe, expect, it } from 'vitest';
import { campaignWith } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * A préfecture's list whose email column is headed « Adresse électronique », the official French
 * term, and relais' own label for that column (src/data/contacts.ts CONTACT_COLUMNS: label
 * 'adresse électronique', but no alias 'adresse electronique'). check refuses the file with a
 * message that contradicts itself: « colonne manquante « adresse électronique » ; colonnes lues :
 * Code INSEE, Adresse électronique, … ».
 */
describe('a town-hall list whose email column is headed « Adresse électronique »', () => {
  it('is read, instead of « colonne manquante « adresse électronique » ; colonnes lues : …, Adresse électronique, … »', async () => {
    const dir = campaignWith({ mairies: 'Code INSEE;Adresse électronique;Adresse;Code postal;Commune\r\n45001;mairie@adon.example;1 place de la Mairie;45230;Adon\r\n' });
    const r = await relais(['-C', dir, 'check']);
    expect(r.stdout + r.stderr).not.toMatch(/colonne manquante « adresse électronique »/);
  });
});
