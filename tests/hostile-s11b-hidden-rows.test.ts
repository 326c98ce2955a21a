import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/**
 * The habit the hidden columns and hidden sheets were fixed for (last year's kept out of sight),
 * one level down: last year's row of a town hall hidden in Excel (clic droit, « Masquer »), this
 * year's typed below it. readXlsx (src/data/xlsx.ts) knows hidden columns and hidden sheets but
 * not hidden rows: the list is refused with « Adon (45001) apparaît deux fois (déjà ligne 2) »,
 * and the user, who sees one Adon row and no line 2, is not told that line 2 is hidden.
 */
describe('a town hall’s row of last year hidden in Excel, this year’s below it', () => {
  it('says the other row is hidden in Excel', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['code_insee_commune', 'courriel', 'numero_voie', 'code_postal', 'nom_commune']);
    ws.addRow(['45001', 'ancienne@adon.example', '1 place de la Mairie', '45230', 'Adon']);
    ws.addRow(['45001', 'mairie@adon.example', '1 place de la Mairie', '45230', 'Adon']);
    ws.getRow(2).hidden = true;
    const dir = await campaignWithWorkbook('mairies', wb);
    const { found } = await joinedDepartement(dir);
    const said = found.items.filter((p) => p.file === 'data/mairies.xlsx' && p.message.includes('45001'));
    expect(said.length).toBeGreaterThan(0);
    // Now: « fichier des mairies : Adon (45001) apparaît deux fois (déjà ligne 2) », line 2 hidden.
    expect(said.map((p) => p.message).join('\n')).toContain('masquée');
  });
});
