import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTable } from '../src/data/table.js';
import { RelaisError } from '../src/errors.js';
import { tempDir } from './helpers/campaign.js';

/**
 * A UTF-8 export with a Windows-1252 one appended is refused « at its line » (decodingStream in
 * src/data/encoding.ts). The line is found by decoding the failing chunk alone, non-fatally, and
 * taking its first U+FFFD. When the chunk (64 KB, the file stream's) starts in the middle of an
 * « é » cut by the previous chunk, that U+FFFD is the chunk's first character: the line said is
 * the one where the chunk starts — a line of good UTF-8 — not the one the user must fix.
 */
describe('a UTF-8 file that stops being UTF-8, a chunk boundary inside an accented letter before it', () => {
  it('names the first line that is not UTF-8', async () => {
    let text = 'id;date;departement;metier\n';
    for (let i = 0; Buffer.byteLength(text) < 65536 - 40; i++) text += `V${String(i).padStart(5, '0')};2020-03-26;45;Infirmière\n`;
    // A line whose « é » starts on byte 65535: the first chunk ends inside it.
    const prefix = 'X;2020-03-26;45;';
    text += `${prefix}${'a'.repeat(65535 - Buffer.byteLength(text) - prefix.length)}é\n`;
    const split = text.split('\n').length - 1;
    for (let k = 0; k < 20; k++) text += `W${k};2020-03-27;45;Sage-femme\n`;
    const bad = text.split('\n').length;
    const bytes = Buffer.concat([Buffer.from(text), Buffer.from('Z1;2020-03-27;37;Infirmi\xe8re\n', 'latin1')]);
    expect(bytes[65535]).toBe(0xc3);
    const path = join(tempDir(), 'inscriptions.csv');
    writeFileSync(path, bytes);
    let error: unknown;
    try {
      const table = await openTable(path);
      for await (const _ of table.rows);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RelaisError);
    // Now: the line of the cut « é » (split), 21 lines above the Windows-1252 one.
    expect({ line: (error as RelaisError).location.line, split }).toEqual({ line: bad, split });
    expect((error as RelaisError).message).toContain(`jusqu'à la ligne ${bad},`);
  });
});
