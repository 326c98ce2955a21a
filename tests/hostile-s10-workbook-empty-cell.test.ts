import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';

/**
 * A sign-up export kept in Excel where one volunteer left a field blank. Excel writes no cell at
 * all for a blank: exceljs' `row.values` is then a sparse array. src/data/xlsx.ts maps it with
 * `.map(cellText)` (holes stay holes) and src/tracker/fast-csv.ts (openWorkbook) hands each value
 * to `Buffer.from`, then `Buffer.concat` meets `undefined`: a TypeError that main.ts can only call
 * « erreur inattendue ». `check` reads the sign-ups too, so the whole campaign stops there.
 */
const SIGNUPS = ['id', 'date_inscription', 'departement', 'code_postal', 'metier', 'categorie', 'statut'];

async function workbookWithABlank(): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Export');
  ws.addRow(SIGNUPS);
  ws.addRow(['W1', '26/03/2020', '37', '37000', 'Infirmier', 'soignant', 'inscrit']);
  // No postal code typed: no cell D3 in the file, as Excel saves it.
  ws.addRow(['W2', '26/03/2020', '45', null, 'Médecin', 'soignant', 'inscrit']);
  const file = join(tempDir(), 'inscriptions.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

describe('a sign-up workbook with one blank cell inside a row', () => {
  it('track counts both volunteers, instead of « erreur inattendue : The "list[3]" argument must be an instance of Buffer »', async () => {
    const file = await workbookWithABlank();
    const r = await relaisJson<{ total?: number }>(['-C', sampleCampaign(), 'track', file]);
    // It says « relais : erreur inattendue : The "list[3]" argument must be an instance of Buffer or
    // Uint8Array. Received undefined » and exits 1.
    expect(r.stderr).not.toContain('erreur inattendue');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.total).toBe(2);
  });

  it('check reads it as a campaign source, and does not stop on « erreur inattendue »', async () => {
    const dir = sampleCampaign();
    const file = await workbookWithABlank();
    copyFileSync(file, join(dir, 'data', 'inscriptions.xlsx'));
    const yaml = join(dir, 'campagne.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^ {4}- data\/inscriptions\.csv$/m, '    - data/inscriptions.xlsx'));
    const r = await relais(['-C', dir, 'check']);
    expect(`${r.stdout}${r.stderr}`).not.toContain('erreur inattendue');
    expect(r.stdout + r.stderr).toMatch(/inscriptions\.xlsx/);
  });
});
