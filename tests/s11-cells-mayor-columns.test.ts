import { loadCampaign } from '../src/campaign/load.js';
import { buildRecipients } from '../src/campaign/recipients.js';
import { communeReference } from '../src/data/cog.js';
import { ProblemList } from '../src/problems.js';
import { campaignWith } from './helpers/campaign.js';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/**
 * A mayors' workbook kept from year to year: last year's column is hidden in Excel and this
 * year's is beside it, under the same name or another that names the same field. The town-hall
 * list already reads the visible one of two email columns and says which; the mayors' file did
 * not (the first column, hidden, was read, or the whole file refused as « colonne en double »).
 */
async function mayorsCampaign(header: string[], rows: string[][], hidden: number[], yaml?: (y: string) => string): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Maires');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  for (const c of hidden) ws.getColumn(c).hidden = true;
  return campaignWithWorkbook('maires', wb, yaml);
}

async function join45(dir: string) {
  const { found, recipient } = await joinedDepartement(dir);
  const mayor = (code: string) => recipient(code)?.maire;
  const about = (kind: string) => [...found.errors, ...found.warnings].filter((p) => p.kind === kind && p.file === 'data/maires.xlsx');
  return { mayor, about, found };
}

const RNE = ['Code du département', 'Code de la commune', 'Libellé de la commune'];

describe("a mayors' workbook with two columns for one field, one hidden in Excel", () => {
  it('reads the visible « Nom de l\'élu » of two, and says which (same message shape as the town halls\' email columns)', async () => {
    const dir = await mayorsCampaign(
      [...RNE, "Nom de l'élu", "Nom de l'élu", "Prénom de l'élu", 'Code sexe'],
      [
        ['45', '45001', 'Adon', 'ANCIEN', 'NOUVEAU', 'Marie', 'F'],
        ['45', '45002', 'Aillant-sur-Milleron', 'DUPONT', 'MARTIN', 'Paul', 'M'],
      ],
      [4],
    );
    const { mayor, about } = await join45(dir);
    expect(mayor('45001')?.nom).toBe('NOUVEAU');
    expect(mayor('45002')?.nom).toBe('MARTIN');
    expect(about('colonne-en-double')).toEqual([]);
    const told = about('colonnes-multiples');
    expect(told.map((p) => p.message)).toEqual([
      "fichier des maires : plusieurs colonnes « Nom de l'élu » : « Nom de l'élu » (colonne 5) est utilisée, « Nom de l'élu » (colonne 4, masquée dans Excel) ne l'est pas ; si ce n'est pas la bonne, supprimez l'autre ou donnez-lui un autre nom",
    ]);
    expect(told[0]).toMatchObject({ line: 1, field: "Nom de l'élu" });
  });

  it('reads the visible one of two differently named columns (« Prénom », hidden, and « Prénom de l\'élu »)', async () => {
    const dir = await mayorsCampaign([...RNE, "Nom de l'élu", 'Prénom', "Prénom de l'élu", 'Code sexe'], [['45', '45001', 'Adon', 'NOUVEAU', 'Jeanne', 'Marie', 'F']], [5]);
    const { mayor, about } = await join45(dir);
    expect(mayor('45001')?.prenom).toBe('Marie');
    expect(about('colonnes-multiples').map((p) => p.message)).toEqual([
      "fichier des maires : plusieurs colonnes pour « Prénom de l'élu » : « Prénom de l'élu » (colonne 6) est utilisée, « Prénom » (colonne 5, masquée dans Excel) ne l'est pas ; si ce n'est pas la bonne, nommez-la dans campagne.yaml (sources.maires.colonnes.prenom) ou supprimez l'autre",
    ]);
  });

  it('says which of two visible, differently named columns is read', async () => {
    const dir = await mayorsCampaign([...RNE, 'Nom', "Nom de l'élu", "Prénom de l'élu", 'Code sexe'], [['45', '45001', 'Adon', 'ANCIEN', 'NOUVEAU', 'Marie', 'F']], []);
    const { mayor, about } = await join45(dir);
    expect(mayor('45001')?.nom).toBe('ANCIEN');
    expect(about('colonnes-multiples').map((p) => p.message)).toEqual([
      "fichier des maires : plusieurs colonnes pour « Nom de l'élu » : « Nom » (colonne 4) est utilisée, « Nom de l'élu » (colonne 5) ne l'est pas ; si ce n'est pas la bonne, nommez-la dans campagne.yaml (sources.maires.colonnes.nom) ou supprimez l'autre",
    ]);
  });

  it('lets a column named in campagne.yaml settle it, without a word', async () => {
    const dir = await mayorsCampaign([...RNE, 'Nom', "Nom de l'élu", "Prénom de l'élu", 'Code sexe'], [['45', '45001', 'Adon', 'ANCIEN', 'NOUVEAU', 'Marie', 'F']], [], (y) =>
      y.replace(/^ {2}maires: .*$/m, "  maires:\n    fichier: data/maires.xlsx\n    colonnes:\n      nom: Nom de l'élu"),
    );
    const { mayor, about } = await join45(dir);
    expect(mayor('45001')?.nom).toBe('NOUVEAU');
    expect(about('colonnes-multiples')).toEqual([]);
  });

  it('still refuses two visible columns of the same name: nothing says which is right', async () => {
    const dir = await mayorsCampaign([...RNE, "Nom de l'élu", "Nom de l'élu", "Prénom de l'élu", 'Code sexe'], [['45', '45001', 'Adon', 'ANCIEN', 'NOUVEAU', 'Marie', 'F']], []);
    const { about } = await join45(dir);
    expect(about('colonne-en-double').map((p) => p.message)).toEqual(["fichier des maires : colonne « Nom de l'élu » en double (colonnes 4 et 5)"]);
  });
});

describe('a town-hall workbook with two « Courriel » columns, one hidden', () => {
  it('mails the visible one and says so, instead of refusing the file', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['Code INSEE', 'Courriel', 'Courriel', 'Adresse', 'CP', 'Commune']);
    ws.addRow(['45001', 'mairie.adon@wanadoo.example', 'mairie@adon.example', '1 place de la Mairie', '45230', 'Adon']);
    ws.getColumn(2).hidden = true;
    const { found, recipient } = await joinedDepartement(await campaignWithWorkbook('mairies', wb));
    expect(recipient('45001')?.contact?.courriel).toBe('mairie@adon.example');
    expect(found.warnings.filter((p) => p.kind === 'colonnes-multiples').map((p) => p.message)).toEqual([
      "fichier des mairies : plusieurs colonnes « Courriel » : « Courriel » (colonne 3) est utilisée, « Courriel » (colonne 2, masquée dans Excel) ne l'est pas ; si ce n'est pas la bonne, supprimez l'autre ou donnez-lui un autre nom",
    ]);
  });
});

describe('a town-hall list with two columns for a field other than the email', () => {
  it('reads the visible one of « CP » (hidden, last year’s) and « Code postal », and says which', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['Code INSEE', 'Courriel', 'Adresse', 'CP', 'Code postal', 'Commune']);
    ws.addRow(['45001', 'mairie@adon.example', '1 place de la Mairie', '45000', '45230', 'Adon']);
    ws.getColumn(4).hidden = true;
    const { found, recipient } = await joinedDepartement(await campaignWithWorkbook('mairies', wb));
    expect(recipient('45001')?.adresse.at(-1)).toBe('45230 ADON');
    expect(found.warnings.filter((p) => p.kind === 'colonnes-multiples').map((p) => p.message)).toEqual([
      "fichier des mairies : plusieurs colonnes pour « code postal » : « Code postal » (colonne 5) est utilisée, « CP » (colonne 4, masquée dans Excel) ne l'est pas ; si ce n'est pas la bonne, nommez-la dans campagne.yaml (sources.mairies.colonnes.code_postal) ou supprimez l'autre",
    ]);
  });
});

describe('two visible columns of the same name beside a third of another name', () => {
  it('are still refused: nothing says which « Courriel » is this year’s', async () => {
    const csv = 'Code INSEE;Commune;Courriel;Courriel;Adresse mail\n45001;Adon;ancienne@adon.example;mairie@adon.example;mairie@adon.example\n';
    const { campaign } = await loadCampaign(campaignWith({ mairies: csv }));
    const found = new ProblemList();
    await buildRecipients(campaign!, communeReference(), found, ['45']);
    expect(found.errors.filter((p) => p.kind === 'colonne-en-double').map((p) => p.message)).toEqual(['fichier des mairies : colonne « Courriel » en double (colonnes 3 et 4)']);
  });

  it('in the mayors’ file too', async () => {
    const csv = "Code du département;Code de la commune;Libellé de la commune;Nom de l'élu;Prénom de l'élu;Nom de l'élu;Nom;Code sexe\n45;45001;Adon;ANCIEN;Jean;NOUVEAU;NOUVEAU;M\n";
    const { campaign } = await loadCampaign(campaignWith({ maires: csv }));
    const found = new ProblemList();
    await buildRecipients(campaign!, communeReference(), found, ['45']);
    expect(found.errors.filter((p) => p.kind === 'colonne-en-double').map((p) => p.message)).toEqual(["fichier des maires : colonne « Nom de l'élu » en double (colonnes 4 et 6)"]);
  });
});
