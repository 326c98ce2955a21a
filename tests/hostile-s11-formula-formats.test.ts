import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openTable, type TableRow } from '../src/data/table.js';
import { shownInteger } from '../src/data/xlsx.js';
import { tempDir } from './helpers/campaign.js';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/**
 * Préfecture workbooks are often built from another sheet: the postal code and the phone number
 * are formulas (=Annuaire!C2, a RECHERCHEV) whose result is a number, in a cell formatted 00000
 * or 0# ## ## ## ##. Excel shows « 01400 » and « 02 38 12 34 56 » as for a typed number. The
 * reader applies the format only to a cell holding a plain number (readXlsx in src/data/xlsx.ts:
 * `typeof v === 'number'`); a formula's result goes through cellText as stored: the phone number
 * loses its first digit, the code is « repaired » with a warning about a zero the cell shows.
 */
describe('a formula whose number result has a digits-only format', () => {
  it('is read as its cell shows it, like a typed number', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['code_insee_commune', 'code_postal', 'telephone']);
    ws.addRow([1001, 1400, 474551234]);
    ws.addRow([{ formula: 'Annuaire!A3', result: 1001 }, { formula: 'Annuaire!B3', result: 1400 }, { formula: 'Annuaire!C3', result: 474551234 }]);
    for (const r of [2, 3]) {
      ws.getCell(`A${r}`).numFmt = '00000';
      ws.getCell(`B${r}`).numFmt = '00000';
      ws.getCell(`C${r}`).numFmt = '0# ## ## ## ##';
    }
    const path = join(tempDir(), 'mairies.xlsx');
    await wb.xlsx.writeFile(path);
    const rows: TableRow[] = [];
    for await (const r of (await openTable(path)).rows) rows.push(r);
    // Row 2 (typed) reads ['01001', '01400', '04 74 55 12 34']; row 3 (formulas) ['1001', '1400', '474551234'].
    expect(rows.map((r) => r.values)).toEqual([
      ['01001', '01400', '04 74 55 12 34'],
      ['01001', '01400', '04 74 55 12 34'],
    ]);
  });

  it('puts the phone number with its first digit into the recipient, and says nothing of a lost zero', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune', 'telephone']);
    ws.addRow([45001, 'mairie@adon.example', '1 place de la Mairie', { formula: 'Annuaire!B2', result: 45230 }, 'Adon', { formula: 'RECHERCHEV(A2;Annuaire!A:C;3;FAUX)', result: 238123456 }]);
    ws.getCell('D2').numFmt = '00000';
    ws.getCell('F2').numFmt = '0# ## ## ## ##';
    const dir = await campaignWithWorkbook('mairies', wb);
    const { joined, found } = await joinedDepartement(dir);
    const adon = joined.recipients.find((r) => r.commune.code === '45001');
    // Now: « 238123456 ».
    expect(adon?.contact?.telephone).toBe('02 38 12 34 56');
  });
});

/**
 * A phone number written in international form by its format, « "+33 "0 00 00 00 00 » (Excel:
 * Format de cellule > Personnalisée): Excel shows « +33 2 38 12 34 56 ». shownInteger refuses any
 * quoted text but spaces and punctuation, and the stored 238123456 — no number anyone can call —
 * is what the recipient's contact holds.
 */
describe('a phone number whose format writes the country code', () => {
  it('is read as shown, « +33 2 38 12 34 56 », not as the stored 238123456', () => {
    expect(shownInteger(238123456, '"+33 "0 00 00 00 00')).toBe('+33 2 38 12 34 56');
  });
});

