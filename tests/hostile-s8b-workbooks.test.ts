import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWith, sampleCampaign, sampleWithoutPublications, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';

/**
 * Workbooks as offices save them: one sheet per département, a title row above the header.
 * src/data/xlsx.ts reads `workbook.worksheets[0]` only and says nothing of the other sheets;
 * src/tracker/fast-csv.ts (openWorkbook) calls readXlsx without `isHeader`, so the sign-up
 * export's header is taken from the sheet's first non-empty row, whatever it is.
 */
const MAIRIES = ['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune'];
const SIGNUPS = ['id', 'date_inscription', 'departement', 'code_postal', 'metier', 'categorie', 'statut'];

interface FileAccount {
  fichier: string;
  lus: number;
  utilises: number;
  ecartes: Record<string, number>;
  rejetes: number;
}

describe('a town-hall list kept in Excel, one sheet per département', () => {
  it('the second sheet is read (or named), not dropped while check says the town hall has « aucune ligne » and the campaign is ready', async () => {
    const wb = new ExcelJS.Workbook();
    const loiret = wb.addWorksheet('Loiret');
    loiret.addRow(MAIRIES);
    loiret.addRow(['45001', 'mairie@adon.example', '1 place de la Mairie', '45230', 'Adon']);
    const touraine = wb.addWorksheet('Indre-et-Loire');
    touraine.addRow(MAIRIES);
    touraine.addRow(['37001', 'mairie@abilly.example', '1 place de la Mairie', '37160', 'Abilly']);
    const dir = campaignWith({});
    await wb.xlsx.writeFile(join(dir, 'data', 'mairies.xlsx'));
    const yaml = join(dir, 'campagne.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^ {2}mairies: .*$/m, '  mairies: data/mairies.xlsx'));

    const { json, stdout } = await relaisJson<{ fichiers: FileAccount[]; warnings: Array<{ message: string }> }>(['-C', dir, 'check']);
    // A workbook refused as a whole (naming its sheets) has no account: nothing of it was read.
    const account = json.fichiers.find((f) => f.fichier === 'data/mairies.xlsx');
    const text = JSON.stringify(json);
    // It says: « data/mairies.xlsx (liste de mairies (xlsx)) : 1 lu, 1 utilisé » and
    // « Abilly (37001) : aucune ligne dans le fichier des mairies, la lettre partira par courrier »:
    // the sheet « Indre-et-Loire » is never mentioned, its town halls all switched to the post.
    const secondSheetAccounted = account?.lus === 2 || text.includes('Indre-et-Loire »') || /feuille|onglet/i.test(text);
    expect(secondSheetAccounted, `compte du fichier : ${JSON.stringify(account)}`).toBe(true);
    expect(text, stdout).not.toMatch(/Abilly \(37001\) : aucune ligne dans le fichier des mairies/);
  });
});

describe('a sign-up export saved from Excel with two sheets', () => {
  it('the second sheet’s sign-ups are counted (or the sheet named), not silently left out of the total', async () => {
    const wb = new ExcelJS.Workbook();
    const first = wb.addWorksheet('Feuil1');
    first.addRow(SIGNUPS);
    first.addRow(['X1', new Date(Date.UTC(2020, 2, 26, 9, 0)), '45', '45000', 'Infirmier', 'soignant', 'inscrit']);
    const second = wb.addWorksheet('Feuil2');
    second.addRow(SIGNUPS);
    second.addRow(['Y1', new Date(Date.UTC(2020, 2, 27, 9, 0)), '37', '37000', 'Infirmier', 'soignant', 'inscrit']);
    const file = join(tempDir(), 'inscriptions.xlsx');
    await wb.xlsx.writeFile(file);
    const { json, stderr } = await relaisJson<{ total: number; rejetes: number }>(['-C', sampleCampaign(), 'track', file]);
    // It says « 1 volontaire dans la région ; 0 doublon retiré, 0 ligne rejetée » and nothing of Feuil2.
    expect(json.total === 2 || stderr.includes('Feuil2'), `total ${json.total}\n${stderr}`).toBe(true);
  });
});

describe('a sign-up export saved from Excel with a title row above the header', () => {
  it('finds the header under the title, as the town-hall list does, instead of « 0 volontaire … 0 ligne rejetée » with code 0', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Export');
    ws.addRow(['Inscriptions des volontaires au 27/03/2020']);
    ws.addRow(SIGNUPS);
    ws.addRow(['X1', new Date(Date.UTC(2020, 2, 26, 9, 0)), '45', '45000', 'Infirmier', 'soignant', 'inscrit']);
    ws.addRow(['X2', new Date(Date.UTC(2020, 2, 26, 10, 0)), '37', '37000', 'Médecin', 'soignant', 'inscrit']);
    const file = join(tempDir(), 'inscriptions.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await relais(['-C', sampleCampaign(), 'track', file]);
    // It says: « inscriptions.xlsx:1: colonnes manquantes « identifiant », « date d'inscription » ;
    // colonnes lues : Inscriptions des volontaires au 27/03/2020 », then
    // « 0 volontaire dans la région ; 0 doublon retiré, 0 ligne rejetée » — and exits 0: two rows
    // read, none used, none rejected.
    expect(r.stderr).not.toContain('colonnes lues : Inscriptions des volontaires');
    expect(`${r.stdout}${r.stderr}`).toContain('2 volontaires dans la région');
  });
});

describe('a publication calendar kept in Excel with a title row above the header', () => {
  it('is imported, its header found under the title as the town-hall list’s is, not refused with « colonnes manquantes » at line 1', async () => {
    const dir = sampleWithoutPublications();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Calendrier');
    ws.addRow(['Calendrier des publications — avril 2031']);
    ws.addRow(['canal', 'date', 'texte']);
    ws.addRow(['linkedin', new Date(Date.UTC(2031, 3, 13, 9, 0)), 'Merci aux volontaires du Loiret']);
    ws.getCell('B3').numFmt = 'dd/mm/yyyy hh:mm';
    const file = join(tempDir(), 'calendrier.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await relais(['-C', dir, 'schedule', 'import', file]);
    // It says « calendrier.xlsx:1: colonnes manquantes : canal, date, texte » (exit 1): the three
    // columns are there, on line 2 (src/delivery/schedule-io.ts opens the table without isHeader).
    expect(r.stderr).not.toContain('colonnes manquantes : canal, date, texte');
    expect(r.stdout).toContain('1 publication importée');
  });
});
