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

/**
 * The address columns of an office's list under the names people (and relais' own messages) give
 * them: « Complément d'adresse », « Numéro et voie », « Service de distribution ». They are optional
 * columns whose aliases are only `complement`, `complement1`, `numero voie`, `adresse`, `voie`,
 * `service distribution`, `bp`…: src/data/columns.ts (matchColumns) leaves an optional column it
 * does not know unread, and nothing says so. The town hall has no email, its letter goes by post,
 * and the envelope reads « MAIRIE D'ADON / MONSIEUR LE MAIRE / 45230 ADON »: no street, no BP, while
 * check says the campaign is ready.
 */
describe('a town-hall list whose address columns are headed as people name them', () => {
  it('prints the complement, the street and the BP on the envelope, or names the columns it does not read', async () => {
    const dir = campaignWith({
      mairies: "Code INSEE;Courriel;Complément d'adresse;Numéro et voie;Service de distribution;Code postal;Commune\r\n45001;;Hôtel de Ville;1 place de la Mairie;BP 12;45230;Adon\r\n",
    });
    const r = await relais(['-C', dir, 'check']);
    const named = /Complément d'adresse/.test(r.stdout + r.stderr) && /Numéro et voie/.test(r.stdout + r.stderr) && /Service de distribution/.test(r.stdout + r.stderr);
    if (named) return;
    const preview = await relais(['-C', dir, 'preview', '45001', '--json']);
    const adresse = (JSON.parse(preview.stdout) as { lettre: { adresse: string[] } }).lettre.adresse;
    // It is ["MAIRIE D'ADON", 'MONSIEUR LE MAIRE', '45230 ADON'], and check says nothing of the three columns.
    expect(adresse).toEqual(["MAIRIE D'ADON", 'MONSIEUR LE MAIRE', 'HOTEL DE VILLE', '1 PLACE DE LA MAIRIE', 'BP 12', '45230 ADON']);
  });
});
