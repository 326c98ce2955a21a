import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireCampaign, type Campaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { readSignups } from '../src/tracker/signups.js';
import { sampleCampaign } from './helpers/campaign.js';

/**
 * The mayors' file and the town-hall list now read the visible one of two same-name columns
 * (one hidden in Excel) and say so. The sign-up export read from a workbook does neither: its
 * reader (src/tracker/fast-csv.ts openWorkbook, then the column match in src/tracker/signups.ts)
 * ignores `hiddenColumns` and reads the first « departement », the hidden one kept from a
 * previous sort, without a word: every volunteer is counted in the wrong département.
 */
const ref = communeReference();
let dir: string;
let campaign: Campaign;
beforeAll(async () => {
  dir = sampleCampaign();
  campaign = await requireCampaign(dir);
});

describe('a sign-up workbook with an old « departement » column hidden beside the current one', () => {
  it('counts each volunteer in the département of the visible column, as the mayors\' and town halls\' files do', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Inscriptions');
    ws.addRow(['id', 'date_inscription', 'departement', 'departement', 'metier']);
    ws.addRow(['V1', '2020-03-26', '18', '45', 'Infirmier']);
    ws.addRow(['V2', '2020-03-26', '18', '37', 'Médecin']);
    ws.getColumn(3).hidden = true;
    const path = join(dir, 'inscriptions.xlsx');
    await wb.xlsx.writeFile(path);
    const r = await readSignups(campaign, { fichiers: [path], colonnes: {} }, ref);
    const deps = Array.from(r.records.dep.subarray(0, r.records.size), (d) => r.records.names.dep[d]).sort();
    // Now: ['18', '18'] (the hidden column), and no problem said at all.
    expect(deps, r.problems.items.map((p) => p.message).join('\n') || 'rien de dit').toEqual(['37', '45']);
  });
});
