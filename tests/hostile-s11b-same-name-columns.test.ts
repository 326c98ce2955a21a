import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/**
 * settleDuplicates (src/campaign/sources.ts) looks for the fields that read a same-name pair in
 * `columns.indexes` only. When the first column for the field is another name hidden in Excel
 * (last year's « Adresse mail » / « CP »), the field's index points there, no field « reads » the
 * pair, and the pair is dropped from the duplicates — then the town-hall list's email rule (or
 * preferVisibleColumns) takes the first visible column: the first of two visible « Courriel ».
 * That is the case commit b64fd80 says stays refused (« Two visible columns of the same name stay
 * refused, whatever other column reads the same field »).
 */
async function townHalls(header: string[], row: string[], hidden: number[]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Mairies');
  ws.addRow(header);
  ws.addRow(row);
  for (const c of hidden) ws.getColumn(c).hidden = true;
  const dir = await campaignWithWorkbook('mairies', wb);
  const { joined, found } = await joinedDepartement(dir);
  const said = found.items.filter((p) => p.file === 'data/mairies.xlsx' && p.kind !== 'sans-courriel');
  const recipient = joined.recipients.find((r) => r.commune.code === '45001');
  return { courriel: recipient?.contact?.courriel, said };
}

describe('two visible same-name columns behind a hidden column of another name for the field', () => {
  it('refuses two visible « Courriel » when a hidden « Adresse mail » comes first', async () => {
    const header = ['code_insee_commune', 'Adresse mail', 'Courriel', 'Courriel', 'numero_voie', 'code_postal', 'nom_commune'];
    const row = ['45001', 'ancienne@adon.example', 'mairie2019@adon.example', 'mairie@adon.example', '1 place de la Mairie', '45230', 'Adon'];
    const { courriel, said } = await townHalls(header, row, [2]);
    // Now: no « colonne en double »; the first visible « Courriel » (last year's, column 3) is mailed.
    expect(said.filter((p) => p.kind === 'colonne-en-double').map((p) => p.message)).toEqual([expect.stringContaining('Courriel')]);
    expect(courriel).toBeUndefined();
  });

  it('refuses two visible « Code postal » when a hidden « CP » comes first', async () => {
    const header = ['code_insee_commune', 'courriel', 'numero_voie', 'CP', 'code_postal', 'code_postal', 'nom_commune'];
    const row = ['45001', 'mairie@adon.example', '1 place de la Mairie', '45000', '45230', '45999', 'Adon'];
    const { said } = await townHalls(header, row, [4]);
    // Now: the first visible « code_postal » (column 5) is read, the other one not, with a warning only.
    expect(said.filter((p) => p.kind === 'colonne-en-double').length).toBe(1);
  });
});

describe('the mayors’ file: two visible « Nom de l’élu » behind last year’s « Nom », hidden', () => {
  it('refuses the two visible « Nom de l’élu » instead of printing the first on the letter', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Maires');
    ws.addRow(['Code du département', 'Code de la commune', 'Libellé de la commune', 'Nom', "Nom de l'élu", "Nom de l'élu", "Prénom de l'élu", 'Code sexe']);
    ws.addRow(['45', '45001', 'Adon', 'ANCIEN', 'SORTANT', 'NOUVELLE', 'Marie', 'F']);
    ws.getColumn(4).hidden = true;
    const dir = await campaignWithWorkbook('maires', wb);
    const { joined, found } = await joinedDepartement(dir);
    const said = found.items.filter((p) => p.file === 'data/maires.xlsx');
    // Now: « Nom de l'élu » (colonne 5) est utilisée … ; the letter reads « Madame SORTANT ».
    expect(said.filter((p) => p.kind === 'colonne-en-double').length).toBe(1);
    expect(joined.recipients.find((r) => r.commune.code === '45001')?.maire?.nom).not.toBe('SORTANT');
  });
});
