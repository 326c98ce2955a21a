import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codePageGuess, codePageOf, decodeWhole, textDecoder } from '../src/data/code-page.js';
import { csvKind, sniffEncoding } from '../src/data/encoding.js';
import { openTable } from '../src/data/table.js';
import { fieldText, openFastTable } from '../src/tracker/fast-csv.js';
import { tempDir } from './helpers/campaign.js';
import { macRoman, windows1252 } from './helpers/code-pages.js';

/** French letters in code page 850, as Excel's « CSV (MS-DOS) » writes them. */
const CP850: Record<string, number> = { é: 0x82, â: 0x83, à: 0x85, ç: 0x87, ê: 0x88, ë: 0x89, è: 0x8a, ï: 0x8b, î: 0x8c, É: 0x90, ô: 0x93, û: 0x96, ù: 0x97, È: 0xd4, Ê: 0xd2, À: 0xb7, Ô: 0xe2, Ç: 0x80, Î: 0xd7 };
const cp850 = (text: string) => Buffer.from([...text].map((c) => (c.charCodeAt(0) < 0x80 ? c.charCodeAt(0) : CP850[c]!)));

describe('code page 850 (Excel « CSV (MS-DOS) »)', () => {
  it('decodes its letters, whole and in pieces', () => {
    const text = 'Hôtel de Ville;Médecin;Aide-soignante;Île;ÉCOLE;À côté;Ça';
    expect(decodeWhole('ibm850', cp850(text))).toBe(text);
    const d = textDecoder('ibm850');
    const bytes = cp850(text);
    expect(d.decode(bytes.subarray(0, 5), { stream: true }) + d.decode(bytes.subarray(5), { stream: true }) + d.decode()).toBe(text);
  });

  it.each(['Hôtel de Ville, 3 rue Émile Zola', 'Médecin', 'Infirmière;Sage-femme;Aide-soignant', "rue de l'Église;Châteauneuf-sur-Loire;Orléans", 'MAIRIE DE SAINT-ÉLOI;FRANÇOIS'])('is told from Windows-1252 and Mac Roman: %s', (text) => {
    expect(codePageOf(cp850(text))).toBe('ibm850');
    expect(codePageOf(windows1252(text))).toBe('windows-1252');
    expect(codePageOf(macRoman(text))).toBe('macintosh');
  });

  it('is named in the file’s account', () => {
    const encoding = sniffEncoding(cp850('code;nom\n45004;Hôtel de Ville\n'));
    expect(encoding).toMatchObject({ decoder: 'ibm850', label: 'MS-DOS (page de code 850)' });
    expect(csvKind(encoding.label)).toBe('CSV MS-DOS (page de code 850)');
  });

  it('is read by the table reader and by the sign-ups reader', async () => {
    const path = join(tempDir(), 'dos.csv');
    writeFileSync(path, cp850('code;nom;metier\r\n45004;Hôtel de Ville;Médecin\r\n'));
    const table = await openTable(path);
    const rows: string[][] = [];
    for await (const r of table.rows) rows.push(r.values);
    expect(rows).toEqual([['45004', 'Hôtel de Ville', 'Médecin']]);
    const fast = await openFastTable(path, 'dos.csv');
    const seen: string[] = [];
    await fast.scan((row) => seen.push(fieldText(row, 1), fieldText(row, 2)));
    expect([fast.encoding, ...seen]).toEqual(['MS-DOS (page de code 850)', 'Hôtel de Ville', 'Médecin']);
  });

  it('a guess that rests on one sign is said, with the other reading', () => {
    // 0x85 alone between spaces: « à » in code page 850, « … » in Windows-1252.
    const bytes = Buffer.from('code;note\n45004;rendez-vous \x85 10 h\n', 'latin1');
    expect(codePageGuess(bytes)).toEqual({ page: 'ibm850', doubt: 'windows-1252' });
    const encoding = sniffEncoding(bytes);
    expect(encoding.label).toBe('MS-DOS (page de code 850), peut-être Windows-1252');
    expect(csvKind(encoding.label)).toMatch(/^CSV MS-DOS \(page de code 850\), peut-être Windows-1252 : encodage deviné/);
  });
});
