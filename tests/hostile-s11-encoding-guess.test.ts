import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTable } from '../src/data/table.js';
import { RelaisError } from '../src/errors.js';
import { tempDir } from './helpers/campaign.js';

/**
 * Mac Roman is told from Windows-1252 by counting lowercase accented letters only (isMacRoman in
 * src/data/encoding.ts). Office files that are written in capitals (La Poste's address norm,
 * commune names as the COG spells them in many préfecture lists), or that hold one accent, are
 * guessed wrong and read without a word: every accented capital becomes another letter.
 */
const MAC = new Map<string, number>();
{
  const decoder = new TextDecoder('macintosh');
  for (let b = 0x80; b <= 0xff; b++) MAC.set(decoder.decode(Uint8Array.of(b)), b);
}
const WINDOWS = new Map<string, number>();
{
  // stream: Node 20's one-shot windows-1252 decoding reads 0x80–0x9F as Latin-1 (U+0080–U+009F).
  for (let b = 0x80; b <= 0xff; b++) WINDOWS.set(new TextDecoder('windows-1252').decode(Uint8Array.of(b), { stream: true }), b);
}
function encode(text: string, table: Map<string, number>): Buffer {
  return Buffer.from(
    [...text].map((c) => {
      if (c.charCodeAt(0) < 0x80) return c.charCodeAt(0);
      const b = table.get(c);
      if (b === undefined) throw new Error(`« ${c} » absent`);
      return b;
    }),
  );
}

async function read(name: string, bytes: Buffer): Promise<{ encoding: string; values: string[][] }> {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  const table = await openTable(path);
  const values: string[][] = [];
  for await (const row of table.rows) values.push(row.values);
  return { encoding: table.encoding, values };
}

describe('Windows-1252 and Mac Roman told apart on real office files', () => {
  it('a Windows-1252 town-hall list in capitals for the Val-de-Marne (L’HAŸ-LES-ROSES) is not read as Mac Roman', async () => {
    const text =
      'code;commune;adresse\n' +
      '94028;CRÉTEIL;PLACE SALVADOR ALLENDE\n' +
      "94038;L'HAŸ-LES-ROSES;HÔTEL DE VILLE DE L'HAŸ-LES-ROSES\n" +
      '94068;SAINT-MAUR-DES-FOSSÉS;PLACE CHARLES DE GAULLE\n';
    const { encoding, values } = await read('mairies.csv', encode(text, WINDOWS));
    // Read as Mac Roman: « CR…TEIL », « L'HAüS-LES-ROSES », « H‘TEL » — printed on the envelopes.
    expect(values.map((v) => v[1])).toEqual(['CRÉTEIL', "L'HAŸ-LES-ROSES", 'SAINT-MAUR-DES-FOSSÉS']);
    expect(encoding).toBe('Windows-1252');
  });

  it('a Mac Roman list in capitals (« HÔTEL DE VILLE » on every row) is not read as Windows-1252', async () => {
    const text = 'code;commune;adresse\n45001;ADON;HÔTEL DE VILLE\n45002;AILLANT-SUR-MILLERON;HÔTEL DE VILLE\n45003;SAINT-ÉTIENNE;HÔTEL DE VILLE\n';
    const { encoding, values } = await read('mairies.csv', encode(text, MAC));
    // Read as Windows-1252: « HïTEL DE VILLE », « SAINT-ƒTIENNE ».
    expect(values.map((v) => v[2])).toEqual(['HÔTEL DE VILLE', 'HÔTEL DE VILLE', 'HÔTEL DE VILLE']);
    expect(values[2]![1]).toBe('SAINT-ÉTIENNE');
    expect(encoding).toBe('Mac Roman (Excel pour Mac)');
  });

  it('a Mac Roman file with a single accented letter is read as written (not « BrŽval »)', async () => {
    const text = 'code;commune;maire\n78107;Bréval;DUPONT\n78001;Adainville;MARTIN\n';
    const { values } = await read('maires.csv', encode(text, MAC));
    expect(values[0]![1]).toBe('Bréval');
  });
});

describe('the line said for two exports appended, with old Mac line endings', () => {
  it('names the line where UTF-8 starts in a Mac Roman file with CR-only line ends (Excel « CSV Macintosh »)', async () => {
    // Five lines of Mac Roman, CR-ended, then a UTF-8 export appended from line 6.
    const bytes = Buffer.concat([encode('code;commune\r45234;Orléans\r45302;Saint-Jean-de-Braye\r45285;Saint-Benoît\r45089;Châteauneuf\r', MAC), Buffer.from('45208;Olivet-lès-Orléans\r', 'utf8')]);
    const path = join(tempDir(), 'maires.csv');
    writeFileSync(path, bytes);
    let error: unknown;
    try {
      const table = await openTable(path);
      for await (const _ of table.rows);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RelaisError);
    // Said now: « à partir de la ligne 1 » (only LF bytes are counted): the user looks at the header.
    expect((error as RelaisError).location.line).toBe(6);
    expect((error as RelaisError).message).toContain('à partir de la ligne 6');
  });
});
