import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * The CSV case is handled (« 1,23457E+11 » rejected with the id and what to do). The same export
 * opened in Excel and saved as a workbook (.xlsx): Excel keeps 15 significant digits of a number,
 * so two volunteers with the 16-digit ids 2020032612345671 and 2020032612345672 are both stored
 * as the number 2020032612345670. src/data/xlsx.ts reads the number as « 2020032612345670 », no
 * « E+ » in it, so src/tracker/signups.ts excelScientific() never fires, and the two are merged as
 * « 1 doublon retiré » without a word — the very failure the CSV rule was written against. A
 * number cell of 16 digits or more in the id column can only be one Excel cut short.
 */
describe('ids Excel cut to 15 digits in a sign-up workbook', () => {
  it('does not merge two volunteers whose 16-digit ids Excel stored as the same number', async () => {
    const file = join(tempDir(), 'inscriptions.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Export');
    ws.addRow(['id', 'date_inscription', 'departement', 'code_postal', 'metier', 'categorie', 'statut']);
    // What Excel keeps of 2020032612345671 and 2020032612345672.
    ws.addRow([2020032612345670, '26/03/2020 10:00', 45, 45000, 'Infirmier', 'soignant', 'inscrit']);
    ws.addRow([2020032612345670, '26/03/2020 10:07', 45, 45100, 'Médecin', 'soignant', 'inscrit']);
    await wb.xlsx.writeFile(file);
    const { json, stderr } = await relaisJson<{ total: number; doublons: number }>(['-C', sampleCampaign(), 'track', file]);
    // It says « 1 volontaire dans la région ; 1 doublon retiré, 0 ligne rejetée … ».
    // Named as Excel shows such a number, in scientific notation (a text cell keeps its digits).
    const named = /inscriptions\.xlsx:[23]: .*(2020032612345670|2\.02003261234567E\+15)/.test(stderr);
    expect(json.total === 2 || named, `total ${json.total}, doublons ${json.doublons}\n${stderr}`).toBe(true);
  });
});
