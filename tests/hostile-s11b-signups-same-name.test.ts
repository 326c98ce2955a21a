import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { requireCampaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { readSignups } from '../src/tracker/signups.js';
import { sampleCampaign } from './helpers/campaign.js';

/**
 * settleDuplicates (src/campaign/sources.ts) leaves two visible columns of the same name in
 * `columns.duplicates` — « nothing says which is right » — for the caller to refuse. The town-hall
 * and mayors' readers do (openSource: « colonne en double »); readSignups (src/tracker/signups.ts)
 * calls settleDuplicates and never looks at what it left: two visible « departement » columns (the
 * volunteer's home and the one where they will work, both named so by an ARS's re-export) are read
 * by the first, silently, and every volunteer is counted in that column's département — the
 * figure the letters and the run's table give per département.
 */
describe('a sign-up workbook with two visible « departement » columns (and an old column hidden)', () => {
  it('is refused, or at least the duplicate is said, as in the town halls’ list', async () => {
    const dir = sampleCampaign();
    const campaign = await requireCampaign(dir);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Inscriptions');
    ws.addRow(['id', 'date', 'ancien_statut', 'departement', 'metier', 'departement']);
    ws.addRow(['V1', '2020-03-26', 'x', '45', 'Infirmière', '37']);
    ws.addRow(['V2', '2020-03-26', 'x', '45', 'Aide-soignante', '37']);
    // Last year's column, hidden: the workbook has hidden columns, so settleDuplicates runs.
    ws.getColumn(3).hidden = true;
    const path = join(dir, 'inscriptions-doubles.xlsx');
    await wb.xlsx.writeFile(path);
    const r = await readSignups(campaign, { fichiers: [path], colonnes: {} }, communeReference());
    const said = r.problems.items.filter((p) => /double|plusieurs colonnes/.test(p.message));
    // Now: nothing; column 4 read, both volunteers counted in the Loiret.
    expect(said.map((p) => p.message)).toEqual([expect.stringContaining('departement')]);
  });
});
