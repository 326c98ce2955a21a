import ExcelJS from 'exceljs';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readXlsx } from '../src/data/xlsx.js';
import { date1904In, workbookDate1904 } from '../src/data/xlsx-dates.js';
import { tempDir } from './helpers/campaign.js';
import { calcWorkbook } from './helpers/raw-xlsx.js';

/** 1 April 2020 10:00 in the 1904 date system. */
const APRIL_1_1904 = 42460 + 10 / 24;

function calcFile(date1904: boolean): string {
  const path = join(tempDir(), 'classeur.xlsx');
  writeFileSync(path, calcWorkbook([{ name: 'Feuille1', rows: [['date'], [{ n: APRIL_1_1904, s: 1 }]] }], { date1904 }));
  return path;
}

async function values(path: string): Promise<string[][]> {
  const table = await readXlsx(path, 'classeur.xlsx');
  const rows: string[][] = [];
  for await (const r of table.rows) rows.push(r.values);
  return rows;
}

describe('exceljs and the 1904 date system (the contract src/data/xlsx-dates.ts works around)', () => {
  it('knows Excel’s date1904="1" and not LibreOffice’s date1904="true"', async () => {
    // If this fails after an upgrade, exceljs reads « true » itself: the adapter then does nothing
    // (it only moves dates exceljs read in the 1900 system), and can be removed.
    const path = calcFile(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(path) as unknown as ArrayBuffer);
    expect(wb.properties.date1904).toBe(false);
    expect((wb.worksheets[0]!.getCell('A2').value as Date).toISOString()).toBe('2016-03-31T10:00:00.000Z');
  });
});

describe('the date system read from the workbook itself', () => {
  it.each([
    ['<workbookPr date1904="true"/>', true],
    ['<workbookPr backupFile="false" date1904="1"/>', true],
    ["<x:workbookPr date1904='on'/>", true],
    ['<workbookPr date1904="false"/>', false],
    ['<workbookPr date1904="0"/>', false],
    ['<workbookPr defaultThemeVersion="164011"/>', false],
    ['<workbook><bookViews/></workbook>', false],
  ])('%s → %s', (xml, expected) => {
    expect(date1904In(xml)).toBe(expected);
  });

  it('reads a LibreOffice workbook in the 1904 system on the day its sheet shows', async () => {
    const path = calcFile(true);
    expect(await workbookDate1904(path, 'classeur.xlsx')).toBe(true);
    expect(await values(path)).toEqual([['2020-04-01 10:00']]);
  });

  it('reads the same number in a 1900 workbook four years and a day earlier, as Excel shows it', async () => {
    expect(await values(calcFile(false))).toEqual([['2016-03-31 10:00']]);
  });

  it('does not move the dates of an Excel workbook in the 1904 system twice', async () => {
    const wb = new ExcelJS.Workbook();
    wb.properties.date1904 = true;
    wb.addWorksheet('Feuille1').addRows([['date'], [new Date(Date.UTC(2020, 3, 1, 10))]]);
    const path = join(tempDir(), 'excel.xlsx');
    await wb.xlsx.writeFile(path);
    expect(await values(path)).toEqual([['2020-04-01 10:00']]);
  });
});
