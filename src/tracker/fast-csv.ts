import { open } from 'node:fs/promises';
import { RelaisError } from '../errors.js';
import { decodeWhole, sniffFileEncoding } from '../data/encoding.js';
import { fileHead, paddingOnlyMessage, type EndPadding } from '../data/file-end.js';
import { HEADER_SEARCH_LINES, lineBreaks, sniffDelimiter, unreadable } from '../data/table.js';
import { splitRecord } from './csv-record.js';
import { Scanner } from './csv-scanner.js';
import { openWorkbook } from './workbook-rows.js';

/**
 * A CSV reader for the sign-up exports, written for throughput: a platform's daily export holds
 * every sign-up since the start and the ARS sums it every day, up to a million rows. csv-parse
 * reads such a file in 4 s here, papaparse in 1.4 s, datamash sums it in about 0.8 s. This reader
 * never makes a string for a plain line: it finds the delimiters in the file's bytes and hands
 * the reader of sign-ups the field boundaries. Lines with a quote, and quoted fields running over
 * several lines, go through the text path (`splitRecord`). It follows the same rules as the
 * mayors' reader (BOM, UTF-8/UTF-16/Windows-1252, `;` `,` or tab) and is checked against
 * csv-parse by property tests. Other encodings are converted to UTF-8 chunk by chunk.
 *
 * This module opens an export (encoding, delimiter, the header below its title rows) and says
 * what the reader of sign-ups is handed; the scan itself is csv-scanner.ts (its decoding of other
 * encodings, encoding-watch.ts), a workbook's rows workbook-rows.ts.
 */

/** One record of the table, as the scan hands it over. */
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
  /** NUL bytes or a DOS end mark (Ctrl-Z) after the last line (CSV only): left out of the rows. */
  endPadding?: EndPadding;
  /** 0-based columns hidden in the workbook (Excel only). */
  hiddenColumns?: ReadonlySet<number>;
  /** A workbook with sheets hidden in Excel that hold rows (Excel only): the sheet read, and those left. */
  sheets?: { read: string; hidden: string[] };
  /** A workbook whose first sheets lack the header asked for (Excel only): the sheet read, and those before it. */
  sheetFound?: { read: string; skipped: string[] };
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
  const SAMPLE = 64 * 1024;
  let start: Awaited<ReturnType<typeof fileHead>>;
  try {
    const { size } = await handle.stat();
    start = await fileHead(handle, size, SAMPLE);
  } catch (err) {
    // A folder opens, then fails to read (EISDIR).
    throw unreadable(err, file);
  } finally {
    await handle.close();
  }
  const { sample, end, padding } = start;
  const bytesRead = sample.length;
  if (bytesRead === 0 && !padding) throw new RelaisError('fichier vide', { file, line: 1 });
  if (bytesRead === 0) throw new RelaisError(paddingOnlyMessage(padding), { file, line: 1 });
  // An export saved from Excel (.xlsx, a zip): read as a workbook, like the town-hall list.
  if (bytesRead >= 4 && sample[0] === 0x50 && sample[1] === 0x4b && sample[2] === 0x03 && sample[3] === 0x04) return openWorkbook(path, file, isHeader);
  const encoding = await sniffFileEncoding(path, sample, end <= SAMPLE);
  const head = decodeWhole(encoding.decoder, sample.subarray(encoding.bomLength, bytesRead));
  const nulAt = head.indexOf('\0');
  if (nulAt >= 0) {
    const line = 1 + lineBreaks(head.slice(0, nulAt));
    // NUL bytes from the first line on: not text. Further down: a text file damaged there.
    const why = line === 1 ? `ce n'est pas un export texte ; exportez-le en CSV UTF-8` : `le fichier est abîmé à partir de cette ligne (copie interrompue ?) ; vérifiez-le ou exportez-le à nouveau`;
    throw new RelaisError(`le fichier contient des octets nuls (encodage lu : ${encoding.label}) : ${why}`, { file, line });
  }
  const lines = head.split(/\r\n|\n|\r/);
  const firstLine = lines[0] ?? '';
  if (firstLine.length === head.length && bytesRead === SAMPLE) throw new RelaisError('la première ligne dépasse 64 Ko : ce n’est pas un export CSV', { file, line: 1 });
  // Only complete lines of the sample are candidates (the last one may be cut).
  const complete = bytesRead === SAMPLE ? lines.slice(0, -1) : lines;
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
      await scanner.run(path, encoding.decoder, encoding.bomLength, end);
    } finally {
      if (scanner.utf8FromLine !== undefined) table.utf8FromLine = scanner.utf8FromLine;
      if (scanner.codePageAgainLine !== undefined) table.codePageAgainLine = scanner.codePageAgainLine;
    }
  };
  const table: FastTable = { header, delimiter, encoding: encoding.label, headerLine, workbook: false, scan, ...(padding ? { endPadding: padding } : {}), ...(encoding.mixedFromLine === undefined ? {} : { mixedFromLine: encoding.mixedFromLine }) };
  return table;
}
