import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { twoRowHeader } from '../src/data/header-rows.js';
import { isContactHeader } from '../src/data/contacts.js';
import { openTable } from '../src/data/table.js';
import { campaignWith, tempDir } from './helpers/campaign.js';
import { joinedDepartement } from './helpers/workbook.js';

/** A header on two rows (a group name over its columns' names), and the data rows never taken for one. */
async function readAll(path: string) {
  const table = await openTable(path, { isHeader: isContactHeader });
  const rows = [];
  for await (const row of table.rows) rows.push(row);
  return { table, rows };
}

describe('twoRowHeader', () => {
  it('reads a group by the names under it, the other names from the upper row', () => {
    expect(twoRowHeader(['Code INSEE', 'Commune', 'Adresse', '', '', 'Courriel'], ['', '', 'Voie', 'Code postal', 'Ville', ''])).toEqual({
      names: ['Code INSEE', 'Commune', 'Voie', 'Code postal', 'Ville', 'Courriel'],
      groups: [{ name: 'Adresse', under: ['Voie', 'Code postal', 'Ville'] }],
    });
  });

  it('never takes a data row for sub-headers: it has a value under a name alone', () => {
    // « Adresse » over three columns of the data, with no sub-header row (one merged title cell).
    expect(twoRowHeader(['Code INSEE', 'Commune', 'Adresse', '', '', 'Courriel'], ['45001', 'Adon', '1 place de la Mairie', '45230', 'ADON', 'mairie@adon.example'])).toBeUndefined();
    // A header with empty columns at its end, and a row of data.
    expect(twoRowHeader(['code_insee_commune', 'adresse_courriel', '', ''], ['45001', 'mairie@adon.example', 'x', 'y'])).toBeUndefined();
    // A group only partly named below: no reading is sure.
    expect(twoRowHeader(['Code INSEE', 'Adresse', '', ''], ['', 'Voie', '', 'Ville'])).toBeUndefined();
    // A row whose code and email are blank: its values under a group are data, not names.
    expect(twoRowHeader(['Code INSEE', 'Courriel', 'Adresse', ''], ['', '', '1 place de la Mairie', '45230'])).toBeUndefined();
    // Nothing grouped: no second header row.
    expect(twoRowHeader(['Code INSEE', 'Courriel'], ['', ''])).toBeUndefined();
  });
});

describe('a two-row header in a file', () => {
  it('of a CSV saved from Excel: read by its sub-headers, the data after its second line', async () => {
    const path = join(tempDir(), 'mairies.csv');
    writeFileSync(path, 'Liste des mairies;;;;;\nCode INSEE;Commune;Adresse;;;Courriel\n;;Voie;Code postal;Ville;\n45001;Adon;1 place de la Mairie;45230;ADON;mairie@adon.example\n');
    const { table, rows } = await readAll(path);
    expect(table.header).toEqual(['Code INSEE', 'Commune', 'Voie', 'Code postal', 'Ville', 'Courriel']);
    expect(table.headerLine).toBe(3);
    expect(table.twoRowHeader).toMatchObject({ lines: [2, 3], groups: [{ name: 'Adresse', under: ['Voie', 'Code postal', 'Ville'] }] });
    expect(rows.map((r) => r.line)).toEqual([4]);
  });

  it('of a CSV whose second line is data: one header line, the data row kept', async () => {
    const path = join(tempDir(), 'mairies.csv');
    writeFileSync(path, 'Code INSEE;Commune;Adresse;;;Courriel\n45001;Adon;1 place de la Mairie;45230;ADON;mairie@adon.example\n');
    const { table, rows } = await readAll(path);
    expect(table.headerLine).toBe(1);
    expect(table.twoRowHeader).toBeUndefined();
    expect(rows.map((r) => r.line)).toEqual([2]);
  });

  it('of a workbook whose « Adresse » is merged over the data’s columns, without sub-headers: the row under it is data', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.getRow(1).values = ['Code INSEE', 'Commune', 'Adresse', '', '', 'Courriel'];
    ws.mergeCells('C1:E1');
    ws.getRow(2).values = ['45001', 'Adon', '1 place de la Mairie', '45230', 'ADON', 'mairie@adon.example'];
    const path = join(tempDir(), 'mairies.xlsx');
    await wb.xlsx.writeFile(path);
    const { table, rows } = await readAll(path);
    expect(table.headerLine).toBe(1);
    expect(table.twoRowHeader).toBeUndefined();
    expect(rows.map((r) => r.values[0])).toEqual(['45001']);
  });

  it('of a workbook: « Adresse » merged over its sub-headers, the other names merged down', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.getCell('A1').value = 'Code INSEE';
    ws.mergeCells('A1:A2');
    ws.getCell('B1').value = 'Adresse';
    ws.mergeCells('B1:C1');
    ws.getCell('B2').value = 'Voie';
    ws.getCell('C2').value = 'Code postal';
    ws.getCell('D1').value = 'Courriel';
    ws.mergeCells('D1:D2');
    ws.getRow(3).values = ['45001', '1 place de la Mairie', '45230', 'mairie@adon.example'];
    const path = join(tempDir(), 'mairies.xlsx');
    await wb.xlsx.writeFile(path);
    const { table, rows } = await readAll(path);
    expect(table.header).toEqual(['Code INSEE', 'Voie', 'Code postal', 'Courriel']);
    expect(table.twoRowHeader?.lines).toEqual([1, 2]);
    expect(rows.map((r) => r.line)).toEqual([3]);
  });
});

describe('a town-hall list with a two-row header', () => {
  it('is used, and the user is told once how its groups were read', async () => {
    const dir = campaignWith({ mairies: 'Code INSEE;Adresse;;Courriel\r\n;Voie;Code postal;\r\n45001;1 place de la Mairie;45230;mairie@adon.example\r\n' });
    const { found, recipient } = await joinedDepartement(dir);
    expect(found.errors.filter((p) => p.file === 'data/mairies.csv')).toEqual([]);
    expect(found.warnings.filter((p) => p.kind === 'en-tete-deux-lignes').map((p) => [p.line, p.message])).toEqual([
      [1, 'fichier des mairies : en-tête sur deux lignes (lignes 1 et 2) : « Adresse » lu comme « Voie », « Code postal »'],
    ]);
    expect(recipient('45001')?.contact).toMatchObject({ courriel: 'mairie@adon.example', line: 3 });
  });
});
