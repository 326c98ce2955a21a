import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { campaignWith, sampleCampaign, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';

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

/**
 * The same with a sign-up export whose columns are « Département de résidence » and « Catégorie
 * professionnelle »: src/tracker/signups.ts (SIGNUP_COLUMNS) knows `departement`, `code departement`,
 * `dep` and `categorie`, `type`, `famille`. A volunteer with « 45 » in the first column is rejected
 * as « ni département, ni code postal, ni code INSEE », which the row contradicts, and every
 * catégorie is reported « non renseignée ».
 */
describe('a sign-up export whose département and catégorie columns carry longer names', () => {
  it('reads « Département de résidence » and « Catégorie professionnelle », or names them as unread', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(file, "Identifiant;Date d'inscription;Département de résidence;Code postal;Profession;Catégorie professionnelle;Statut\r\nP1;26/03/2020;45;;Infirmier;soignant;inscrit\r\nP2;26/03/2020;37;37000;Médecin;soignant;inscrit\r\n");
    const { json, stderr } = await relaisJson<{ total: number; categories: Record<string, number> }>(['-C', sampleCampaign(), 'track', file]);
    if (/Département de résidence/.test(stderr) && /Catégorie professionnelle/.test(stderr)) return;
    // It says « inscriptions.csv:2: inscription rejetée : ni département, ni code postal, ni code INSEE »,
    // « 1 volontaire dans la région », catégories « non renseignée 1 ».
    expect({ total: json.total, categories: json.categories }, stderr).toEqual({ total: 2, categories: { soignant: 2 } });
  });
});
