import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

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
 * Windows code pages, where a quote, CR and LF are single bytes found nowhere else; UTF-16 files
 * are not asked.
 */
export async function isPlainFile(path: string, decoder: string): Promise<boolean> {
  if (decoder !== 'utf-8' && decoder !== 'windows-1252') return false;
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    let run = 0;
    for (let position = 0; ; ) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, position);
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
 * very end ending the last line rather than starting an empty one.
 */
export async function* plainRecords(text: AsyncIterable<string | Buffer>, delimiter: string, skip: number): AsyncGenerator<string[]> {
  let carry = '';
  let seen = 0;
  const utf8 = new StringDecoder('utf8');
  const record = (line: string) => line.split(delimiter).map((v) => v.trim());
  for await (const chunk of text) {
    const piece = carry + (typeof chunk === 'string' ? chunk : utf8.write(chunk));
    // A CR at the very end may be the first half of a CRLF: it waits for the next chunk.
    const end = piece.endsWith('\r') ? piece.length - 1 : piece.length;
    const lines = piece.slice(0, end).split(/\r\n|\n|\r/);
    carry = lines.pop()! + piece.slice(end);
    for (const line of lines) if (++seen > skip) yield record(line);
  }
  carry += utf8.end();
  // The last line: without a line break after it, or with a CR that waited for an LF.
  if (carry !== '' && ++seen > skip) yield record(carry.replace(/\r$/, ''));
}
