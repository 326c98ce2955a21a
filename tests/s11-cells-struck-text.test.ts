import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openTable, type CellNote, type TableRow } from '../src/data/table.js';
import { cellText } from '../src/data/xlsx.js';
import { tempDir } from './helpers/campaign.js';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/**
 * An agent crosses out last year's address in the cell (strikethrough) and types the new one
 * beside it, or crosses out a whole row (last year's mayor). Excel shows the struck text as not
 * to use; the file stores it like the rest, and relais read « old new »: the struck address was
 * the first valid one, so it was mailed; a struck row was a mayor like the others.
 */
const struck = (text: string) => ({ text, font: { strike: true } });

async function campaignWithTownHalls(fill: (ws: ExcelJS.Worksheet) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Mairies');
  ws.addRow(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune']);
  fill(ws);
  return campaignWithWorkbook('mairies', wb);
}

const join45 = (dir: string) => joinedDepartement(dir);

describe('the workbook reader notes struck-through text', () => {
  it('reads the text as stored and notes the struck stretches with what is left', () => {
    const notes: CellNote[] = [];
    expect(cellText({ richText: [struck('mairie.adon@wanadoo.example'), { text: ' mairie@adon.example' }] }, 1, notes)).toBe('mairie.adon@wanadoo.example mairie@adon.example');
    expect(cellText({ richText: [{ text: '1 place ' }, struck('de la '), struck('Poste'), { text: ' de la Mairie' }] }, 3, notes)).toBe('1 place de la Poste de la Mairie');
    expect(cellText({ richText: [{ text: 'sans rien de barré' }, { text: ' ici', font: { bold: true } }] }, 4, notes)).toBe('sans rien de barré ici');
    expect(notes).toEqual([
      { kind: 'barre', column: 1, struck: ['mairie.adon@wanadoo.example'], kept: 'mairie@adon.example' },
      { kind: 'barre', column: 3, struck: ['de la Poste'], kept: '1 place de la Mairie' },
    ]);
  });

  it('keeps nothing of a mailto: link whose text is struck whole', () => {
    const notes: CellNote[] = [];
    cellText({ text: { richText: [struck('mairie.adon@wanadoo.example')] }, hyperlink: 'mailto:mairie.adon@wanadoo.example' }, 1, notes);
    expect(notes).toEqual([{ kind: 'barre', column: 1, struck: ['mairie.adon@wanadoo.example'], kept: '' }]);
  });

  it('notes a cell struck whole by its format, and leaves other readers the stored text', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['code', 'courriel']);
    ws.addRow(['45001', 'ancienne@adon.example']);
    ws.getCell('B2').font = { strike: true };
    ws.addRow(['45002', 'mairie@aillant.example']);
    const path = join(tempDir(), 'mairies.xlsx');
    await wb.xlsx.writeFile(path);
    const rows: TableRow[] = [];
    for await (const r of (await openTable(path)).rows) rows.push(r);
    expect(rows.map((r) => [r.values, r.notes])).toEqual([
      [['45001', 'ancienne@adon.example'], [{ kind: 'barre', column: 1, struck: ['ancienne@adon.example'], kept: '', whole: true }]],
      [['45002', 'mairie@aillant.example'], undefined],
    ]);
  });
});

describe('struck-through text in the town-hall list', () => {
  it('mails the address left, puts the address left on the envelope, and tells the preparer what was struck', async () => {
    const dir = await campaignWithTownHalls((ws) => {
      ws.addRow(['45001', { richText: [struck('mairie.adon@wanadoo.example'), { text: ' mairie@adon.example' }] }, { richText: [struck('12 rue de la Poste'), { text: '1 place de la Mairie' }] }, '45230', 'Adon']);
    });
    const { found, recipient } = await join45(dir);
    const adon = recipient('45001');
    expect(adon?.contact?.courriel).toBe('mairie@adon.example');
    expect(adon?.adresse).toContain('1 PLACE DE LA MAIRIE');
    expect(adon?.adresse.join('\n')).not.toMatch(/POSTE/);
    expect(found.warnings.filter((p) => p.kind === 'courriels-multiples')).toEqual([]);
    expect(found.warnings.filter((p) => p.kind === 'texte-barre').map((p) => [p.line, p.field, p.message])).toEqual([
      [2, 'adresse_courriel', "fichier des mairies : la cellule « adresse_courriel » (colonne 2) porte du texte barré dans Excel (« mairie.adon@wanadoo.example ») : relais lit « mairie@adon.example », sans ce qui est barré ; supprimez-le de la cellule s'il ne sert plus, ou ôtez le barré s'il faut le lire"],
      [2, 'numero_voie', "fichier des mairies : la cellule « numero_voie » (colonne 3) porte du texte barré dans Excel (« 12 rue de la Poste ») : relais lit « 1 place de la Mairie », sans ce qui est barré ; supprimez-le de la cellule s'il ne sert plus, ou ôtez le barré s'il faut le lire"],
    ]);
  });

  it('does not mail an address whose cell is struck whole: the letter goes by post, and the preparer is told', async () => {
    const dir = await campaignWithTownHalls((ws) => {
      ws.addRow(['45001', 'ancienne@adon.example', '1 place de la Mairie', '45230', 'Adon']);
      ws.getCell('B2').font = { strike: true };
    });
    const { found, recipient } = await join45(dir);
    expect(recipient('45001')?.contact?.courriel).toBeUndefined();
    expect(found.warnings.filter((p) => p.kind === 'texte-barre').map((p) => p.message)).toEqual([
      "fichier des mairies : la cellule « adresse_courriel » (colonne 2) porte du texte barré dans Excel (« ancienne@adon.example ») : relais la lit vide, sans ce qui est barré ; supprimez-le de la cellule s'il ne sert plus, ou ôtez le barré s'il faut le lire",
    ]);
  });

  it('sets a row struck whole aside, counted and named, and reads the row that replaces it', async () => {
    const dir = await campaignWithTownHalls((ws) => {
      ws.addRow(['45001', 'ancienne@adon.example', '3 rue Vieille', '45230', 'Adon']);
      ws.getRow(2).eachCell((c) => (c.font = { strike: true }));
      ws.addRow(['45001', 'mairie@adon.example', '1 place de la Mairie', '45230', 'Adon']);
    });
    const { found, joined, recipient } = await join45(dir);
    expect(recipient('45001')?.contact?.courriel).toBe('mairie@adon.example');
    expect(found.errors.filter((p) => p.kind === 'commune-en-double')).toEqual([]);
    expect(found.warnings.filter((p) => p.kind === 'ligne-barree').map((p) => [p.line, p.message])).toEqual([
      [2, "fichier des mairies : ligne barrée dans Excel (« 45001 », « ancienne@adon.example », « 3 rue Vieille », …) : écartée, comme ce qui n'est plus à utiliser ; ôtez le barré s'il faut la lire, supprimez-la sinon"],
    ]);
    const account = joined.fichiers.find((f) => f.source === 'mairies')!;
    expect(account.ecartes['ligne barrée dans Excel']).toBe(1);
    expect(account.lus).toBe(2);
  });
});

describe("struck-through rows in the mayors' file", () => {
  it("sets last year's mayor, struck out, aside and writes to the new one", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Maires');
    ws.addRow(['Code du département', 'Code de la commune', 'Libellé de la commune', "Nom de l'élu", "Prénom de l'élu", 'Code sexe']);
    ws.addRow(['45', '45001', 'Adon', 'ANCIEN', 'Jean', 'M']);
    ws.getRow(2).eachCell((c) => (c.font = { strike: true }));
    ws.addRow(['45', '45001', 'Adon', 'NOUVELLE', 'Marie', 'F']);
    const dir = await campaignWithWorkbook('maires', wb);
    const { found, recipient } = await join45(dir);
    expect(recipient('45001')?.maire).toMatchObject({ nom: 'NOUVELLE', prenom: 'Marie', sexe: 'F', line: 3 });
    expect(found.errors.filter((p) => p.file === 'data/maires.xlsx')).toEqual([]);
    expect(found.warnings.filter((p) => p.kind === 'ligne-barree').map((p) => [p.file, p.line])).toEqual([['data/maires.xlsx', 2]]);
  });
});
