import { isUtf8 } from 'node:buffer';
import { textDecoder, type Decoder } from '../data/code-page.js';
import { LineCounter, utf8Sequence } from '../data/encoding.js';

/**
 * The decoding of a sign-up export that is not UTF-8, chunk by chunk, into the text the scan
 * reads (see csv-scanner.ts), with its watch for appended exports. A code-page export with a
 * UTF-8 one appended (the sniff sees only the first 64 KB): every chunk is looked at for UTF-8's
 * accented letters, as the table reader does (decodingStream), and from the first one on the file
 * is decoded as UTF-8, so that « Infirmière » is not counted as « InfirmiÃ¨re ». A third export in
 * the code page may follow (three appended): the code page comes back at its first byte that is
 * not UTF-8, and the watch goes on. Other encodings (UTF-16) are decoded as a stream, unwatched.
 * The lines the warning names: those read, then the breaks in what waits.
 */

/** The single-byte code pages of office exports, after which a UTF-8 export may be appended. */
const CODE_PAGES = new Set(['windows-1252', 'macintosh', 'ibm850']);

/** Where the bytes end but for a UTF-8 sequence the end cuts (its first bytes wait for the next chunk). */
function completeUtf8(buf: Buffer): number {
  for (let i = buf.length - 1; i >= Math.max(0, buf.length - 3); i--) {
    const b = buf[i]!;
    if (b < 0x80) return buf.length;
    if (b >= 0xc0) return i + (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2) > buf.length ? i : buf.length;
  }
  return buf.length;
}

/** The first byte that is not part of UTF-8 text: where the decoder's first replacement stands, unless a U+FFFD was written as such. */
function firstNotUtf8(buf: Buffer): number {
  const text = buf.toString('utf8');
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) {
    const at = Buffer.byteLength(text.slice(0, i));
    if (!(buf[at] === 0xef && buf[at + 1] === 0xbf && buf[at + 2] === 0xbd)) return at;
  }
  return buf.length;
}

/** One file's decoding and watch, made by the scan of a file that is not UTF-8. */
export class EncodingWatch {
  /** The line from which a code-page file turned out to be UTF-8 (two exports appended). */
  utf8FromLine: number | undefined;
  /** The line from which it is in its code page again, after UTF-8 (three exports appended). */
  codePageAgainLine: number | undefined;
  private decoder: Decoder;
  /** Whether chunks are looked at for UTF-8 (a code page, read as such for now). */
  private watch: boolean;
  /** The bytes of the last chunk that wait for the next one, which may end their sequence. */
  private carry = Buffer.alloc(0);
  // The scan's state when the chunk came, for the line of a switch (see lineAt): the lines it has
  // read, and the bytes that wait in its buffer (a cut line, perhaps a CR).
  private linesRead = 0;
  private waiting: Buffer = Buffer.alloc(0);
  private waitingLength = 0;

  constructor(private readonly decoding: string) {
    this.decoder = textDecoder(decoding);
    this.watch = CODE_PAGES.has(decoding);
  }

  /**
   * The text of the next chunk of the file (`eof`: the read that found the end). `linesRead`, and
   * bytes [0, waitingLength) of `waiting`: the lines the scan has read and what waits after them.
   */
  decode(chunk: Buffer, eof: boolean, linesRead: number, waiting: Buffer, waitingLength: number): string {
    this.linesRead = linesRead;
    this.waiting = waiting;
    this.waitingLength = waitingLength;
    return this.watch ? this.watched(chunk, eof) : this.utf8FromLine !== undefined ? this.inUtf8(chunk, eof) : eof ? this.decoder.decode() : this.decoder.decode(chunk, { stream: true });
  }

  /** In the code page, until UTF-8's accented letters show. The last two bytes of a chunk wait for the next one. */
  private watched(chunk: Buffer, eof: boolean, earlier: readonly Buffer[] = []): string {
    // The chunk is searched where it is; only the carried bytes and its first two are copied.
    let at = this.carry.length ? utf8Sequence(Buffer.concat([this.carry, chunk.subarray(0, 2)])) : -1;
    if (at < 0 || at >= this.carry.length) {
      const inChunk = utf8Sequence(chunk);
      at = inChunk < 0 ? -1 : this.carry.length + inChunk;
    }
    if (at < 0 && chunk.length >= 2) {
      // A single-byte code page decodes byte by byte: no state is carried between calls.
      const keep = eof ? 0 : 2;
      const text = this.decoder.decode(this.carry) + this.decoder.decode(chunk.subarray(0, chunk.length - keep));
      this.carry = Buffer.from(chunk.subarray(chunk.length - keep));
      return text;
    }
    const seen = Buffer.concat([this.carry, chunk]);
    if (at < 0) {
      // A last chunk of fewer than two bytes (or the end of the file).
      const keep = eof ? 0 : Math.min(2, seen.length);
      this.carry = Buffer.from(seen.subarray(seen.length - keep));
      return this.decoder.decode(seen.subarray(0, seen.length - keep));
    }
    // Decoded text keeps the code page's line breaks where they were: what waits in the scan's
    // buffer (a cut line, perhaps a CR) and the bytes before `at` are counted as one run.
    this.utf8FromLine ??= this.lineAt(earlier, seen, at);
    const before = this.decoder.decode(seen.subarray(0, at));
    this.watch = false;
    this.carry = Buffer.alloc(0);
    return before + this.inUtf8(seen.subarray(at), eof, [...earlier, seen.subarray(0, at)]);
  }

  /**
   * After a switch to UTF-8, a third export in the code page may follow (three appended): its
   * first byte that is not UTF-8 switches back, and the watch goes on. Decoded as UTF-8 it
   * would have read « �tudiant », a category of its own, without a word. A sequence cut by
   * the chunk's end waits for the next one.
   */
  private inUtf8(chunk: Buffer, eof: boolean, earlier: readonly Buffer[] = []): string {
    const seen = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = eof ? seen.length : completeUtf8(seen);
    if (isUtf8(seen.subarray(0, end))) {
      this.carry = Buffer.from(seen.subarray(end));
      return seen.toString('utf8', 0, end);
    }
    const bad = firstNotUtf8(seen);
    this.codePageAgainLine ??= this.lineAt(earlier, seen, bad);
    this.decoder = textDecoder(this.decoding);
    this.watch = true;
    this.carry = Buffer.alloc(0);
    return seen.toString('utf8', 0, bad) + this.watched(seen.subarray(bad), eof, [...earlier, seen.subarray(0, bad)]);
  }

  /**
   * The line of byte `at` of `seen`: those read, then the breaks in what waits in the scan's
   * buffer (a cut line, perhaps a CR), in the bytes of this chunk decoded before `seen`
   * (`earlier`) and in those before `at`, counted as one run.
   */
  private lineAt(earlier: readonly Buffer[], seen: Buffer, at: number): number {
    const counter = new LineCounter().add(this.waiting, 0, this.waitingLength);
    for (const bytes of earlier) counter.add(bytes);
    return this.linesRead + 1 + counter.add(seen, 0, at).lines;
  }
}
