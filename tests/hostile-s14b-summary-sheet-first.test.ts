import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { campaignWith, sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';
import { calcWorkbook, type RawCell } from './helpers/raw-xlsx.js';

/**
 * A workbook whose first sheet is a notice and whose data is on the second: what Numbers writes
 * when a document is exported to Excel with its default « Inclure une feuille de résumé » (a first
 * sheet « Résumé de l’exportation » listing the tables, the table itself on « Feuille 1 -
 * Tableau 1 »), and what offices do by hand (a « Lisez-moi » sheet in front). src/data/xlsx.ts
 * reads the first visible sheet only; its first row becomes the header, and the user is told
 * « <file>:1: … colonnes manquantes « code INSEE », « adresse électronique » ; colonnes lues :
 * Résumé de l’exportation » — no sheet named, though the sheet right behind holds exactly the
 * columns asked for. The user opens the file, sees the right columns on the data sheet, and cannot
 * tell what is wrong. Expected: the sheet holding the header read, or the message naming the sheet
 * read and the one where the header is.
 */
const SUMMARY: RawCell[][] = [['Résumé de l’exportation'], [null], ['Nom de la feuille Numbers', 'Nom du tableau Numbers', 'Nom de la feuille Excel'], ['Feuille 1', 'Tableau 1', 'Feuille 1 - Tableau 1']];

describe('a town-hall list exported from Numbers with its summary sheet', () => {
  it('reads the town halls of « Feuille 1 - Tableau 1 », or names that sheet', async () => {
    const rows: RawCell[][] = [
      ['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune'],
      ['45001', 'mairie@adon.example', '1 place de la Mairie', '45230', 'Adon'],
      ['45004', 'mairie@amilly.example', '3 rue de la Mairie', '45200', 'Amilly'],
    ];
    const dir = campaignWith({ mairies: calcWorkbook([{ name: 'Résumé de l’exportation', rows: SUMMARY }, { name: 'Feuille 1 - Tableau 1', rows }]), mairiesName: 'mairies.xlsx' });
    const { json, stderr } = await relaisJson<{ fichiers: Array<{ fichier: string; utilises: number }>; errors: Array<{ message: string }> }>(['-C', dir, 'check']);
    const account = json.fichiers.find((f) => f.fichier === 'data/mairies.xlsx');
    expect(account?.utilises, stderr).toBe(2);
    // The sheet read, and the one skipped, said.
    expect(JSON.stringify(json)).toMatch(/Feuille 1 - Tableau 1/);
  });
});

describe('a sign-up export exported from Numbers with its summary sheet', () => {
  it('counts the sign-ups of « Feuille 1 - Tableau 1 », or names that sheet', async () => {
    const rows: RawCell[][] = [
      ['id', 'date_inscription', 'departement', 'code_postal', 'metier', 'categorie', 'statut'],
      ['A1', '2020-04-01 10:00', '45', '45000', 'Infirmier', 'soignant', 'inscrit'],
      ['A2', '2020-04-02 10:00', '37', '37000', 'Médecin', 'soignant', 'inscrit'],
    ];
    const file = join(tempDir(), 'inscriptions.xlsx');
    writeFileSync(file, calcWorkbook([{ name: 'Résumé de l’exportation', rows: SUMMARY }, { name: 'Feuille 1 - Tableau 1', rows }]));
    const { json, stderr } = await relaisJson<{ total: number }>(['-C', sampleCampaign(), 'track', file]);
    // Today: « 0 volontaire dans la région », « inscriptions.xlsx:1: inscriptions : colonnes manquantes
    // « identifiant », « date d'inscription » ; colonnes lues : Résumé de l’exportation ».
    expect(json.total, stderr).toBe(2);
    // The sheet read is said, as check says it.
    expect(stderr).toMatch(/Feuille 1 - Tableau 1/);
  });
});
