import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTable } from '../../src/data/table.js';
import { tempDir } from './campaign.js';

/**
 * Bytes of a text in the two code pages French office files come in, made from Node's own decoders
 * read backwards (each byte 0x80–0xFF and the character it decodes to): a test's encoder cannot
 * disagree with the decoders relais uses. Windows-1252 is decoded streaming: Node 20's one-call
 * decode reads its 0x80–0x9F as Latin-1 controls.
 */
function table(decoder: string): Map<string, number> {
  const map = new Map<string, number>();
  for (let b = 0x80; b <= 0xff; b++) map.set(new TextDecoder(decoder).decode(Uint8Array.of(b), { stream: true }), b);
  return map;
}

export const MAC = table('macintosh');
export const WINDOWS = table('windows-1252');

export function encode(text: string, code: Map<string, number>): Buffer {
  return Buffer.from(
    [...text].map((c) => {
      if (c.charCodeAt(0) < 0x80) return c.charCodeAt(0);
      const b = code.get(c);
      if (b === undefined) throw new Error(`« ${c} » absent de cette table`);
      return b;
    }),
  );
}

export const macRoman = (text: string): Buffer => encode(text, MAC);
export const windows1252 = (text: string): Buffer => encode(text, WINDOWS);

/** A file of these bytes written under `name` and read by relais's table reader: the encoding it named, and the rows' values. */
export async function readTableBytes(name: string, bytes: Buffer): Promise<{ encoding: string; values: string[][] }> {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  const table = await openTable(path);
  const values: string[][] = [];
  for await (const row of table.rows) values.push(row.values);
  return { encoding: table.encoding, values };
}
