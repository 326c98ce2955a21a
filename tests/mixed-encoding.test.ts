import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTable } from '../src/data/table.js';
import { tempDir } from './helpers/campaign.js';

/**
 * An Excel export (Windows-1252) with a UTF-8 export appended: wherever the UTF-8 part starts —
 * in the first 64 KB that choose the encoding, or far after — the file is refused at the line
 * where it starts, never read as « HA´TEL DE VILLE ».
 */
const HEADER = 'code_insee_commune;complement1;nom_commune';

function mixed(windowsRows: number): { path: string; utf8Line: number } {
  const rows = [HEADER, ...Array.from({ length: windowsRows }, (_, i) => `45${String((i % 300) + 1).padStart(3, '0')};Hôtel de Ville;Ville ${i}`)];
  const windows = Buffer.from(`${rows.join('\r\n')}\r\n`, 'latin1');
  const utf8 = Buffer.from(`${HEADER}\n37003;Hôtel de Ville;Amboise\n`, 'utf8');
  const path = join(tempDir(), 'mairies.csv');
  writeFileSync(path, Buffer.concat([windows, utf8]));
  // The UTF-8 part's header (no accent) is one line, its first row the next.
  return { path, utf8Line: rows.length + 2 };
}

async function readAll(path: string): Promise<number> {
  const table = await openTable(path, { displayName: 'mairies.csv' });
  let n = 0;
  for await (const _ of table.rows) n++;
  return n;
}

describe('a Windows-1252 export with a UTF-8 export appended', () => {
  it.each([[3], [4000]])('is refused at the line where UTF-8 starts (%i Windows-1252 rows before it)', async (count) => {
    const { path, utf8Line } = mixed(count);
    await expect(readAll(path)).rejects.toMatchObject({ message: expect.stringContaining(`UTF-8 à partir de la ligne ${utf8Line}`), location: { file: 'mairies.csv', line: utf8Line } });
  });

  it('leaves a Windows-1252 file alone, however long', async () => {
    const path = join(tempDir(), 'mairies.csv');
    const rows = [HEADER, ...Array.from({ length: 3000 }, (_, i) => `45001;Hôtel de Ville — « Mairie »;Ville ${i} œuvre`)];
    writeFileSync(path, Buffer.from(`${rows.join('\r\n')}\r\n`.replace(/—/g, '\u0097').replace(/œ/g, '\u009c'), 'latin1'));
    expect(await readAll(path)).toBe(3000);
  });
});
