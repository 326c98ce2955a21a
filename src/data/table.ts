import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { RelaisError, systemReason } from '../errors.js';
import { decodeWhole, decodingStream, mixedEncodingMessage, sniffFileEncoding } from './encoding.js';
import { fileHead, paddingOnlyMessage, type EndPadding } from './file-end.js';
import { twoRowHeader } from './header-rows.js';
import { isPlainFile, plainRecords } from './plain-rows.js';
import { readXlsx } from './xlsx.js';

/**
 * Reads the tables préfecture staff actually have: CSV or TSV exported by Excel, LibreOffice or
 * data.gouv.fr, in UTF-8 (with or without BOM), UTF-16 (Excel "texte Unicode") or Windows-1252,
 * with `;`, `,` or tab; and .xlsx workbooks. Rows are streamed: a national file is read without
 * holding it in memory. Every error names the file and the line.
 */
export interface TableRow {
  /** 1-based line (or spreadsheet row) where the record starts. */
  line: number;
  values: string[];
  /** Workbook cells whose shown text and stored value disagree (Excel only); absent when none. */
  notes?: CellNote[];
}

/**
 * A workbook cell whose shown text and stored value disagree, as read (column 0-based):
 * - `lien`: it shows addresses and links (mailto:) to none of them; `shown`, the addresses the
 *   cell's text holds (« ; » between them), which the row's value holds, `target` is where its
 *   link goes;
 * - `barre`: text struck through in Excel (an old address crossed out and the new one typed
 *   beside it; `whole`, the cell itself by its format). The row's value holds the whole text,
 *   as stored; `struck` are the crossed-out stretches and `kept` what the cell says without them.
 */
export type CellNote = { column: number } & ({ kind: 'lien'; shown: string; target: string } | { kind: 'barre'; struck: string[]; kept: string; whole?: true });

export interface Table {
  file: string;
  encoding: string;
  delimiter: string;
  header: string[];
  headerLine: number;
  rows: AsyncIterable<TableRow>;
  /**
   * A header on two rows (a group name over its columns' names, see twoRowHeader): its lines
   * (`headerLine` is the lower one, the last before the data) and how its groups were read.
   */
  twoRowHeader?: {
    lines: [number, number];
    groups: Array<{ name: string; under: string[] }>;
    /** Its two rows as the table's rows give them (and as a CSV export writes them): a row equal to one is the header repeated. */
    rows: string[][];
  };
  /** 0-based columns hidden in the workbook (Excel only): an old column kept out of sight. */
  hiddenColumns?: ReadonlySet<number>;
  /** A workbook with sheets hidden in Excel that hold rows (Excel only): the sheet read, and those left. */
  sheets?: { read: string; hidden: string[] };
  /** A workbook whose first sheets lack the header asked for (Excel only): the sheet read, which has it, and those before it. */
  sheetFound?: { read: string; skipped: string[] };
  /**
   * Rows hidden in the workbook (Excel only; their lines): read like the others — a filter hides
   * rows too, and what is filtered out is still the list — but said where a message names one.
   */
  hiddenRows?: ReadonlySet<number>;
  /** NUL bytes or a DOS end mark (Ctrl-Z) after the last line (CSV only): left out of the rows. */
  endPadding?: EndPadding;
}

/** What the user is told of a workbook read from a sheet other than its first (see Table.sheetFound). */
export function sheetFoundMessage(found: { read: string; skipped: string[] }): string {
  const many = found.skipped.length > 1;
  return `feuille « ${found.read} » lue : elle porte les colonnes attendues, que ${many ? 'les feuilles' : 'la feuille'} ${found.skipped.map((n) => `« ${n} »`).join(', ')}, placée${many ? 's' : ''} avant elle, ne ${many ? 'portent' : 'porte'} pas (${many ? 'laissées' : 'laissée'} de côté)`;
}

/** « ligne 12 », or « ligne 12, masquée dans Excel » for a row the user does not see. */
export function lineName(table: Pick<Table, 'hiddenRows'>, line: number): string {
  return `ligne ${line}${table.hiddenRows?.has(line) ? ', masquée dans Excel' : ''}`;
}

/** What the user is told of a workbook's hidden sheets, left unread (see Table.sheets). */
export function hiddenSheetsMessage(sheets: { read: string; hidden: string[] }): string {
  const many = sheets.hidden.length > 1;
  return `feuille « ${sheets.read} » lue ; ${many ? 'les feuilles' : 'la feuille'} ${sheets.hidden.map((n) => `« ${n} »`).join(', ')}, ${many ? 'masquées' : 'masquée'} dans Excel, ${many ? 'sont laissées' : 'est laissée'} de côté ; si c'est une feuille masquée qu'il faut lire, affichez-la (clic droit sur un onglet, « Afficher ») et placez-la en premier`;
}

export interface OpenTableOptions {
  /** Name shown to the user (relative to the campaign folder). */
  displayName?: string;
  /** Recognises the header among the first lines (exports such as the 2020 RNE start with a title). */
  isHeader?: (cells: string[]) => boolean;
}

const SAMPLE_BYTES = 64 * 1024;
/**
 * How far down a file its header is looked for, under the title rows an office or a platform puts
 * above it (« Export des inscriptions », the filters applied, the date: a dozen lines).
 */
export const HEADER_SEARCH_LINES = 30;
const MAX_RECORD_BYTES = 1024 * 1024;
const DELIMITERS = [';', '\t', ','] as const;

export const DELIMITER_NAMES: Record<string, string> = { ';': 'point-virgule', ',': 'virgule', '\t': 'tabulation' };

/** Counts each candidate outside quotes; the most frequent one on the header line wins. */
export function sniffDelimiter(line: string): string {
  let best: string = ';';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    let count = 0;
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (ch === d && !quoted) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

function splitLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      if (quoted && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === delimiter && !quoted) {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

/** CRLF, LF and a bare CR each end one line. */
export function lineBreaks(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

function csvErrorToRelais(err: unknown, file: string, line: number): RelaisError {
  if (err instanceof RelaisError) return err;
  // csv-parse's CsvError, known by its codes: the module is loaded only for a file with quotes.
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('CSV_') && err instanceof Error) {
    // The record that could not be read starts on the line after the last one read.
    const loc = { file, line };
    switch (code) {
      case 'CSV_QUOTE_NOT_CLOSED':
        return new RelaisError(`guillemet ouvert jamais refermé : le fichier est coupé ou un champ contient un guillemet isolé`, loc);
      case 'CSV_MAX_RECORD_SIZE':
        return new RelaisError(`enregistrement de plus de ${MAX_RECORD_BYTES / 1024} Ko : ce n'est pas un tableau lisible`, loc);
      default:
        return new RelaisError(`tableau illisible (${code})`, loc);
    }
  }
  return unreadable(err, file);
}

/**
 * LibreOffice's own format (.ods, common in French administrations): a zip whose first member,
 * stored uncompressed by the standard, is `mimetype` holding the OpenDocument type.
 */
export function isOpenDocument(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 120)).toString('latin1').includes('mimetypeapplication/vnd.oasis.opendocument');
}

export const OPEN_DOCUMENT = `classeur OpenDocument (LibreOffice, .ods) : relais lit les classeurs Excel .xlsx et les fichiers CSV ; enregistrez-le sous l'un de ces formats`;

/** A file that cannot be opened or read: the system's reason, in French. */
export function unreadable(err: unknown, file: string): RelaisError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new RelaisError('fichier introuvable', { file }, { cause: err });
  return new RelaisError(`lecture impossible : ${systemReason(err) ?? `erreur du système (${code ?? 'inconnue'})`}`, { file }, { cause: err });
}

/** The size of a data file that exists, is a file and holds something; else a French error. */
export async function dataFileSize(path: string, file: string): Promise<number> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new RelaisError(`ce n'est pas un fichier`, { file });
    size = s.size;
  } catch (err) {
    if (err instanceof RelaisError) throw err;
    throw unreadable(err, file);
  }
  if (size === 0) throw new RelaisError(`fichier vide`, { file, line: 1 });
  return size;
}

export async function openTable(path: string, options: OpenTableOptions = {}): Promise<Table> {
  const file = options.displayName ?? path;
  const size = await dataFileSize(path, file);
  if (/\.xlsx$/i.test(path)) return readXlsx(path, file, options.isHeader);

  let head: Awaited<ReturnType<typeof fileHead>>;
  try {
    const handle = await open(path, 'r');
    try {
      head = await fileHead(handle, size, SAMPLE_BYTES);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw unreadable(err, file);
  }
  const { sample, end, padding } = head;
  if (end === 0) throw new RelaisError(paddingOnlyMessage(padding), { file, line: 1 });
  if (isOpenDocument(sample)) throw new RelaisError(OPEN_DOCUMENT, { file });
  if (sample.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) {
    throw new RelaisError(`ce fichier est un classeur (xlsx) : donnez-lui l'extension .xlsx`, { file });
  }
  const encoding = await sniffFileEncoding(path, sample, sample.length === end);
  // Addresses and names read « HA´TEL DE VILLE » would be printed as such: refused, said where.
  if (encoding.mixedFromLine !== undefined) throw new RelaisError(mixedEncodingMessage(encoding.mixedFromLine, encoding.label), { file, line: encoding.mixedFromLine });
  const text = decodeWhole(encoding.decoder, sample.subarray(encoding.bomLength));
  const nulAt = text.indexOf('\0');
  if (nulAt >= 0) {
    const line = 1 + lineBreaks(text.slice(0, nulAt));
    // NUL bytes from the first line on: not text. Further down: a text file damaged there.
    const why = line === 1 ? `ce n'est pas un tableau texte ; exportez-le en CSV UTF-8` : `le fichier est abîmé à partir de cette ligne (copie interrompue ?) ; vérifiez-le ou exportez-le à nouveau`;
    throw new RelaisError(`le fichier contient des octets nuls (encodage lu : ${encoding.label}) : ${why}`, { file, line });
  }
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length === 1 && end > SAMPLE_BYTES) {
    throw new RelaisError(`la première ligne dépasse ${SAMPLE_BYTES / 1024} Ko sans fin de ligne : ce n'est pas un tableau CSV`, { file, line: 1 });
  }
  // The last line of the sample may be cut: only complete lines are candidates for the header.
  const complete = end > SAMPLE_BYTES ? lines.slice(0, -1) : lines;
  let headerIndex = complete.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) throw new RelaisError(`fichier vide (aucune ligne non vide)`, { file, line: 1 });
  if (options.isHeader) {
    for (let i = headerIndex; i < Math.min(complete.length, HEADER_SEARCH_LINES); i++) {
      const candidate = complete[i] ?? '';
      if (options.isHeader(splitLine(candidate, sniffDelimiter(candidate)))) {
        headerIndex = i;
        break;
      }
    }
  }
  const headerText = complete[headerIndex] ?? '';
  const delimiter = sniffDelimiter(headerText);
  let header = splitLine(headerText, delimiter);
  let headerLine = headerIndex + 1;
  // An Excel header on two rows, saved as CSV: its group names over the line of their columns' names.
  let twoRows: Table['twoRowHeader'];
  const below = complete[headerIndex + 1];
  const read = options.isHeader && below?.trim() ? twoRowHeader(header, splitLine(below, delimiter)) : undefined;
  if (read && options.isHeader!(read.names)) {
    twoRows = { lines: [headerLine, headerLine + 1], groups: read.groups, rows: [header, splitLine(below!, delimiter)] };
    header = read.names;
    headerLine++;
  }

  async function* rows(): AsyncGenerator<TableRow> {
    // csv-parse guesses the line ending from the first one it meets: a file whose endings change
    // midway (one export appended to another) would be read as a handful of huge rows. Every
    // ending is given, and lines are counted here (csv-parse counts a quoted CRLF as two).
    // Empty lines are kept as records so that the count stays true; they are dropped below.
    const plain = await isPlainFile(path, encoding.decoder, delimiter, end);
    // Only a file with quotes (or very long lines) needs csv-parse: loaded then, not at start.
    const parse = plain ? undefined : (await import('csv-parse')).parse;
    // Only a padded file is read short: a stream told its end finishes sooner, and csv-parse's
    // error at the end of a file (an unclosed quote) would then come before the rows above it.
    const source = padding ? createReadStream(path, { end: end - 1 }) : createReadStream(path);
    const decoded = source.pipe(decodingStream(encoding, file));
    let records: AsyncIterable<string[]>;
    if (!parse) {
      source.on('error', (err) => decoded.destroy(err));
      records = plainRecords(decoded, delimiter, headerLine);
    } else {
      const parser = parse({
        delimiter,
        record_delimiter: ['\r\n', '\n', '\r'],
        from_line: headerLine + 1,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: false,
        trim: true,
        max_record_size: MAX_RECORD_BYTES,
      });
      decoded.on('error', (err) => parser.destroy(err));
      decoded.pipe(parser);
      records = parser as AsyncIterable<string[]>;
    }
    let line = headerLine + 1;
    try {
      for await (const values of records) {
        const start = line;
        // Only quoted values hold line breaks (never in a plain file): each one moves the next
        // record down a line.
        line += plain ? 1 : 1 + values.reduce((n, v) => n + lineBreaks(v), 0);
        if (values.every((v) => v === '')) continue;
        yield { line: start, values };
      }
    } catch (err) {
      throw csvErrorToRelais(err, file, line);
    } finally {
      source.destroy();
    }
  }

  return { file, encoding: encoding.label, delimiter, header, headerLine, rows: rows(), ...(twoRows ? { twoRowHeader: twoRows } : {}), ...(padding ? { endPadding: padding } : {}) };
}
