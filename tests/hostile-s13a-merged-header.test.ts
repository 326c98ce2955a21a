import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/**
 * The town-hall list as a préfecture makes it in Excel: a title row, then a header on two rows
 * whose « Adresse » cell is merged over its three sub-columns (« Voie », « Code postal »,
 * « Ville »), the other headers merged down over both rows. Excel shows ONE « Adresse » cell.
 * relais reads the merged cell's value in each of the three columns, takes the first header row
 * and refuses the whole list: « colonne « Adresse » en double (colonnes 3 et 4 et 5) » — a
 * duplicate the agent cannot see, and no town hall gets its email. A user expects the two-row
 * header to be read by its sub-headers (Voie, Code postal, Ville), as Excel shows it — or at the
 * very least to be told that the header is on two rows with merged cells, not « en double ».
 */
function prefectureList(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Mairies');
  ws.mergeCells('A1:F1');
  ws.getCell('A1').value = 'Liste des mairies du Loiret — mise à jour janvier 2026';
  ws.getCell('A2').value = 'Code INSEE';
  ws.mergeCells('A2:A3');
  ws.getCell('B2').value = 'Commune';
  ws.mergeCells('B2:B3');
  ws.getCell('C2').value = 'Adresse';
  ws.mergeCells('C2:E2');
  ws.getCell('C3').value = 'Voie';
  ws.getCell('D3').value = 'Code postal';
  ws.getCell('E3').value = 'Ville';
  ws.getCell('F2').value = 'Courriel';
  ws.mergeCells('F2:F3');
  ws.getRow(4).values = ['45001', 'Adon', '1 place de la Mairie', '45230', 'ADON', 'mairie@adon.example'];
  return wb;
}

describe('a préfecture list whose header is on two rows, « Adresse » merged over its sub-columns', () => {
  it('is read by its sub-headers: no « colonne en double » that Excel shows as one merged cell, and Adon gets its email', async () => {
    const dir = await campaignWithWorkbook('mairies', prefectureList());
    const { found, recipient } = await joinedDepartement(dir);
    const said = found.errors.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n');
    // Now: « data/mairies.xlsx:2: fichier des mairies : colonne « Adresse » en double (colonnes 3 et 4 et 5) ».
    expect(said).not.toMatch(/en double/);
    expect(recipient('45001')?.contact?.courriel).toBe('mairie@adon.example');
  });
});
