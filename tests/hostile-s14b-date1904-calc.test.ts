import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';
import { calcWorkbook, type RawCell } from './helpers/raw-xlsx.js';

/**
 * A sign-up export kept on a Mac (dates counted from 1 January 1904), then opened and saved in
 * LibreOffice Calc at the préfecture: Calc keeps the 1904 system and writes it
 * `<workbookPr … date1904="true"/>`, spelling the boolean as it spells all of them (« false » in
 * every other Calc file). exceljs (node_modules/exceljs/lib/xlsx/xform/book/workbook-properties-xform.js)
 * recognises only `date1904="1"`, Excel's spelling, so every date cell is read in the 1900 system:
 * four years and a day early. `relais track` then counts the volunteers who signed up on 1, 2 and
 * 3 April 2020 as signed up on 31 March, 1 and 2 April 2016 — exit 0, no word — and the daily
 * figures and cumulative curve (and the « à ce jour » of the letters) are wrong. The user expects
 * the dates shown in the sheet: 2020-04-01, 2020-04-02, 2020-04-03.
 */
const HEADER: RawCell[] = ['id', 'date_inscription', 'departement', 'code_postal', 'metier', 'categorie', 'statut'];
/** 1 April 2020 10:00 in the 1904 date system (43922 in the 1900 system, less 1462 days). */
const APRIL_1 = 42460 + 10 / 24;

describe('a sign-up workbook saved by LibreOffice Calc in the 1904 date system', () => {
  it('reads each sign-up on the day the sheet shows, not four years earlier', async () => {
    const file = join(tempDir(), 'inscriptions.xlsx');
    const row = (id: string, day: number, dep: string, cp: string): RawCell[] => [id, { n: APRIL_1 + day, s: 1 }, dep, cp, 'Infirmier', 'soignant', 'inscrit'];
    writeFileSync(file, calcWorkbook([{ name: 'Feuille1', rows: [HEADER, row('A1', 0, '45', '45000'), row('A2', 1, '37', '37000'), row('A3', 2, '18', '18000')] }], { date1904: true }));
    const { json, stderr } = await relaisJson<{ total: number; jours: Array<{ date: string }> }>(['-C', sampleCampaign(), 'track', file]);
    expect(json.total, stderr).toBe(3);
    // Today: ["2016-03-31", "2016-04-01", "2016-04-02"].
    expect(json.jours.map((j) => j.date)).toEqual(['2020-04-01', '2020-04-02', '2020-04-03']);
  });
});
