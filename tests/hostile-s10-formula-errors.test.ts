import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWith } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * A town-hall workbook whose columns are lookups into another sheet (RECHERCHEV / VLOOKUP), as
 * offices build them: a town hall missing from the other sheet shows « #N/A », a deleted row
 * « #REF! ». src/data/xlsx.ts (cellText) reads the cached `{ error: '#N/A' }` result as an empty
 * cell: check says « mairie sans adresse électronique » and « code INSEE vide », while the cell the
 * user opens shows a formula error — the message sends them looking for a blank that is not there.
 */
interface Problem {
  message: string;
  file?: string;
  line?: number;
}

describe('lookup formulas that failed in a town-hall workbook', () => {
  it('are named as the formula errors they are (« #N/A », « #REF! »), not as an empty address and an empty code', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune']);
    ws.addRow(['45001', { formula: 'VLOOKUP(A2,Annuaire!A:B,2,FALSE)', result: { error: '#N/A' } }, '1 place de la Mairie', '45230', 'Adon']);
    ws.addRow([{ formula: 'Annuaire!A3', result: { error: '#REF!' } }, 'mairie@aillant.example', '2 rue Haute', '45230', 'Aillant-sur-Milleron']);
    const dir = campaignWith({});
    await wb.xlsx.writeFile(join(dir, 'data', 'mairies.xlsx'));
    const yaml = join(dir, 'campagne.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^ {2}mairies: .*$/m, '  mairies: data/mairies.xlsx'));
    const { json } = await relaisJson<{ errors: Problem[]; warnings: Problem[] }>(['-C', dir, 'check']);
    const at = (line: number) => [...json.errors, ...json.warnings].filter((p) => p.file === 'data/mairies.xlsx' && p.line === line).map((p) => p.message).join('\n');
    // It says « Adon (45001) : mairie sans adresse électronique, la lettre partira par courrier »
    // and « fichier des mairies : code INSEE vide ».
    expect(at(2)).toContain('#N/A');
    expect(at(3)).toContain('#REF!');
  });
});
