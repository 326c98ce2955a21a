import { open } from 'node:fs/promises';

/**
 * The common table, read without csv-parse: a national RNE export has no quote at all, and
 * csv-parse spends some 7 µs a row on it, character by character. For a file without a quote
 * and without a very long line, csv-parse's reading (trim: true, the three line endings, no
 * quoting possible) is exactly: one record per line, the line split at the delimiter, each value
 * trimmed as String.prototype.trim trims (csv-parse's list of trimmable characters is that very
 * set). Any other file goes through csv-parse, which alone knows quotes and its size limit.
 */

/** Longer lines go through csv-parse, which owns the record size limit. */
const PLAIN_LINE_LIMIT = 64 * 1024;

/**
 * Whether the file holds no quote and no line over the limit. Bytes are enough in UTF-8 and the
 * Windows, Mac and DOS code pages, where a quote, CR and LF are single bytes found nowhere else; UTF-16 files
 * are not asked, nor a delimiter that is not one ASCII character.
 */
export async function isPlainFile(path: string, decoder: string, delimiter: string, end = Infinity): Promise<boolean> {
  if ((decoder !== 'utf-8' && decoder !== 'windows-1252' && decoder !== 'macintosh' && decoder !== 'ibm850') || delimiter.length !== 1 || delimiter.charCodeAt(0) >= 0x80) return false;
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    let run = 0;
    for (let position = 0; ; ) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, end - position), position);
      if (bytesRead === 0) return true;
      position += bytesRead;
      if (buf.subarray(0, bytesRead).includes(0x22)) return false;
      for (let i = 0; i < bytesRead; i++) {
        const b = buf[i]!;
        if (b === 10 || b === 13) run = 0;
        else if (++run > PLAIN_LINE_LIMIT) return false;
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * The records of decoded text, as csv-parse gives them for a plain file (see isPlainFile): the
 * first `skip` lines left out, CRLF, LF and a bare CR each ending one line, a line break at the
 * very end ending the last line rather than starting an empty one. The text comes as UTF-8
 * bytes, where a line break or an ASCII delimiter is never part of another character: lines and
 * values are found in the bytes, and each value is its own string, as csv-parse makes it (a slice
 * of a larger string would keep that whole chunk alive as long as the value).
 */
export async function* plainRecords(text: AsyncIterable<string | Buffer>, delimiter: string, skip: number): AsyncGenerator<string[]> {
  const d = delimiter.charCodeAt(0);
  let carry: Buffer = Buffer.alloc(0);
  let seen = 0;
  for await (const chunk of text) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const buf = carry.length ? Buffer.concat([carry, bytes]) : bytes;
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i];
      if (b !== 10 && b !== 13) continue;
      // A CR at the very end may be the first half of a CRLF: it waits for the next chunk.
      if (b === 13 && i + 1 === buf.length) break;
      const end = i;
      if (b === 13 && buf[i + 1] === 10) i++;
      if (++seen > skip) yield values(buf, start, end, d);
      start = i + 1;
    }
    carry = buf.subarray(start);
  }
  // The last line: without a line break after it, or with a CR that waited for an LF.
  if (carry.length > 0 && ++seen > skip) yield values(carry, 0, carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length, d);
}

function values(buf: Buffer, start: number, end: number, d: number): string[] {
  const out: string[] = [];
  let from = start;
  for (let i = start; i < end; i++) {
    if (buf[i] === d) {
      out.push(buf.toString('utf8', from, i).trim());
      from = i + 1;
    }
  }
  out.push(buf.toString('utf8', from, end).trim());
  return out;
}
