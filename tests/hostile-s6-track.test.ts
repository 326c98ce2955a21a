import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/** Volunteer sign-up exports as the platform and the ARS office make them. */
const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';

describe('sign-up dates that are not dates', () => {
  it('a time of 25:00 or 23:99 is rejected with its line, as 31/04/2020 is, not counted', async () => {
    const dir = sampleCampaign();
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(file, [HEADER, 'B1;2020-04-01 25:00;45;45000;Infirmier;soignant;inscrit', 'B2;2020-04-01 23:99;45;45000;Infirmier;soignant;inscrit', 'B3;31/04/2020 10:00;45;45000;Infirmier;soignant;inscrit', 'B4;2020-04-01 10:00;45;45000;Infirmier;soignant;inscrit'].join('\n') + '\n');
    const { json } = await relaisJson<{ total: number; rejetes: number }>(['-C', dir, 'track', file]);
    // It used to say: B1 and B2 are counted as sign-ups of 1 April (anything after the day is ignored).
    expect(json).toMatchObject({ total: 1, rejetes: 3 });
  });
});

describe('a sign-up export saved from Excel (.xlsx)', () => {
  it('is read as a workbook, its date cells as dates, its bad rows rejected — not "octets nuls (encodage lu : Windows-1252)"', async () => {
    const dir = sampleCampaign();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Export');
    ws.addRow(HEADER.split(';'));
    ws.addRow(['X1', new Date(Date.UTC(2020, 2, 26, 7, 5)), '45', '45000', 'Infirmier', 'soignant', 'inscrit']);
    ws.addRow(['X2', new Date(Date.UTC(2020, 2, 27, 25, 0)), '45', '45000', 'Infirmier', 'soignant', 'inscrit']);
    ws.addRow(['X3', '31/04/2020', '45', '45000', 'Infirmier', 'soignant', 'inscrit']);
    const file = join(tempDir(), 'inscriptions.xlsx');
    await wb.xlsx.writeFile(file);
    // Read like the town-hall list and the RNE: a workbook, its date cells as dates, its bad rows
    // named by their line in the sheet.
    const { code, json } = await relaisJson<{ total: number; rejetes: number; jours: Array<{ date: string; inscrits: number }>; fichiers: Array<{ lues: number; rejetees: number }> }>(['-C', dir, 'track', file]);
    expect(code).toBe(0);
    expect(json).toMatchObject({ total: 2, rejetes: 1 });
    expect(json.jours.filter((d) => d.inscrits > 0).map((d) => d.date)).toEqual(['2020-03-26', '2020-03-28']);
  });
});

describe('a sign-up whose département code is not one', () => {
  it('« 20 » (Corsica before 1976) is found by its postal code; a row with no place at all says so', async () => {
    const dir = sampleCampaign();
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(file, [HEADER, 'C1;2020-04-01 10:00;20;20000;Infirmier;soignant;inscrit', 'C2;2020-04-01 10:00;45;45000;Infirmier;soignant;inscrit', 'C3;2020-04-01 10:00;;;Infirmier;soignant;inscrit'].join('\n') + '\n');
    const { json, stderr } = await relaisJson<{ total: number; rejetes: number; horsRegion: number }>(['-C', dir, 'track', file]);
    // Ajaccio (2A) is outside the Centre-Val de Loire: counted apart, not rejected.
    expect(json).toMatchObject({ total: 1, horsRegion: 1, rejetes: 1 });
    expect(stderr).toContain('inscription rejetée : ni département, ni code postal, ni code INSEE');
  });
});


describe('a platform that exports its times in UTC', () => {
  it('counts a sign-up of 23:30 UTC on the next day in Paris, the day the volunteer signed up there', async () => {
    const dir = sampleCampaign();
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(file, [HEADER, 'Z1;2020-03-26T23:30:00Z;45;45000;Infirmier;soignant;inscrit', 'Z2;2020-03-26T22:30:00Z;45;45000;Infirmier;soignant;inscrit', 'Z3;2020-03-26T23:30:00+01:00;45;45000;Infirmier;soignant;inscrit'].join('\r\n') + '\r\n');
    const { json } = await relaisJson<{ total: number; jours: Array<{ date: string; inscrits: number }> }>(['-C', dir, 'track', file]);
    // It used to count all three on 26 March (the date as written in UTC).
    expect(json.total).toBe(3);
    expect(json.jours.filter((d) => d.inscrits > 0)).toEqual([expect.objectContaining({ date: '2020-03-26', inscrits: 2 }), expect.objectContaining({ date: '2020-03-27', inscrits: 1 })]);
  });
});
