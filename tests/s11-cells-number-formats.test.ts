import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openTable, type TableRow } from '../src/data/table.js';
import { shownInteger } from '../src/data/xlsx.js';
import { tempDir } from './helpers/campaign.js';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/**
 * A number cell shows what its format makes of it: a postal code stored 1400 is shown « 01400 »
 * (Excel's « Code postal » format, 00000), a phone number stored 238123456 is shown
 * « 02 38 12 34 56 ». Read as stored, the phone number went into the letters without its first
 * digit, and the code was « repaired » with a warning about a zero the user sees in the cell.
 */
describe('shownInteger: a whole number as a digits-only format shows it', () => {
  it.each([
    [1400, '00000', '01400'],
    [45000, '00000', '45000'],
    [1001, '[$-40C]00000', '01001'],
    [238123456, '0# ## ## ## ##', '02 38 12 34 56'],
    [612345678, '00\\ 00\\ 00\\ 00\\ 00', '06 12 34 56 78'],
    [612345678, '00"."00"."00"."00"."00', '06.12.34.56.78'],
    [612345678, '0#-##-##-##-##;"négatif"', '06-12-34-56-78'],
    // More digits than places: the leftmost place takes them, as in Excel.
    [1234567, '00000', '1234567'],
    [0, '#####', ''],
    [0, '00000', '00000'],
  ])('%d in « %s » is « %s »', (n, format, shown) => {
    expect(shownInteger(n, format)).toBe(shown);
  });

  it.each([
    [45000, 'General'],
    [45000, '#,##0'],
    [45000, '0.00'],
    [45000, '"CP "00000'],
    [45000, '[Red]00000'],
    [45000, 'dd/mm/yyyy'],
    [45000, '0%'],
    [45000, '@'],
    [-1400, '00000'],
    [14.5, '00000'],
  ])('leaves %d in « %s » to be read as stored', (n, format) => {
    expect(shownInteger(n, format)).toBeUndefined();
  });
});

describe('a workbook whose codes and phone numbers are numbers with a display format', () => {
  it('reads each as its cell shows it', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['code_insee_commune', 'code_postal', 'telephone', 'population']);
    ws.addRow([1001, 1400, 474551234, 45000]);
    ws.getCell('A2').numFmt = '00000';
    ws.getCell('B2').numFmt = '00000';
    ws.getCell('C2').numFmt = '0# ## ## ## ##';
    ws.getCell('D2').numFmt = '#,##0';
    const path = join(tempDir(), 'mairies.xlsx');
    await wb.xlsx.writeFile(path);
    const table = await openTable(path);
    const rows: TableRow[] = [];
    for await (const r of table.rows) rows.push(r);
    expect(rows.map((r) => r.values)).toEqual([['01001', '01400', '04 74 55 12 34', '45000']]);
  });

  it('puts the phone number as shown into the recipient, and says nothing of a lost zero', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune', 'telephone']);
    ws.addRow([45001, 'mairie@adon.example', '1 place de la Mairie', 45230, 'Adon', 238123456]);
    ws.getCell('A2').numFmt = '00000';
    ws.getCell('D2').numFmt = '00000';
    ws.getCell('F2').numFmt = '0# ## ## ## ##';
    const { found, recipient } = await joinedDepartement(await campaignWithWorkbook('mairies', wb));
    const adon = recipient('45001');
    expect(adon?.contact?.telephone).toBe('02 38 12 34 56');
    expect(adon?.adresse.at(-1)).toMatch(/^45230 /);
    expect(found.warnings.filter((p) => p.file === 'data/mairies.xlsx' && p.line === 2).map((p) => p.message)).toEqual([]);
  });
});
