import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { CONTACT_HEADER, RNE_HEADER, campaignWith, sampleCampaign } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * Workbooks with the « Total » row an office adds under its table (a COUNTA formula and its cached
 * result). The town-hall list names it (« code INSEE « Total » inconnu », src/data/contacts.ts
 * keeps `inseeWritten` for that); the RNE reader (src/data/rne.ts) reports the same row as a
 * mayor with an empty sex code and an empty INSEE code, and the sign-up reader as « inscription
 * rejetée : date «  » invalide ». check also calls an .xlsx export « export des inscriptions
 * (CSV) » (src/tracker/signups.ts: the format of every sign-up account is written as CSV).
 */
interface Problem {
  message: string;
  file?: string;
  line?: number;
}
interface Check {
  errors: Problem[];
  warnings: Problem[];
  fichiers: Array<{ fichier: string; format: string; lus: number; utilises: number; rejetes: number }>;
}

function pointAt(dir: string, key: 'maires' | 'inscriptions', file: string): void {
  const yaml = join(dir, 'campagne.yaml');
  const text = readFileSync(yaml, 'utf8');
  writeFileSync(yaml, key === 'maires' ? text.replace(/^ {2}maires: .*$/m, `  maires: ${file}`) : text.replace(/^ {4}- data\/inscriptions\.csv$/m, `    - ${file}`));
}

describe('a sign-up workbook with a « Total » row under the table', () => {
  it('is called a workbook, and its « Total » row is not « inscription rejetée : date «  » invalide »', async () => {
    const dir = sampleCampaign();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Export');
    ws.addRow(['id', 'date_inscription', 'departement', 'code_postal', 'metier', 'categorie', 'statut']);
    ws.addRow(['W1', new Date(Date.UTC(2020, 2, 26, 7, 5)), 37, 37000, 'Infirmier', 'soignant', 'inscrit']);
    ws.addRow(['W2', '26/03/2020', 45, 45000, 'Médecin', 'soignant', 'inscrit']);
    ws.addRow(['Total', '', '', '', '', '', { formula: 'COUNTA(A2:A3)', result: 2 }]);
    await wb.xlsx.writeFile(join(dir, 'data', 'inscriptions.xlsx'));
    pointAt(dir, 'inscriptions', 'data/inscriptions.xlsx');
    const { json } = await relaisJson<Check>(['-C', dir, 'check']);
    const account = json.fichiers.find((f) => f.fichier === 'data/inscriptions.xlsx');
    // It says « format: export des inscriptions (CSV) ».
    expect(account?.format).not.toMatch(/CSV/);
    const line4 = [...json.errors, ...json.warnings].filter((p) => p.file === 'data/inscriptions.xlsx' && p.line === 4).map((p) => p.message);
    // It says « inscription rejetée : date «  » invalide ».
    expect(line4.join('\n')).toContain('Total');
  });
});

describe('an RNE workbook with a « Total » row under the table', () => {
  it('names the row as the « Total » it is, as the town-hall list does, instead of « code sexe «  » invalide » and « code INSEE vide »', async () => {
    const dir = sampleCampaign();
    const rows = readFileSync(join(dir, 'data', 'maires.csv'), 'utf8').trim().split('\n').slice(1).filter((l) => l.startsWith('45;') || l.startsWith('37;'));
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Maires');
    ws.addRow(RNE_HEADER.split(';'));
    for (const l of rows) ws.addRow(l.split(';'));
    ws.addRow(['Total', null, null, null, null, null, { formula: `COUNTA(G2:G${rows.length + 1})`, result: rows.length }]);
    await wb.xlsx.writeFile(join(dir, 'data', 'maires.xlsx'));
    pointAt(dir, 'maires', 'data/maires.xlsx');
    const { json } = await relaisJson<Check>(['-C', dir, 'check']);
    const said = [...json.errors, ...json.warnings].filter((p) => p.file === 'data/maires.xlsx').map((p) => `${p.line}: ${p.message}`);
    // It said « fichier des maires : code sexe «  » invalide (F ou M attendu) » and « fichier des
    // maires : code INSEE vide », both at the last line, neither naming « Total ». A total row is
    // not a mayor: set aside as such (a warning naming it), as the sign-ups' is, not an error that
    // stops the campaign for an office's habit.
    expect(said.length, said.join('\n')).toBeLessThanOrEqual(1);
    expect(said.join('\n')).toContain('Total');
    expect(json.errors.filter((p) => p.file === 'data/maires.xlsx')).toEqual([]);
  });
});

describe('a town-hall list whose « Total » row holds its count in the code column', () => {
  it('sets the row aside as a total row, not « code INSEE 35000 inconnu »', async () => {
    const dir = campaignWith({ mairies: [CONTACT_HEADER, '45001;mairie@adon.example;1 place de la Mairie;45230;Adon', '35000;;;;Total', '2;Total', ''].join('\r\n') });
    const { json } = await relaisJson<Check>(['-C', dir, 'check']);
    const of = (line: number) => [...json.errors, ...json.warnings].filter((p) => p.file === 'data/mairies.csv' && p.line === line).map((p) => p.message);
    expect(of(3)).toEqual([expect.stringContaining("ligne « Total » sans code de commune (« 35000 » n'est le code d'aucune commune)")]);
    expect(of(4)).toEqual([expect.stringContaining("ligne « Total » sans code de commune (« 2 » n'est le code d'aucune commune)")]);
    expect(json.fichiers.find((f) => f.fichier === 'data/mairies.csv')).toMatchObject({ lus: 3, utilises: 1, rejetes: 0 });
  });
});
