import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openTable, type CellNote, type TableRow } from '../src/data/table.js';
import { cellText } from '../src/data/xlsx.js';
import { tempDir } from './helpers/campaign.js';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/**
 * A town-hall list exported from Excel: a cell whose text is an address and whose mailto: link
 * goes to another (the text was typed over, the link kept, or the reverse). relais mails the
 * address shown, and says so, with the other one, the file, the line and the column.
 */
async function rowsOf(path: string): Promise<TableRow[]> {
  const table = await openTable(path);
  const rows: TableRow[] = [];
  for await (const r of table.rows) rows.push(r);
  return rows;
}

describe('the workbook reader tells a mailto: link that disagrees with its shown address', () => {
  it('notes the cell (column, shown, target) and nothing for a link that agrees or a label', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['code_insee_commune', 'adresse_courriel', 'nom_commune']);
    ws.addRow(['45001', { text: 'secretariat@adon.example', hyperlink: 'mailto:mairie.adon@wanadoo.example?subject=Bonjour' }, 'Adon']);
    ws.addRow(['45002', { text: 'Mairie@Aillant.example', hyperlink: 'mailto:mairie@aillant.example' }, 'Aillant']);
    ws.addRow(['45003', { text: 'Écrire à la mairie', hyperlink: 'mailto:mairie@amilly.example' }, 'Amilly']);
    ws.addRow(['45004', { text: 'nouvelle@andonville.example', hyperlink: 'mailto:ancienne%40andonville.example' }, 'Andonville']);
    const path = join(tempDir(), 'mairies.xlsx');
    await wb.xlsx.writeFile(path);
    const rows = await rowsOf(path);
    expect(rows.map((r) => r.values[1])).toEqual(['secretariat@adon.example', 'Mairie@Aillant.example', 'mairie@amilly.example', 'nouvelle@andonville.example']);
    expect(rows.map((r) => r.notes)).toEqual([
      [{ kind: 'lien', column: 1, shown: 'secretariat@adon.example', target: 'mairie.adon@wanadoo.example' }],
      undefined,
      undefined,
      [{ kind: 'lien', column: 1, shown: 'nouvelle@andonville.example', target: 'ancienne@andonville.example' }],
    ]);
  });

  it('reads a link whose text is rich text (part of it in bold) the same way', () => {
    const notes: CellNote[] = [];
    const value = { text: { richText: [{ text: 'nouvelle@' }, { font: { bold: true }, text: 'andonville.example' }] }, hyperlink: 'mailto:ancienne@andonville.example' };
    expect(cellText(value, 4, notes)).toBe('nouvelle@andonville.example');
    expect(notes).toEqual([{ kind: 'lien', column: 4, shown: 'nouvelle@andonville.example', target: 'ancienne@andonville.example' }]);
    // Without a place to tell it, the reader reads as before.
    expect(cellText(value)).toBe('nouvelle@andonville.example');
  });

  it('warns the preparer with the file, the line, the column, both addresses and the one used', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune', 'site']);
    ws.addRow(['45001', { text: 'secretariat@adon.example', hyperlink: 'mailto:mairie.adon@wanadoo.example' }, '1 place de la Mairie', '45230', 'Adon', { text: 'a@b.example', hyperlink: 'mailto:c@d.example' }]);
    const { found, recipient } = await joinedDepartement(await campaignWithWorkbook('mairies', wb));
    expect(recipient('45001')?.contact?.courriel).toBe('secretariat@adon.example');
    const told = found.warnings.filter((p) => p.kind === 'lien-courriel');
    // The « site » column is not read: its link is no news.
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ file: 'data/mairies.xlsx', line: 2, field: 'adresse_courriel' });
    expect(told[0]!.message).toBe(
      "fichier des mairies : la cellule « adresse_courriel » (colonne 2) montre l'adresse secretariat@adon.example, mais son lien mène à mairie.adon@wanadoo.example : relais utilise secretariat@adon.example, l'adresse affichée ; vérifiez laquelle est la bonne, puis corrigez le texte ou le lien (clic droit, « Modifier le lien hypertexte ») pour qu'ils disent la même",
    );
  });
});
