import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { RelaisError } from '../errors.js';
import { decodeWhole, LineCounter, notUtf8Message, sniffFileEncoding, utf8Sequence } from '../data/encoding.js';
import { HEADER_SEARCH_LINES, sniffDelimiter, struckWhole, unreadable, withoutStruck } from '../data/table.js';

/**
 * A CSV reader for the sign-up exports, written for throughput: a platform's daily export holds
 * every sign-up since the start and the ARS sums it every day, up to a million rows. csv-parse
 * reads such a file in 4 s here, papaparse in 1.4 s, datamash sums it in about 0.8 s. This reader
 * never makes a string for a plain line: it finds the delimiters in the file's bytes and hands
 * the reader of sign-ups the field boundaries. Lines with a quote, and quoted fields running over
 * several lines, go through the text path (`splitRecord`). It follows the same rules as the
 * mayors' reader (BOM, UTF-8/UTF-16/Windows-1252, `;` `,` or tab) and is checked against
 * csv-parse by property tests. Other encodings are converted to UTF-8 chunk by chunk.
 */
export interface RowView {
  /** The line where the record starts. */
  line: number;
  /** Number of fields; field i is bytes [starts[i], ends[i]) of buf, untrimmed. */
  count: number;
  buf: Buffer;
  starts: Int32Array;
  ends: Int32Array;
}

/** Field i as text, untrimmed; '' when the row is shorter. */
export function fieldText(row: RowView, i: number): string {
  return i >= 0 && i < row.count ? row.buf.toString('utf8', row.starts[i], row.ends[i]) : '';
}

const MAX_FIELD = 1024 * 1024;
const CHUNK = 1024 * 1024;
const tooLong = (what: string) => `${what} de plus de ${MAX_FIELD / 1024} Ko : ce n'est pas un export lisible`;

/** Splits one logical record by the same rules as csv-parse (quotes, doubled quotes). */
export function splitRecord(text: string, delimiter: string): string[] {
  if (!text.includes('"')) return text.split(delimiter);
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) {
      out.push(cell);
      cell = '';
    } else cell += ch;
  }
  out.push(cell);
  return out;
}

/** Whether a record is complete: quotes balanced. */
function openQuotes(text: string): boolean {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n % 2 === 1;
}

export interface FastTable {
  header: string[];
  delimiter: string;
  encoding: string;
  /** The header's line: title rows may sit above it (a workbook saved as CSV keeps them). */
  headerLine: number;
  /** An Excel workbook (.xlsx), not a CSV: for the account's format. */
  workbook: boolean;
  /** The line from which UTF-8 follows Windows-1252 (two exports appended), found in the first 64 KB: read on, said. */
  mixedFromLine?: number;
  /**
   * Set by `scan` when it read a code-page file as UTF-8 from this line on: UTF-8 bytes found in
   * it (two exports appended), in the first 64 KB (then mixedFromLine says so too) or past them.
   */
  utf8FromLine?: number;
  /** Set by `scan` when the code page came back after UTF-8, from this line on (three exports appended). */
  codePageAgainLine?: number;
  /** 0-based columns hidden in the workbook (Excel only). */
  hiddenColumns?: ReadonlySet<number>;
  /** A workbook with sheets hidden in Excel that hold rows (Excel only): the sheet read, and those left. */
  sheets?: { read: string; hidden: string[] };
  /**
   * Calls `onRow` for each record after the header; the view is reused from row to row. `cells`
   * (a workbook's only) is told of text struck through in Excel in the columns it reads: a row
   * struck whole is not handed to `onRow`, struck text is left out of its cell.
   */
  scan(onRow: (row: RowView) => void, cells?: StruckCells): Promise<void>;
}

/** What the reader of a workbook is told of its struck-through cells (see FastTable.scan). */
export interface StruckCells {
  /** The 0-based columns read (now: a second header may change them). */
  read(): ReadonlySet<number>;
  /** A row every read non-empty cell of which is crossed out; `values`, as stored. */
  struckRow(line: number, values: string[]): void;
  /** Text struck in a read cell: `kept`, what the cell is read as. */
  struckText(line: number, column: number, struck: string[], kept: string): void;
}

/**
 * `isHeader`: the header may sit under title rows (as the town-hall list's may), in a workbook or
 * in the CSV Excel saves from it (« ARS Centre-Val de Loire;;;;;; »): it is looked for among the
 * first lines; failing that, the first line is the header.
 */
export async function openFastTable(path: string, file: string, isHeader?: (cells: string[]) => boolean): Promise<FastTable> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw unreadable(err, file);
  }
  const sample = Buffer.alloc(64 * 1024);
  let bytesRead: number;
  try {
    ({ bytesRead } = await handle.read(sample, 0, sample.length, 0));
  } catch (err) {
    // A folder opens, then fails to read (EISDIR).
    throw unreadable(err, file);
  } finally {
    await handle.close();
  }
  if (bytesRead === 0) throw new RelaisError('fichier vide', { file, line: 1 });
  // An export saved from Excel (.xlsx, a zip): read as a workbook, like the town-hall list.
  if (bytesRead >= 4 && sample[0] === 0x50 && sample[1] === 0x4b && sample[2] === 0x03 && sample[3] === 0x04) return openWorkbook(path, file, isHeader);
  const encoding = await sniffFileEncoding(path, sample.subarray(0, bytesRead), bytesRead < sample.length);
  const head = decodeWhole(encoding.decoder, sample.subarray(encoding.bomLength, bytesRead));
  if (head.includes('\0')) {
    throw new RelaisError(`le fichier contient des octets nuls (encodage lu : ${encoding.label}) : ce n'est pas un export texte ; exportez-le en CSV UTF-8`, { file, line: 1 });
  }
  const lines = head.split(/\r\n|\n|\r/);
  const firstLine = lines[0] ?? '';
  if (firstLine.length === head.length && bytesRead === sample.length) throw new RelaisError('la première ligne dépasse 64 Ko : ce n’est pas un export CSV', { file, line: 1 });
  // Only complete lines of the sample are candidates (the last one may be cut).
  const complete = bytesRead === sample.length ? lines.slice(0, -1) : lines;
  let headerIndex = 0;
  if (isHeader) {
    const found = complete.slice(0, HEADER_SEARCH_LINES).findIndex((l) => isHeader(splitRecord(l, sniffDelimiter(l)).map((h) => h.trim())));
    if (found > 0) headerIndex = found;
  }
  const headerText = lines[headerIndex] ?? '';
  const delimiter = sniffDelimiter(headerText);
  const header = splitRecord(headerText, delimiter).map((h) => h.trim());
  const headerLine = headerIndex + 1;
  const scan = async (onRow: (row: RowView) => void) => {
    const scanner = new Scanner(file, delimiter, onRow, headerLine);
    try {
      await scanner.run(path, encoding.decoder, encoding.bomLength);
    } finally {
      if (scanner.utf8FromLine !== undefined) table.utf8FromLine = scanner.utf8FromLine;
      if (scanner.codePageAgainLine !== undefined) table.codePageAgainLine = scanner.codePageAgainLine;
    }
  };
  const table: FastTable = { header, delimiter, encoding: encoding.label, headerLine, workbook: false, scan, ...(encoding.mixedFromLine === undefined ? {} : { mixedFromLine: encoding.mixedFromLine }) };
  return table;
}

/**
 * A workbook's first visible sheet, read whole (see data/xlsx.ts), handed over row by row in the same view
 * as a CSV's: the cells' text side by side in one buffer. Line numbers are the sheet's own.
 */
async function openWorkbook(path: string, file: string, isHeader?: (cells: string[]) => boolean): Promise<FastTable> {
  const { readXlsx } = await import('../data/xlsx.js');
  const table = await readXlsx(path, file, isHeader);
  const view: RowView = { line: 0, count: 0, buf: Buffer.alloc(0), starts: new Int32Array(64), ends: new Int32Array(64) };
  const scan = async (onRow: (row: RowView) => void, struck?: StruckCells): Promise<void> => {
    for await (const row of table.rows) {
      let values = row.values;
      if (row.notes && struck) {
        // Crossed out in Excel: not to use, as in the mayors' and town halls' files.
        const read = struck.read();
        if (struckWhole(row, read)) {
          struck.struckRow(row.line, row.values);
          continue;
        }
        values = withoutStruck(row, read, (note) => struck.struckText(row.line, note.column, note.struck, note.kept));
      }
      const cells = values.map((v) => Buffer.from(v, 'utf8'));
      if (cells.length > view.starts.length) {
        view.starts = new Int32Array(cells.length);
        view.ends = new Int32Array(cells.length);
      }
      let at = 0;
      cells.forEach((c, i) => {
        view.starts[i] = at;
        view.ends[i] = at += c.length;
      });
      view.buf = Buffer.concat(cells, at);
      view.count = cells.length;
      view.line = row.line;
      onRow(view);
    }
  };
  return {
    header: table.header.map((h) => h.trim()),
    delimiter: ';',
    encoding: 'classeur Excel (.xlsx)',
    headerLine: table.headerLine,
    workbook: true,
    scan,
    ...(table.hiddenColumns ? { hiddenColumns: table.hiddenColumns } : {}),
    ...(table.sheets ? { sheets: table.sheets } : {}),
  };
}

/** Just past the last complete line end (LF, CRLF or a CR not at the very end) before `have`. */
function lastLineEnd(buf: Buffer, have: number): number {
  for (let i = have - 1; i >= 0; i--) {
    const b = buf[i];
    if (b === 10) return i + 1;
    if (b === 13 && i < have - 1) return i + 1;
  }
  return 0;
}

/** Just past the line end that follows `start` (CRLF counted as one), or `limit`. */
function nextLineEnd(buf: Buffer, start: number, limit: number): number {
  for (let i = start; i < limit; i++) {
    if (buf[i] === 10) return i + 1;
    if (buf[i] === 13) return buf[i + 1] === 10 && i + 1 < limit ? i + 2 : i + 1;
  }
  return limit;
}

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

/** The single-byte code pages of office exports, after which a UTF-8 export may be appended. */
const CODE_PAGES = new Set(['windows-1252', 'macintosh']);

class Scanner {
  private line = 0;
  /** The line from which a code-page file turned out to be UTF-8 (see run). */
  utf8FromLine: number | undefined;
  /** The line from which it is in its code page again, after UTF-8 (three exports appended). */
  codePageAgainLine: number | undefined;
  /** A record with an open quote, carried over to the next lines. */
  private record: string | undefined;
  private recordLine = 0;
  private readonly view: RowView = { line: 0, count: 0, buf: Buffer.alloc(0), starts: new Int32Array(64), ends: new Int32Array(64) };
  private readonly delim: number;

  constructor(
    private readonly file: string,
    private readonly delimiter: string,
    private readonly onRow: (row: RowView) => void,
    /** Lines up to this one are the header and the titles above it, not records. */
    private readonly headerLine = 1,
  ) {
    this.delim = delimiter.charCodeAt(0);
  }

  async run(path: string, decoding: string, bomLength: number): Promise<void> {
    const handle = await open(path, 'r');
    try {
      const utf8 = decoding === 'utf-8';
      let decoder = utf8 ? undefined : new TextDecoder(decoding);
      const raw = utf8 ? undefined : Buffer.allocUnsafe(CHUNK);
      // A code-page export with a UTF-8 one appended (the sniff sees only the first 64 KB): every
      // chunk is looked at for UTF-8's accented letters, as the table reader does (decodingStream),
      // and from the first one on the file is decoded as UTF-8, so that « Infirmière » is not
      // counted as « InfirmiÃ¨re ». The last two bytes of a chunk wait for the next one, which may
      // end their sequence. The line the warning names: those read, then the breaks in what waits.
      let watch = CODE_PAGES.has(decoding);
      let carry = Buffer.alloc(0);
      let work = Buffer.allocUnsafe(2 * CHUNK);
      let have = 0;
      let position = bomLength;
      const watched = (chunk: Buffer, eof: boolean, earlier: readonly Buffer[] = []): string => {
        // The chunk is searched where it is; only the carried bytes and its first two are copied.
        let at = carry.length ? utf8Sequence(Buffer.concat([carry, chunk.subarray(0, 2)])) : -1;
        if (at < 0 || at >= carry.length) {
          const inChunk = utf8Sequence(chunk);
          at = inChunk < 0 ? -1 : carry.length + inChunk;
        }
        if (at < 0 && chunk.length >= 2) {
          // A single-byte code page decodes byte by byte: no state is carried between calls.
          const keep = eof ? 0 : 2;
          const text = decoder!.decode(carry) + decoder!.decode(chunk.subarray(0, chunk.length - keep));
          carry = Buffer.from(chunk.subarray(chunk.length - keep));
          return text;
        }
        const seen = Buffer.concat([carry, chunk]);
        if (at < 0) {
          // A last chunk of fewer than two bytes (or the end of the file).
          const keep = eof ? 0 : Math.min(2, seen.length);
          carry = Buffer.from(seen.subarray(seen.length - keep));
          return decoder!.decode(seen.subarray(0, seen.length - keep));
        }
        // Decoded text keeps the code page's line breaks where they were: what waits in `work`
        // (a cut line, perhaps a CR) and the bytes before `at` are counted as one run.
        this.utf8FromLine ??= lineAt(earlier, seen, at);
        const before = decoder!.decode(seen.subarray(0, at));
        watch = false;
        carry = Buffer.alloc(0);
        return before + inUtf8(seen.subarray(at), eof, [...earlier, seen.subarray(0, at)]);
      };
      // The line of byte `at` of `seen`: those read, then the breaks in what waits in `work` (a cut
      // line, perhaps a CR), in the bytes of this chunk decoded before `seen` (`earlier`) and in
      // those before `at`, counted as one run.
      const lineAt = (earlier: readonly Buffer[], seen: Buffer, at: number) => {
        const counter = new LineCounter().add(work, 0, have);
        for (const bytes of earlier) counter.add(bytes);
        return this.line + 1 + counter.add(seen, 0, at).lines;
      };
      // After a switch to UTF-8, a third export in the code page may follow (three appended): its
      // first byte that is not UTF-8 switches back, and the watch goes on. Decoded as UTF-8 it
      // would have read « �tudiant », a category of its own, without a word. A sequence cut by
      // the chunk's end waits for the next one.
      const inUtf8 = (chunk: Buffer, eof: boolean, earlier: readonly Buffer[] = []): string => {
        const seen = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        const end = eof ? seen.length : completeUtf8(seen);
        if (isUtf8(seen.subarray(0, end))) {
          carry = Buffer.from(seen.subarray(end));
          return seen.toString('utf8', 0, end);
        }
        const bad = firstNotUtf8(seen);
        this.codePageAgainLine ??= lineAt(earlier, seen, bad);
        decoder = new TextDecoder(decoding);
        watch = true;
        carry = Buffer.alloc(0);
        return seen.toString('utf8', 0, bad) + watched(seen.subarray(bad), eof, [...earlier, seen.subarray(0, bad)]);
      };
      for (let eof = false; !eof; ) {
        let bytes: Uint8Array | undefined;
        if (work.length - have < CHUNK) {
          const bigger = Buffer.allocUnsafe(have + 2 * CHUNK);
          work.copy(bigger, 0, 0, have);
          work = bigger;
        }
        if (!raw) {
          const { bytesRead } = await handle.read(work, have, CHUNK, position);
          position += bytesRead;
          have += bytesRead;
          eof = bytesRead === 0;
        } else {
          const { bytesRead } = await handle.read(raw, 0, CHUNK, position);
          position += bytesRead;
          eof = bytesRead === 0;
          const chunk = raw.subarray(0, bytesRead);
          bytes = Buffer.from(watch ? watched(chunk, eof) : this.utf8FromLine !== undefined ? inUtf8(chunk, eof) : eof ? decoder!.decode() : decoder!.decode(chunk, { stream: true }), 'utf8');
          if (work.length - have < bytes.length) {
            const bigger = Buffer.allocUnsafe(have + bytes.length + CHUNK);
            work.copy(bigger, 0, 0, have);
            work = bigger;
          }
          work.set(bytes, have);
          have += bytes.length;
        }
        // Whole lines only; the last, cut line waits for the next chunk. A CR ends a line (old Mac
        // exports), but a CR at the very end may be the first half of a CRLF: it waits too.
        const limit = eof || have === 0 ? have : lastLineEnd(work, have);
        if (utf8 && limit > 0 && !isUtf8(work.subarray(0, limit))) this.badEncoding(work, limit);
        this.lines(work, limit);
        work.copy(work, 0, limit, have);
        have -= limit;
        if (have > MAX_FIELD) throw new RelaisError(tooLong('ligne'), { file: this.file, line: this.line + 1 });
      }
      if (this.record !== undefined) throw new RelaisError('guillemet ouvert jamais refermé', { file: this.file, line: this.recordLine });
    } finally {
      await handle.close();
    }
  }

  /** Finds the first line that is not UTF-8, for the message. */
  private badEncoding(buf: Buffer, limit: number): never {
    let line = this.line + 1;
    for (let start = 0; start < limit; line++) {
      const end = Math.min(limit, nextLineEnd(buf, start, limit));
      if (!isUtf8(buf.subarray(start, end))) break;
      start = end;
    }
    throw new RelaisError(notUtf8Message(line), { file: this.file, line });
  }

  private lines(buf: Buffer, limit: number): void {
    const d = this.delim;
    const view = this.view;
    view.buf = buf;
    let pos = 0;
    while (pos < limit) {
      this.line++;
      let count = 0;
      let fieldStart = pos;
      let quote = false;
      let i = pos;
      for (; i < limit; i++) {
        const b = buf[i];
        if (b === d) {
          if (count === view.starts.length) this.growView();
          view.starts[count] = fieldStart;
          view.ends[count++] = i;
          fieldStart = i + 1;
        } else if (b === 10 || b === 13) break;
        else if (b === 34) quote = true;
      }
      const end = i;
      if (quote || this.record !== undefined) {
        this.textLine(buf.toString('utf8', pos, end));
        view.buf = buf;
      } else if (end > pos) {
        if (end - pos > MAX_FIELD) throw new RelaisError(tooLong('enregistrement'), { file: this.file, line: this.line });
        if (this.line > this.headerLine) {
          if (count === view.starts.length) this.growView();
          view.starts[count] = fieldStart;
          view.ends[count++] = Math.max(fieldStart, end);
          view.count = count;
          view.line = this.line;
          this.onRow(view);
        }
      }
      // CRLF is one line end; a bare CR or LF is one too.
      pos = buf[i] === 13 && i + 1 < limit && buf[i + 1] === 10 ? i + 2 : i + 1;
    }
  }

  /** The text path: quotes, and records over several lines. */
  private textLine(text: string): void {
    if (this.record !== undefined) this.record += `\n${text}`;
    else {
      if (text === '') return;
      this.record = text;
      this.recordLine = this.line;
    }
    if (this.record.length > MAX_FIELD) throw new RelaisError(tooLong('enregistrement'), { file: this.file, line: this.recordLine });
    if (this.record.includes('"') && openQuotes(this.record)) return;
    const values = splitRecord(this.record, this.delimiter);
    this.record = undefined;
    if (this.recordLine <= this.headerLine) return; // the header, or a title above it
    const view = this.view;
    while (values.length > view.starts.length) this.growView();
    view.buf = Buffer.from(values.join(''), 'utf8');
    let at = 0;
    for (const [i, v] of values.entries()) {
      view.starts[i] = at;
      at += Buffer.byteLength(v, 'utf8');
      view.ends[i] = at;
    }
    view.count = values.length;
    view.line = this.recordLine;
    this.onRow(view);
  }

  private growView(): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.view.starts = grow(this.view.starts);
    this.view.ends = grow(this.view.ends);
  }
}
