import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileHead, paddingOnlyMessage } from '../src/data/file-end.js';
import { openTable } from '../src/data/table.js';
import { fieldText, openFastTable } from '../src/tracker/fast-csv.js';
import { tempDir } from './helpers/campaign.js';

const ROWS = 'code;nom\r\n45001;Adon\r\n45004;Amilly\r\n';

async function head(bytes: Buffer) {
  const path = join(tempDir(), 'fin.csv');
  writeFileSync(path, bytes);
  const handle = await open(path, 'r');
  try {
    return { path, ...(await fileHead(handle, bytes.length, 16)) };
  } finally {
    await handle.close();
  }
}

async function tableRows(path: string): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const r of (await openTable(path)).rows) rows.push(r.values);
  return rows;
}

describe('what pads the end of a text file', () => {
  it.each([
    ['Ctrl-Z alone after the last line', Buffer.concat([Buffer.from(ROWS), Buffer.of(0x1a)]), { line: 4, bytes: 1, nul: false, ctrlZ: true }],
    ['Ctrl-Z glued to the last value', Buffer.from(ROWS.slice(0, -2) + '\x1a'), { line: 3, bytes: 1, nul: false, ctrlZ: true }],
    ['NUL bytes after the last line', Buffer.concat([Buffer.from(ROWS), Buffer.alloc(100_000)]), { line: 4, bytes: 100_000, nul: true, ctrlZ: false }],
  ])('%s: left out, its line said', async (_, bytes, padding) => {
    const found = await head(bytes);
    expect(found.padding).toEqual(padding);
    expect(found.end).toBe(bytes.length - padding.bytes);
    expect(found.sample.toString()).toBe(ROWS.slice(0, 16));
    expect(await tableRows(found.path)).toEqual([
      ['45001', 'Adon'],
      ['45004', 'Amilly'],
    ]);
    const fast = await openFastTable(found.path, 'fin.csv');
    const seen: string[][] = [];
    await fast.scan((row) => seen.push([fieldText(row, 0), fieldText(row, 1)]));
    expect([fast.endPadding, seen]).toEqual([padding, [['45001', 'Adon'], ['45004', 'Amilly']]]);
  });

  it('a file that ends with its text has no padding', async () => {
    expect((await head(Buffer.from(ROWS))).padding).toBeUndefined();
  });

  it('a UTF-16 file keeps its last NUL byte: it is half of its last line break', async () => {
    const bytes = Buffer.from(ROWS, 'utf16le');
    const found = await head(bytes);
    expect([found.end, found.padding]).toEqual([bytes.length, undefined]);
    expect(await tableRows(found.path)).toEqual([
      ['45001', 'Adon'],
      ['45004', 'Amilly'],
    ]);
  });

  it('NUL bytes inside the file are refused at their line, not at line 1', async () => {
    const path = join(tempDir(), 'abime.csv');
    writeFileSync(path, Buffer.concat([Buffer.from('code;nom\r\n45001;Adon\r\n'), Buffer.alloc(10), Buffer.from('45004;Amilly\r\n')]));
    await expect(openTable(path, { displayName: 'abime.csv' })).rejects.toMatchObject({ location: { line: 3 }, message: expect.stringMatching(/octets nuls.*abîmé à partir de cette ligne/) });
    await expect(openFastTable(path, 'abime.csv')).rejects.toMatchObject({ location: { line: 3 } });
  });
});

describe('a file of padding only', () => {
  it('is said as what it holds: NUL bytes, a DOS end mark, or both', () => {
    expect(paddingOnlyMessage({ line: 1, bytes: 1, nul: false, ctrlZ: true })).toBe('le fichier ne contient qu’une marque de fin DOS (Ctrl-Z) : aucune ligne à lire ; exportez-le à nouveau');
    expect(paddingOnlyMessage({ line: 1, bytes: 9, nul: true, ctrlZ: true })).toMatch(/^le fichier ne contient que des octets nuls et une marque de fin DOS \(Ctrl-Z\)/);
    expect(paddingOnlyMessage({ line: 1, bytes: 8, nul: true, ctrlZ: false })).toMatch(/^le fichier ne contient que des octets nuls :/);
  });
});
