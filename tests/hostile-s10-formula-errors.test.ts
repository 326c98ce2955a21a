import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWith, RNE_HEADER, rneRow } from './helpers/campaign.js';
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

describe('formula errors in the address cells of a town-hall list', () => {
  it('stay off the envelope (the commune’s name and code stand for a failed locality and postal code), and check names each cell', async () => {
    const dir = campaignWith({ mairies: ['code_insee_commune;adresse_courriel;numero_voie;code_postal;nom_commune', '45001;mairie@adon.example;#REF!;#N/A;#N/A', ''].join('\r\n') });
    const { json } = await relaisJson<{ lettre?: { adresse: string[] } }>(['-C', dir, 'preview', '45001']);
    expect(json.lettre?.adresse.join('\n')).not.toMatch(/N A|REF|#/);
    expect(json.lettre?.adresse.at(-1)).toBe('45230 ADON');
    const check = await relaisJson<{ errors: Problem[]; warnings: Problem[] }>(['-C', dir, 'check']);
    const said = check.json.warnings.filter((p) => p.file === 'data/mairies.csv' && p.line === 2 && p.message.includes('erreur de formule'));
    expect(said.map((p) => p.message)).toEqual([
      expect.stringContaining("la cellule du code postal montre l'erreur de formule « #N/A »"),
      expect.stringContaining("la cellule du numéro et de la voie montre l'erreur de formule « #REF! »"),
      expect.stringContaining('le nom de la commune la remplace'),
    ]);
    expect(said.map((p) => (p as Problem & { field?: string }).field)).toEqual(['code_postal', 'numero_voie', 'nom_commune']);
  });
});

describe('formula errors in a mayors’ file', () => {
  it('a name that shows « #N/A » is named as a formula error, an error as an empty name is; a first name is left aside with a warning', async () => {
    const maires = [RNE_HEADER, rneRow('45', '45001', 'Adon', '#N/A', 'Claire', 'F'), rneRow('45', '45002', 'Aillant-sur-Milleron', 'DURAND', '#REF!', 'M'), rneRow('45', '45004', 'Amilly', 'PETIT', 'Jean', '#N/A')].join('\n') + '\n';
    const dir = campaignWith({ maires });
    const { json } = await relaisJson<{ errors: Problem[]; warnings: Problem[] }>(['-C', dir, 'check']);
    const at = (line: number) => [...json.errors, ...json.warnings].filter((p) => p.file === 'data/maires.csv' && p.line === line).map((p) => p.message).join('\n');
    expect(at(2)).toContain("la cellule du nom de l'élu montre l'erreur de formule « #N/A »");
    expect(at(3)).toContain("la cellule du prénom de l'élu montre l'erreur de formule « #REF! »");
    expect(at(4)).toContain("la cellule du code sexe montre l'erreur de formule « #N/A »");
    expect(at(4)).not.toContain('invalide');
    // An error, as an empty name is: no letter is made with it.
    expect(json.errors.filter((p) => p.file === 'data/maires.csv').map((p) => p.line)).toEqual([2, 4]);
  });
});
