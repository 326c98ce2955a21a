import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';

/** Volunteer sign-up exports as the platform and the ARS office make them. */
const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';

describe('sign-up dates that are not dates', () => {
  it('a time of 25:00 or 23:99 is rejected with its line, as 31/04/2020 is, not counted', async () => {
    const dir = sampleCampaign();
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(file, [HEADER, 'B1;2020-04-01 25:00;45;45000;Infirmier;soignant;inscrit', 'B2;2020-04-01 23:99;45;45000;Infirmier;soignant;inscrit', 'B3;31/04/2020 10:00;45;45000;Infirmier;soignant;inscrit', 'B4;2020-04-01 10:00;45;45000;Infirmier;soignant;inscrit'].join('\n') + '\n');
    const { json } = await relaisJson<{ total: number; rejetes: number }>(['-C', dir, 'track', file]);
    // Today: B1 and B2 are counted as sign-ups of 1 April (anything after the day is ignored).
    expect(json).toMatchObject({ total: 1, rejetes: 3 });
  });
});

describe('a sign-up export saved from Excel (.xlsx)', () => {
  it('is read, or named as an Excel workbook — not "octets nuls (encodage lu : Windows-1252)"', async () => {
    const dir = sampleCampaign();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Export');
    ws.addRow(HEADER.split(';'));
    ws.addRow(['X1', new Date(Date.UTC(2020, 2, 26, 7, 5)), '45', '45000', 'Infirmier', 'soignant', 'inscrit']);
    const file = join(tempDir(), 'inscriptions.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await relais(['-C', dir, 'track', file]);
    const said = `${r.stdout}\n${r.stderr}`;
    // The town-hall list and the RNE are read from .xlsx; this file is called a binary with an
    // encoding, which tells an agent nothing about what to do.
    expect(said).not.toContain('octets nuls');
    if (r.code !== 0) expect(said).toMatch(/Excel|classeur|xlsx/i);
  });
});
