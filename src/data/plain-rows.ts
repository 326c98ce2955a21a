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
 * The line breaks of a buffer (CR or LF) from left to right, found by Buffer's own search (a
 * national file is 35,000 lines of 4 MB: a look at each byte in JavaScript was a tenth of the
 * reading); each of the two bytes is searched again only once it has been passed.
 */
class LineBreaks {
  private lf: number;
  private cr: number;

  constructor(private readonly buf: Buffer) {
    this.lf = buf.indexOf(10);
    this.cr = buf.indexOf(13);
  }

  /** The first CR or LF at or after `from`, or -1. */
  next(from: number): number {
    if (this.lf >= 0 && this.lf < from) this.lf = this.buf.indexOf(10, from);
    if (this.cr >= 0 && this.cr < from) this.cr = this.buf.indexOf(13, from);
    return this.lf < 0 ? this.cr : this.cr < 0 ? this.lf : Math.min(this.lf, this.cr);
  }
}

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
    // Bytes since the last line break, carried from one read to the next.
    let run = 0;
    for (let position = 0; ; ) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, end - position), position);
      if (bytesRead === 0) return true;
      position += bytesRead;
      const bytes = buf.subarray(0, bytesRead);
      if (bytes.includes(0x22)) return false;
      let from = 0;
      for (const breaks = new LineBreaks(bytes); ; ) {
        const at = breaks.next(from);
        if (at < 0) break;
        if (run + at - from > PLAIN_LINE_LIMIT) return false;
        run = 0;
        from = at + 1;
      }
      run += bytesRead - from;
      if (run > PLAIN_LINE_LIMIT) return false;
    }
  } finally {
    await handle.close();
  }
}

/**
 * The records of decoded text, as csv-parse gives them for a plain file (see isPlainFile): the
 * first `skip` lines left out, CRLF, LF and a bare CR each ending one line, a line break at the
 * very end ending the last line rather than starting an empty one. The text comes as UTF-8
 * bytes, where a line break or an ASCII delimiter is never part of another character: lines are
 * found in the bytes (by Buffer's own search), each decoded once and split at the delimiter. Its
 * values are slices of their line at most, never of a larger chunk that they would keep alive.
 */
export async function* plainRecords(text: AsyncIterable<string | Buffer>, delimiter: string, skip: number): AsyncGenerator<string[]> {
  let carry: Buffer = Buffer.alloc(0);
  let seen = 0;
  for await (const chunk of text) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const buf = carry.length ? Buffer.concat([carry, bytes]) : bytes;
    let start = 0;
    for (const breaks = new LineBreaks(buf); ; ) {
      const end = breaks.next(start);
      if (end < 0) break;
      const cr = buf[end] === 13;
      // A CR at the very end may be the first half of a CRLF: it waits for the next chunk.
      if (cr && end + 1 === buf.length) break;
      if (++seen > skip) yield values(buf.toString('utf8', start, end), delimiter);
      start = cr && buf[end + 1] === 10 ? end + 2 : end + 1;
    }
    carry = buf.subarray(start);
  }
  // The last line: without a line break after it, or with a CR that waited for an LF.
  if (carry.length > 0 && ++seen > skip) yield values(carry.toString('utf8', 0, carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length), delimiter);
}

function values(line: string, delimiter: string): string[] {
  const out = line.split(delimiter);
  for (let i = 0; i < out.length; i++) out[i] = out[i]!.trim();
  return out;
}
