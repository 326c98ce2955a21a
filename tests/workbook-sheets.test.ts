import ExcelJS from 'exceljs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readXlsx } from '../src/data/xlsx.js';
import { tempDir } from './helpers/campaign.js';

/** A workbook's other sheets: more of the same table is refused, named; anything else is not the table. */
async function workbook(sheets: Record<string, string[][]>): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = wb.addWorksheet(name);
    for (const r of rows) sheet.addRow(r);
  }
  const path = join(tempDir(), 'classeur.xlsx');
  await wb.xlsx.writeFile(path);
  return path;
}

const HEADER = ['code_insee_commune', 'adresse_courriel'];

describe('a workbook of several sheets', () => {
  it('is read from its first sheet when the others are notes or an empty copy of the table', async () => {
    const path = await workbook({ Loiret: [HEADER, ['45001', 'mairie@adon.example']], Notes: [['à relire']], Modèle: [HEADER] });
    const table = await readXlsx(path, 'classeur.xlsx');
    const rows = [];
    for await (const r of table.rows) rows.push(r.values);
    expect(rows).toEqual([['45001', 'mairie@adon.example']]);
  });

  it('is refused, naming the sheets, when another sheet holds more rows under the same header', async () => {
    const path = await workbook({ Loiret: [HEADER, ['45001', 'mairie@adon.example']], 'Indre-et-Loire': [HEADER, ['37001', 'mairie@abilly.example']] });
    await expect(readXlsx(path, 'classeur.xlsx')).rejects.toThrow(/plusieurs feuilles de même en-tête \(« Loiret », « Indre-et-Loire »\).*copiez-les sous celles de la feuille « Loiret »/);
    // One file per source for the mayors and the town halls: never told to name several.
    await expect(readXlsx(path, 'classeur.xlsx')).rejects.not.toThrow(/nommez ces fichiers/);
  });
});

describe('a workbook whose first sheet is not the table', () => {
  const isHeader = (cells: string[]) => cells.includes('code_insee_commune');

  it('is read from the sheet that has the header asked for, the sheets before it named', async () => {
    const path = await workbook({ 'Résumé de l’exportation': [['Résumé de l’exportation'], ['Feuille 1', 'Tableau 1']], Lisez_moi: [['à lire']], 'Feuille 1 - Tableau 1': [HEADER, ['45001', 'mairie@adon.example']] });
    const table = await readXlsx(path, 'classeur.xlsx', isHeader);
    const rows = [];
    for await (const r of table.rows) rows.push(r.values);
    expect([table.header, rows, table.sheetFound]).toEqual([HEADER, [['45001', 'mairie@adon.example']], { read: 'Feuille 1 - Tableau 1', skipped: ['Résumé de l’exportation', 'Lisez_moi'] }]);
  });

  it('is read from its first sheet, as before, when no sheet has that header', async () => {
    const path = await workbook({ Notes: [['à relire']], Autre: [['nom', 'courriel']] });
    const table = await readXlsx(path, 'classeur.xlsx', isHeader);
    expect([table.header, table.sheetFound]).toEqual([['à relire'], undefined]);
  });
});
