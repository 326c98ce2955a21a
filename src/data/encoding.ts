import { isAscii } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { RelaisError } from '../errors.js';
import { codePageGuess, textDecoder, type CodePage } from './code-page.js';

export { decodeWhole } from './code-page.js';

/**
 * Which encoding a text file is in, as offices produce them: UTF-8 with or without BOM, UTF-16
 * (Excel « texte Unicode »), Windows-1252 (French Excel's CSV), Mac Roman (Excel for Mac's
 * « CSV ») or code page 850 (Excel's « CSV (MS-DOS) ») — and its bytes decoded as it streams, a file that turns out to mix two of them
 * refused at the line where it does.
 */
export type Encoding = { label: string; decoder: string; bomLength: number; mixedFromLine?: number };

/**
 * Two exports appended, one from Excel (Windows-1252) and one in UTF-8: the sample is not valid
 * UTF-8, yet holds UTF-8's two-byte accented letters (« é » as C3 A9, which Windows-1252 reads
 * « Ã© ») or its typographic apostrophe (E2 80 99, « â€™ »), which no French text in Windows-1252
 * holds. The line of the first one, or undefined.
 */
function utf8AmongWindows1252(sample: Uint8Array): number | undefined {
  const at = utf8Sequence(sample);
  return at < 0 ? undefined : 1 + newlines(sample, 0, at);
}

/**
 * Line breaks as the readers count lines: CRLF (Windows), LF (Unix) and a bare CR (Excel for
 * Mac's « CSV ») each end one line. A CRLF cut between two chunks is counted once: `counter`
 * carries whether the last byte seen was a CR.
 */
export class LineCounter {
  lines = 0;
  private afterCr = false;

  add(bytes: Uint8Array, from = 0, to = bytes.length): this {
    const [n, afterCr] = breaks(bytes, from, to, this.afterCr);
    this.lines += n;
    this.afterCr = afterCr;
    return this;
  }

  /** The breaks bytes [from, to) would add, the count left as it is. */
  peek(bytes: Uint8Array, from: number, to: number): number {
    return breaks(bytes, from, to, this.afterCr)[0];
  }
}

function breaks(bytes: Uint8Array, from: number, to: number, afterCr: boolean): [number, boolean] {
  if (to <= from) return [0, afterCr];
  // Found natively (indexOf), not byte by byte: every chunk of every UTF-8 file is counted.
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from);
  let n = 0;
  for (let j = buf.indexOf(0x0d); j >= 0; j = buf.indexOf(0x0d, j + 1)) n++;
  for (let j = buf.indexOf(0x0a); j >= 0; j = buf.indexOf(0x0a, j + 1)) if (!(j === 0 ? afterCr : buf[j - 1] === 0x0d)) n++;
  return [n, buf[buf.length - 1] === 0x0d];
}

/**
 * Where the first of those UTF-8 sequences (C3 80–BF, E2 80 93–A6) starts in `bytes`, or -1.
 * Found natively: only the bytes that may start one are looked at (indexOf), so that every chunk
 * of a million-row Windows-1252 export can be looked through at nearly no cost.
 */
export function utf8Sequence(bytes: Uint8Array): number {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let first = -1;
  for (let i = buf.indexOf(0xc3); i >= 0; i = buf.indexOf(0xc3, i + 1)) {
    const next = buf[i + 1];
    if (next !== undefined && next >= 0x80 && next <= 0xbf) {
      first = i;
      break;
    }
  }
  const end = first < 0 ? buf.length : first;
  for (let i = buf.indexOf(0xe2); i >= 0 && i < end; i = buf.indexOf(0xe2, i + 1)) {
    const third = buf[i + 2];
    if (buf[i + 1] === 0x80 && third !== undefined && third >= 0x93 && third <= 0xa6) return i;
  }
  return first;
}

function newlines(bytes: Uint8Array, from: number, to: number): number {
  return new LineCounter().add(bytes, from, to).lines;
}

/** The single-byte code pages a file not in UTF-8 may be in; both keep ASCII as it is. */
const SINGLE_BYTE = new Set(['windows-1252', 'macintosh', 'ibm850']);
const MAC_ROMAN = 'Mac Roman (Excel pour Mac)';
const MS_DOS = 'MS-DOS (page de code 850)';
/** How each code page is named; a guess other than Windows-1252 is said in the file's account (csvKind). */
const PAGE_LABELS: Record<CodePage, string> = { 'windows-1252': 'Windows-1252', macintosh: MAC_ROMAN, ibm850: MS_DOS };
/** Between a code page guessed on too few letters and the one that came close. */
const GUESSED = ', peut-être ';

/** BOM first; otherwise valid UTF-8 wins; otherwise the code page of Excel for Windows, or for Mac when its letters say so. */
export function sniffEncoding(sample: Uint8Array): Encoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { label: 'UTF-8 (BOM)', decoder: 'utf-8', bomLength: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { label: 'UTF-16LE', decoder: 'utf-16le', bomLength: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { label: 'UTF-16BE', decoder: 'utf-16be', bomLength: 2 };
  const wide = utf16WithoutBom(sample);
  if (wide) return wide;
  try {
    // stream: true tolerates a multi-byte character cut by the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return { label: 'UTF-8', decoder: 'utf-8', bomLength: 0 };
  } catch {
    const mixedFromLine = utf8AmongWindows1252(sample);
    // Two exports appended: the code page is the first one's, told from its own bytes (the UTF-8
    // after them reads as no French in either).
    const first = mixedFromLine === undefined ? sample : sample.subarray(0, utf8Sequence(sample));
    const { page, doubt } = codePageGuess(first);
    // A guess that rests on a letter or two is said as such, with the other reading.
    const label = doubt ? `${PAGE_LABELS[page]}${GUESSED}${PAGE_LABELS[doubt]}` : PAGE_LABELS[page];
    return { label, decoder: page, bomLength: 0, ...(mixedFromLine === undefined ? {} : { mixedFromLine }) };
  }
}

/**
 * Past the sample, the file is looked through this much at a time for its first byte beyond
 * ASCII. Larger chunks read no faster and left their memory in the reading that follows (a
 * million-row sign-up export peaked 18 MB higher with 4 MB chunks).
 */
const ASCII_CHUNK = 256 * 1024;
/** How much of the file, from that byte on, tells its encoding. */
const WINDOW = 64 * 1024;

/**
 * The encoding of a whole file whose first `sample.length` bytes are `sample`. Those bytes alone
 * say nothing when they are all ASCII (a sign-up export whose first thousand rows are
 * « Infirmier;soignant;inscrit »): read as UTF-8, a Windows-1252 file would be refused at its
 * first « é » as mixing two encodings, which it does not. The rest of the file is then looked
 * through to its first byte beyond ASCII (natively, chunk by chunk) and its encoding told from
 * there; a file ASCII throughout is UTF-8.
 */
export async function sniffFileEncoding(path: string, sample: Uint8Array, whole: boolean): Promise<Encoding> {
  const encoding = sniffEncoding(sample);
  // `whole`: the sample is the whole file, nothing past it to look through.
  if (whole || encoding.decoder !== 'utf-8' || encoding.bomLength > 0 || !isAscii(sample)) return encoding;
  const handle = await open(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(ASCII_CHUNK);
    for (let position = sample.length; ; ) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) return encoding;
      const bytes = chunk.subarray(0, bytesRead);
      if (isAscii(bytes)) {
        position += bytesRead;
        continue;
      }
      let at = 0;
      while (bytes[at]! < 0x80) at++;
      // From the start of that byte's line (ended by LF, CRLF or a bare CR: Excel for Mac's), so
      // that the window holds whole lines and reaches the byte whatever the line endings.
      const windowStart = position + Math.max(bytes.lastIndexOf(0x0a, at), bytes.lastIndexOf(0x0d, at)) + 1;
      const window = Buffer.allocUnsafe(WINDOW);
      const got = (await handle.read(window, 0, WINDOW, windowStart)).bytesRead;
      const found = sniffEncoding(window.subarray(0, got));
      // UTF-8 beyond ASCII, or anything else (a second export appended with its BOM): the file is
      // read as UTF-8, and what does not decode is refused where it is.
      if (!SINGLE_BYTE.has(found.decoder)) return encoding;
      if (found.mixedFromLine === undefined) return found;
      // Two exports in one file: the line is the file's, the lines before the window counted (only then: it is a second reading).
      return { ...found, mixedFromLine: found.mixedFromLine + (await linesBefore(handle, windowStart, chunk)) };
    }
  } finally {
    await handle.close();
  }
}

async function linesBefore(handle: FileHandle, end: number, chunk: Buffer): Promise<number> {
  const counter = new LineCounter();
  for (let position = 0; position < end; ) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, end - position), position);
    if (bytesRead === 0) break;
    counter.add(chunk, 0, bytesRead);
    position += bytesRead;
  }
  return counter.lines;
}

/**
 * How a file account names a CSV file's kind: the encoding is said when relais guessed one other
 * than French Excel's (Mac Roman, code page 850), so that a wrong guess shows.
 */
export function csvKind(encodingLabel: string): string {
  if (encodingLabel.includes(GUESSED)) return `CSV ${encodingLabel} : encodage deviné sur trop peu de lettres accentuées, vérifiez-les (ou enregistrez le fichier en CSV UTF-8)`;
  return encodingLabel === MAC_ROMAN ? 'CSV Mac Roman, Excel pour Mac' : encodingLabel === MS_DOS ? 'CSV MS-DOS (page de code 850)' : 'CSV';
}

/** What is said of a UTF-8 file whose line `line` is not UTF-8. */
export function notUtf8Message(line: number): string {
  return `encodage incohérent : le fichier est en UTF-8 jusqu'à la ligne ${line}, qui ne l'est pas (un export Excel ajouté à la suite ?) ; réenregistrez tout le fichier en UTF-8, puis relancez`;
}

/** What is said of a file whose sample mixes two encodings (see utf8AmongWindows1252); `label` is the first one's. */
export function mixedEncodingMessage(line: number, label = 'Windows-1252'): string {
  const page = label.split(GUESSED)[0];
  const first = page === MAC_ROMAN || page === MS_DOS ? page : 'Windows-1252 (Excel)';
  const seen = page === MAC_ROMAN ? '« √© »' : page === MS_DOS ? '« ├® »' : '« Ã© »';
  return `ce fichier mélange deux encodages : ${first} et UTF-8 à partir de la ligne ${line} (deux exports mis bout à bout ?) ; lues ensemble, les lignes en UTF-8 seraient illisibles (${seen} pour « é ») : enregistrez tout le fichier en UTF-8 (ou tout en CSV Excel), puis relancez`;
}

/**
 * UTF-16 without its BOM (some "texte Unicode" exports, files cut from a larger one) is valid
 * UTF-8 full of NUL bytes: read that way it shows garbage and prints NULs. Text in a Latin
 * script has a zero byte in nearly every other position; which one tells the byte order.
 */
function utf16WithoutBom(sample: Uint8Array): Encoding | undefined {
  const n = Math.min(sample.length, 4096) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (sample[i] === 0) even++;
    if (sample[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  if (odd > pairs * 0.3 && even < pairs * 0.05) return { label: 'UTF-16LE (sans BOM)', decoder: 'utf-16le', bomLength: 0 };
  if (even > pairs * 0.3 && odd < pairs * 0.05) return { label: 'UTF-16BE (sans BOM)', decoder: 'utf-16be', bomLength: 0 };
  return undefined;
}

/**
 * Where the first byte that is not UTF-8 is in `bytes` (a sequence cut by their end is not one:
 * the next chunk may finish it), or -1. Only asked once decoding has failed, to say the line.
 */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    // The second byte's range narrows after E0, ED, F0 and F4 (no overlong form, no surrogate).
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return -1;
      const c = bytes[i + k]!;
      if (c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** How many bytes at the end of `bytes` start a UTF-8 sequence that goes on past them. */
function cutSequence(bytes: Uint8Array): number {
  for (let k = 1; k <= 3 && k <= bytes.length; k++) {
    const b = bytes[bytes.length - k]!;
    if ((b & 0xc0) === 0x80) continue;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > k ? k : 0;
  }
  return 0;
}

export function decodingStream(encoding: Encoding, file: string): Transform {
  const decoder = textDecoder(encoding.decoder, { fatal: encoding.decoder === 'utf-8' });
  let skip = encoding.bomLength;
  // Read as a code page, a UTF-8 export appended after the sample (see utf8AmongWindows1252) is
  // found where it starts: the last two bytes of a chunk are looked at again with the next one.
  const windows = SINGLE_BYTE.has(encoding.decoder);
  let tail = Buffer.alloc(0);
  // Lines before the chunk being decoded, for the line an error names.
  const counted = new LineCounter();
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _enc, done) {
      let bytes: Uint8Array = chunk;
      if (skip > 0) {
        const n = Math.min(skip, bytes.length);
        bytes = bytes.subarray(n);
        skip -= n;
      }
      if (windows) {
        const seen = Buffer.concat([tail, bytes]);
        const at = utf8Sequence(seen);
        if (at >= 0) {
          // The sequence may start in the tail, whose line breaks are already counted.
          const where = 1 + counted.lines + (at >= tail.length ? counted.peek(seen, tail.length, at) : 0);
          done(new RelaisError(mixedEncodingMessage(where, encoding.label), { file, line: where }));
          return;
        }
        tail = Buffer.from(seen.subarray(Math.max(0, seen.length - 2)));
      }
      try {
        done(null, decoder.decode(bytes, { stream: true }));
      } catch {
        // The bytes of a character cut by the previous chunk come first, so that the first invalid
        // byte found is the file's, not that character's second half.
        const whole = Buffer.concat([tail, bytes]);
        const bad = firstInvalidUtf8(whole);
        const where = 1 + counted.lines + counted.peek(whole, tail.length, Math.max(tail.length, bad < 0 ? tail.length : bad));
        done(new RelaisError(notUtf8Message(where), { file, line: where }));
        return;
      }
      counted.add(bytes);
      if (!windows) tail = Buffer.from(bytes.subarray(bytes.length - cutSequence(bytes)));
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(new RelaisError(`le fichier se termine au milieu d'un caractère UTF-8 (coupé pendant la copie ?) ; retéléchargez-le, ou réenregistrez-le en UTF-8`, { file, line: 1 + counted.lines }));
      }
    },
  });
}

