import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/**
 * A town-hall list typed by hand: « mairie @adon.example », a space slipped in before the « @ ».
 * relais splits the cell at the space and says « adresse électronique « mairie ; @adon.example »
 * mal formée » — it quotes a « ; » that is nowhere in the cell. The agent searches the file for
 * « mairie ; » and finds nothing. A user expects the message to quote the cell as it is written
 * (« mairie @adon.example »), so that it can be found and corrected.
 */
async function warningsFor(cell: string) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Mairies');
  ws.addRow(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune']);
  ws.addRow(['45001', cell, '1 place de la Mairie', '45230', 'Adon']);
  const dir = await campaignWithWorkbook('mairies', wb);
  const { found } = await joinedDepartement(dir);
  return [...found.errors, ...found.warnings].filter((p) => p.file === 'data/mairies.xlsx' && p.line === 2).map((p) => p.message).join('\n');
}

describe('an email typed with a space before the @', () => {
  it('is quoted as written, not with a « ; » the cell does not contain', async () => {
    const said = await warningsFor('mairie @adon.example');
    // Now: « adresse électronique « mairie ; @adon.example » mal formée (Adon) ».
    expect(said).toContain('mairie @adon.example');
    expect(said).not.toContain('mairie ; @adon.example');
  });
});
