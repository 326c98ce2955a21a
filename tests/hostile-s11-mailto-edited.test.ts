import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/**
 * Excel makes a mailto: link of an address typed in a cell, and leaves the link as it was when the
 * text is edited later. The cell below was « ancienne@wanadoo.example » last year; this year the
 * agent typed over it the town hall's two addresses, or « Mairie : » before the new one. What the
 * cell shows is not one bare address, so relais (cellText, src/data/xlsx.ts) takes the link's
 * target — last year's address, shown nowhere in the file — and says nothing. Linked to the first
 * of the two addresses shown, the second is dropped without the word said for the same cell
 * without its link (courriels-multiples).
 */
async function townHall(cell: ExcelJS.CellValue) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Mairies');
  ws.addRow(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune']);
  ws.addRow(['45001', cell, '1 place de la Mairie', '45230', 'Adon']);
  const dir = await campaignWithWorkbook('mairies', wb);
  const { joined, found } = await joinedDepartement(dir);
  const adon = joined.recipients.find((r) => r.commune.code === '45001');
  const said = [...found.errors, ...found.warnings].filter((p) => p.file === 'data/mairies.xlsx' && p.line === 2);
  return { courriel: adon?.contact?.courriel, said };
}

describe('a mailto: link left over from last year under a cell edited since', () => {
  it('a cell showing two addresses does not mail the stale link target that the cell no longer shows', async () => {
    const { courriel, said } = await townHall({ text: 'mairie@adon.example ; secretariat@adon.example', hyperlink: 'mailto:ancienne@wanadoo.example' });
    // Now: courriel « ancienne@wanadoo.example », and not a word on line 2.
    expect(courriel).not.toBe('ancienne@wanadoo.example');
    expect(said.map((p) => p.message).join('\n')).toContain('ancienne@wanadoo.example');
  });

  it('a cell showing « Mairie : » and the new address does not mail the stale link target', async () => {
    const { courriel, said } = await townHall({ text: 'Mairie : mairie@adon.example', hyperlink: 'mailto:ancienne@wanadoo.example' });
    expect(courriel).not.toBe('ancienne@wanadoo.example');
    expect(said.map((p) => p.message).join('\n')).toContain('ancienne@wanadoo.example');
  });

  it('a cell showing two addresses, linked to the first (as Excel links what was typed first), says the second is not used, as without a link', async () => {
    const plain = await townHall('mairie@adon.example ; secretariat@adon.example');
    const linked = await townHall({ text: 'mairie@adon.example ; secretariat@adon.example', hyperlink: 'mailto:mairie@adon.example' });
    // Without the link: « courriels-multiples … « secretariat@adon.example » ne l'est pas ». With it: nothing.
    expect(plain.said.map((p) => p.message).join('\n')).toContain('secretariat@adon.example');
    expect(linked.courriel).toBe('mairie@adon.example');
    expect(linked.said.map((p) => p.message).join('\n')).toContain('secretariat@adon.example');
  });
});
