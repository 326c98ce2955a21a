import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWith } from './helpers/campaign.js';
import { joinedDepartement } from './helpers/workbook.js';

/**
 * A town-hall workbook kept over three years: « Courriel » of 2019 and its copy of 2020 both
 * hidden in Excel, this year's « Adresse mail » visible. The user sees one email column. Two
 * columns of the same name all hidden are left an error (settledByHiding in
 * src/campaign/sources.ts wants exactly one visible), so the whole list is refused, naming two
 * columns the user cannot see, without saying they are hidden — even when campagne.yaml names
 * the visible column. And when the same name is once hidden, once visible, and another email
 * column is visible too, two warnings name two different columns as « utilisée ».
 */
async function townHalls(header: string[], row: string[], hidden: number[], yaml = (y: string) => y) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Mairies');
  ws.addRow(header);
  ws.addRow(row);
  for (const c of hidden) ws.getColumn(c).hidden = true;
  const dir = campaignWith({});
  await wb.xlsx.writeFile(join(dir, 'data', 'mairies.xlsx'));
  const path = join(dir, 'campagne.yaml');
  writeFileSync(path, yaml(readFileSync(path, 'utf8').replace(/^ {2}mairies: .*$/m, '  mairies: data/mairies.xlsx')));
  const { joined, found } = await joinedDepartement(dir);
  const said = found.items.filter((p) => p.file === 'data/mairies.xlsx' && p.kind !== 'sans-courriel');
  return { courriel: joined.recipients.find((r) => r.commune.code === '45001')?.contact?.courriel, said };
}

const HEADER = ['code_insee_commune', 'Courriel', 'Courriel', 'Adresse mail', 'numero_voie', 'code_postal', 'nom_commune'];
const ROW = ['45001', 'mairie2019@adon.example', 'mairie2020@adon.example', 'mairie@adon.example', '1 place de la Mairie', '45230', 'Adon'];

describe('two same-name columns both hidden in Excel, and one visible column for the field', () => {
  it('reads the visible column instead of refusing the list over two columns the user cannot see', async () => {
    const { courriel, said } = await townHalls(HEADER, ROW, [2, 3]);
    // Now: « colonne « Courriel » en double (colonnes 2 et 3) », the list refused.
    expect(said.filter((p) => p.kind === 'colonne-en-double')).toEqual([]);
    expect(courriel).toBe('mairie@adon.example');
  });

  it('does not refuse the list when campagne.yaml names the visible column', async () => {
    const named = (y: string) => y.replace(/^ {2}mairies: .*$/m, '  mairies:\n    fichier: data/mairies.xlsx\n    colonnes:\n      courriel: Adresse mail');
    const { courriel, said } = await townHalls(HEADER, ROW, [2, 3], named);
    expect(said.filter((p) => p.kind === 'colonne-en-double').map((p) => p.message)).toEqual([]);
    expect(courriel).toBe('mairie@adon.example');
  });

  it('if it does refuse, says the two columns are hidden in Excel (the user sees neither)', async () => {
    const { said } = await townHalls(HEADER, ROW, [2, 3]);
    for (const p of said.filter((q) => q.kind === 'colonne-en-double')) expect(p.message).toContain('masquée');
  });
});

describe('one email column hidden and visible under the same name, beside another visible one', () => {
  it('names as « utilisée » only the column whose address is mailed', async () => {
    const header = ['code_insee_commune', 'Courriel', 'Mail', 'Courriel', 'numero_voie', 'code_postal', 'nom_commune'];
    const row = ['45001', 'mairie2019@adon.example', 'mairie@adon.example', 'secretariat@adon.example', '1 place de la Mairie', '45230', 'Adon'];
    const { courriel, said } = await townHalls(header, row, [2]);
    const claimed = said.flatMap((p) => [...p.message.matchAll(/« [^»]+ » \(colonne (\d+)[^)]*\) est utilisée/g)].map((m) => Number(m[1])));
    // Now: colonnes-multiples says column 4 is used, colonnes-courriel says column 3 is, and column 3 is mailed.
    expect(new Set(claimed).size).toBe(1);
    expect(row[claimed[0]! - 1]).toBe(courriel);
  });
});

/**
 * The same habit one level up: last year's sheet hidden in Excel (clic droit, « Masquer ») and
 * left first, this year's visible beside it with one column more. readXlsx reads the first
 * worksheet whatever its state, so the hidden sheet's addresses are mailed, without a word.
 */
describe('a town-hall workbook whose first sheet is hidden in Excel', () => {
  it('does not mail the hidden sheet’s address without a word', async () => {
    const wb = new ExcelJS.Workbook();
    const old = wb.addWorksheet('2019');
    old.addRow(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune']);
    old.addRow(['45001', 'ancienne@adon.example', '3 rue Vieille', '45230', 'Adon']);
    old.state = 'hidden';
    const current = wb.addWorksheet('2020');
    current.addRow(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune', 'telephone']);
    current.addRow(['45001', 'mairie@adon.example', '1 place de la Mairie', '45230', 'Adon', '02 38 00 00 00']);
    const dir = campaignWith({});
    await wb.xlsx.writeFile(join(dir, 'data', 'mairies.xlsx'));
    const path = join(dir, 'campagne.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^ {2}mairies: .*$/m, '  mairies: data/mairies.xlsx'));
    const { joined, found } = await joinedDepartement(dir);
    const courriel = joined.recipients.find((r) => r.commune.code === '45001')?.contact?.courriel;
    const said = found.items.filter((p) => p.file === 'data/mairies.xlsx' && p.kind !== 'sans-courriel').map((p) => p.message);
    // Now: « ancienne@adon.example », from the hidden sheet « 2019 », and nothing said.
    expect(courriel === 'mairie@adon.example' || said.some((m) => m.includes('2019')), `${courriel}; ${said.join(' | ') || 'rien de dit'}`).toBe(true);
  });
});

