import { readFile } from 'node:fs/promises';
import { RelaisError, systemReason } from '../errors.js';
import { twoRowHeader } from './header-rows.js';
import { HEADER_SEARCH_LINES, type CellNote, type Table, type TableRow } from './table.js';
import { to1904, workbookDate1904 } from './xlsx-dates.js';

/** Addresses in a cell's shown text (« Mairie : a@x.fr ; b@x.fr »). */
const EMAIL_IN_TEXT = /(?:mailto:)?[^\s@;,:<>()"«»]+@[^\s@;,:<>()"«»]+\.[^\s@;,:<>()"«»]*[^\s@;,:<>()"«».]/gi;

/** A mailto: link's address: without the scheme, the « ?subject=… », and its %40 spelled out. */
function mailtoTarget(link: string): string {
  const bare = link.trim().replace(/^mailto:/i, '').replace(/\?.*$/, '').trim();
  try {
    return decodeURIComponent(bare);
  } catch {
    return bare;
  }
}

type Run = { text: string; font?: { strike?: boolean } };
type CellObject = { text?: unknown; richText?: Run[]; result?: unknown; hyperlink?: string; error?: string };

const isStruck = (r: Run): boolean => r.font?.strike === true;

/** The runs of a rich-text cell, or of a link whose text is rich text. */
function runsOf(v: CellObject): Run[] | undefined {
  if (Array.isArray(v.richText)) return v.richText;
  const inner = v.text as { richText?: unknown } | undefined;
  return inner && typeof inner === 'object' && Array.isArray(inner.richText) ? (inner.richText as Run[]) : undefined;
}

/**
 * Text struck through in a rich-text cell (last year's address crossed out, this year's typed
 * beside it) is shown as not to use, and stored like the rest. The reader reads the whole text,
 * as stored, and notes the struck stretches with what the cell says without them: what to do
 * with it is the caller's (the campaign's sources leave it out, and say so).
 */
function struckNote(v: CellObject, column: number): CellNote | undefined {
  const runs = runsOf(v);
  if (!runs?.some(isStruck)) return undefined;
  const struck: string[] = [];
  let last = false;
  for (const r of runs) {
    const strike = isStruck(r);
    if (strike && last) struck[struck.length - 1] += r.text;
    else if (strike) struck.push(r.text);
    last = strike;
  }
  const said = struck.map((t) => t.trim()).filter(Boolean);
  if (!said.length) return undefined;
  const left = runs.filter((r) => !isStruck(r));
  // « old@x.fr new@x.fr » with the first struck leaves two spaces where it was: made one. Struck
  // whole, a link is crossed out, target and all.
  const leftText = left.map((r) => r.text).join('').replace(/ {2,}/g, ' ').trim();
  const kept = leftText === '' ? '' : cellText(Array.isArray(v.richText) ? { ...v, richText: left } : { ...v, text: { richText: left } });
  return { kind: 'barre', column, struck: said, kept: kept.replace(/ {2,}/g, ' ') };
}

/**
 * .xlsx contact lists (the préfecture's own files are often Excel). Only the first visible
 * worksheet counts. Row numbers are the spreadsheet's own.
 *
 * @param notes where a cell whose shown text and stored value disagree is told (its 0-based
 * `column`); only cells that are objects (links, rich text) can, so ordinary cells cost nothing more.
 */
export function cellText(value: unknown, column = -1, notes?: CellNote[]): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  // Excel keeps 15 significant digits of a number: one of 16 digits and more (an id typed as a
  // number) has lost its last ones, and two ids may have become one. Read as Excel shows it, in
  // scientific notation, which the readers know not to trust (a text cell keeps every digit).
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 1e15) return value.toExponential().toUpperCase();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // A number beyond any calendar in a cell formatted as a date: exceljs gives an invalid Date.
  // exceljs gives the sheet's wall-clock date and time as UTC: a time of day is kept (a post's
  // hour, a sign-up's), a plain date stays a date.
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    const iso = value.toISOString();
    return iso.slice(11, 19) === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, iso.slice(17, 19) === '00' ? 16 : 19)}`;
  }
  if (typeof value === 'object') {
    const v = value as CellObject;
    if (notes) {
      const struck = struckNote(v, column);
      if (struck) notes.push(struck);
    }
    // A link « Écrire à la mairie » to mailto:mairie@x.fr: the address is the link's target. A
    // cell whose text holds addresses (« a@x.fr », « a@x.fr ; b@x.fr », « Mairie : a@x.fr ») keeps
    // its text: Excel leaves the link as it was when the text is edited, and the target is then
    // last year's address, shown nowhere in the file.
    if (typeof v.hyperlink === 'string' && /^mailto:/i.test(v.hyperlink.trim())) {
      const shown = Array.isArray(v.richText) ? v.richText.map((r) => r.text).join('').trim() : v.text !== undefined ? cellText(v.text) : '';
      const target = mailtoTarget(v.hyperlink);
      const addresses = shown.match(EMAIL_IN_TEXT)?.map((a) => a.replace(/^mailto:/i, '')) ?? [];
      if (!addresses.length) return target;
      // The link goes elsewhere than any address shown: one was edited and not the other, and
      // nothing says which is this year's. The shown text is used (the one the user reads and
      // corrects); the user is told of the other. A link to one of the addresses shown (Excel
      // links the first one typed) says nothing new: the text is read as it is.
      const same = (a: string) => a.toLowerCase() === target.toLowerCase();
      if (notes && target && !addresses.some(same)) notes.push({ kind: 'lien', column, shown: addresses.join(' ; '), target });
    }
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('').trim();
    if (v.text !== undefined) return cellText(v.text);
    // A formula that failed (« #N/A » of a RECHERCHEV, « #REF! »): shown as Excel shows it, so
    // that a message quotes what the user sees in the cell, not an empty value.
    if (typeof v.error === 'string') return v.error;
    if (v.result !== undefined) return cellText(v.result);
    if (v.hyperlink) return v.hyperlink.replace(/^mailto:/i, '').trim();
  }
  return '';
}

/** Characters a number format may show around the digits of a code or a phone number. */
const FORMAT_LITERALS = new Set([' ', '\u00a0', '\u202f', '-', '.', '/', '(', ')', '+']);

/**
 * A whole number as its cell's format shows it, when the format only places digits: a postal
 * code or an INSEE code stored 1400 and shown « 01400 » (format 00000, Excel's « Code postal »),
 * a phone number stored 238123456 and shown « 02 38 12 34 56 » (format 0# ## ## ## ##). Read
 * as stored, the code would be « repaired » with a warning about a zero the user sees in the
 * cell, and the phone number would be printed without its first digit. Undefined for any other
 * format (dates, decimals, thousands, text around the digits: the stored value is what is meant).
 */
export function shownInteger(n: number, format: string): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n >= 1e15) return undefined;
  const parts: string[] = [];
  const placeholders: number[] = [];
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === ';') break;
    if (c === '0' || c === '#' || c === '?') {
      placeholders.push(parts.length);
      parts.push(c);
    } else if (c === '"') {
      const end = format.indexOf('"', i + 1);
      const text = end < 0 ? undefined : format.slice(i + 1, end);
      // Digits are allowed in quoted text only: « "+33 "0 00 00 00 00 » writes the country code.
      if (text === undefined || [...text].some((t) => !FORMAT_LITERALS.has(t) && !/[0-9]/.test(t))) return undefined;
      parts.push(text);
      i = end;
    } else if (c === '\\' || c === '_') {
      const next = format[i + 1];
      if (next === undefined || (c === '\\' && !FORMAT_LITERALS.has(next))) return undefined;
      // « _x » leaves the width of x blank.
      parts.push(c === '_' ? ' ' : next);
      i++;
    } else if (c === '[') {
      // A locale (« [$-40C] », French Excel's) changes nothing to digits; a colour or condition is a format of another kind.
      const end = format.indexOf(']', i);
      if (end < 0 || format[i + 1] !== '$') return undefined;
      i = end;
    } else if (FORMAT_LITERALS.has(c) && c !== '.') {
      parts.push(c);
    } else return undefined;
  }
  if (placeholders.length === 0) return undefined;
  // Excel shows no digit for a zero where no place asks for one (« # »).
  let digits = n === 0 ? '' : String(n);
  // Filled from the right; the leftmost placeholder takes every digit left over, as Excel does.
  for (let k = placeholders.length - 1; k >= 0; k--) {
    const at = placeholders[k]!;
    const kind = parts[at]!;
    const take = k === 0 ? digits : digits.slice(-1);
    digits = k === 0 ? '' : digits.slice(0, -1);
    parts[at] = take || (kind === '0' ? '0' : kind === '?' ? ' ' : '');
  }
  return parts.join('').trim();
}

/**
 * The whole workbook is read at once (exceljs on JSZip), not streamed. exceljs' streaming reader
 * (unzipper underneath) trusts each part's local header and waits forever when one disagrees
 * with the archive's directory — a workbook cut by a download or mangled by a mail gateway —
 * and, on a clean copy, sometimes reads a sheet before the list of sheets. JSZip checks the
 * directory and every part's checksum: a damaged file is a clear error, never a hang. The cost
 * is memory: some 200 MB for a national list of 35,000 town halls (CSV stays streamed).
 */
export async function readXlsx(path: string, file: string, isHeader?: (cells: string[]) => boolean): Promise<Table> {
  // Loaded on demand: exceljs is the heaviest dependency at startup, and most lists are CSV.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    throw new RelaisError(`lecture impossible : ${systemReason(err) ?? (err as NodeJS.ErrnoException).code}`, { file }, { cause: err });
  }
  try {
    // exceljs types its input as an ArrayBuffer-like "Buffer" of its own.
    await workbook.xlsx.load(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
  } catch (err) {
    // JSZip's and exceljs' own words are English and say nothing a user can act on.
    throw new RelaisError(`classeur Excel illisible, abîmé ou incomplet : ouvrez-le dans Excel et enregistrez-le à nouveau`, { file }, { cause: err });
  }
  // The 1904 date system as LibreOffice spells it (« true »), which exceljs does not read.
  const dates1904 = workbook.properties?.date1904 !== true && (await workbookDate1904(path, file)) === true;
  const sheetRows = (sheet: (typeof workbook.worksheets)[number] | undefined): TableRow[] => {
    const rows: TableRow[] = [];
    sheet?.eachRow((row) => {
      // exceljs rows are 1-based: index 0 is always empty. A blank cell is no cell at all in the
      // file, a hole in the array, which map would leave a hole: Array.from reads it as empty.
      const raw = row.values as unknown[];
      const values: string[] = new Array<string>(Math.max(0, raw.length - 1));
      let notes: CellNote[] | undefined;
      for (let i = 1; i < raw.length; i++) {
        const v = dates1904 ? to1904(raw[i]) : raw[i];
        // Only a cell that is an object (a link, rich text) can show one thing and hold another.
        const formulaNumber = typeof v === 'object' && v !== null && ('formula' in v || 'sharedFormula' in v) && typeof (v as CellObject).result === 'number' ? ((v as CellObject).result as number) : undefined;
        if (formulaNumber !== undefined) {
          // A formula (=Annuaire!C2, a RECHERCHEV) whose result is a number is shown by its cell's
          // format as a typed number is.
          const format = row.getCell(i).numFmt;
          values[i - 1] = (format ? shownInteger(formulaNumber, format) : undefined) ?? cellText(v, i - 1, (notes ??= []));
        } else if (typeof v === 'object' && v !== null && !(v instanceof Date)) values[i - 1] = cellText(v, i - 1, (notes ??= []));
        else if (typeof v === 'number') {
          // Only a number asks for its cell's format: a code or a phone number shown with its zeros.
          const format = row.getCell(i).numFmt;
          values[i - 1] = (format ? shownInteger(v, format) : undefined) ?? cellText(v);
        } else values[i - 1] = cellText(v);
        // A cell struck through whole (its format: Ctrl+5) is crossed out: noted, as its struck runs are.
        if (values[i - 1] !== '' && row.getCell(i).font?.strike === true) {
          notes = (notes ?? []).filter((n) => n.kind !== 'barre' || n.column !== i - 1);
          notes.push({ kind: 'barre', column: i - 1, struck: [values[i - 1]!], kept: '', whole: true });
        }
      }
      if (values.some((v) => v !== '')) rows.push({ line: row.number, values, ...(notes?.length ? { notes } : {}) });
    });
    return rows;
  };
  const headerOf = (rows: TableRow[]) => (isHeader ? rows.slice(0, HEADER_SEARCH_LINES).find((r) => isHeader(r.values)) : undefined) ?? rows[0];
  // A sheet hidden in Excel (last year's, « 2019 », kept out of sight, often left first) is not
  // what the user reads: the first visible sheet is the table; the hidden ones holding rows are
  // named in `sheets`, for the caller to say. Row numbers are the spreadsheet's own.
  const visible = workbook.worksheets.filter((sheet) => sheet.state !== 'hidden' && sheet.state !== 'veryHidden');
  // A « very hidden » sheet (a template's drop-down lists, hidden by a macro) is no table the
  // user kept out of sight, and Excel's « Afficher » does not list it: not named.
  const withRows = workbook.worksheets.filter((sheet) => !visible.includes(sheet) && sheet.actualRowCount > 0);
  const hiddenSheets = withRows.filter((sheet) => sheet.state === 'hidden').map((sheet) => sheet.name);
  if (visible.length === 0 && withRows.length) {
    throw new RelaisError(`toutes les feuilles du classeur sont masquées dans Excel (${withRows.map((sheet) => `« ${sheet.name} »`).join(', ')}) : affichez celle à lire (clic droit sur un onglet, « Afficher »), placez-la en premier, puis enregistrez`, { file });
  }
  let first = visible[0];
  let all = sheetRows(first);
  // A first sheet that is no table (Numbers' « Résumé de l'exportation », a « Lisez-moi » put in
  // front) while a sheet behind it has the header asked for: that one is the table, and said.
  const hasHeader = (rows: TableRow[]) => isHeader !== undefined && rows.slice(0, HEADER_SEARCH_LINES).some((r) => isHeader(r.values));
  let skipped: string[] = [];
  if (isHeader && first && !hasHeader(all)) {
    for (const sheet of visible.slice(1)) {
      const rows = sheetRows(sheet);
      if (!hasHeader(rows)) continue;
      skipped = visible.slice(0, visible.indexOf(sheet)).map((s) => s.name);
      first = sheet;
      all = rows;
      break;
    }
  }
  const hiddenRows = new Set<number>();
  first?.eachRow((row) => {
    if (row.hidden) hiddenRows.add(row.number);
  });
  const header = headerOf(all);
  if (!header && hiddenSheets.length) {
    // The rows are there, in a sheet hidden in Excel: « classeur vide » would not be true.
    throw new RelaisError(`la feuille « ${first!.name} » est vide et ${hiddenSheets.length > 1 ? 'les feuilles' : 'la feuille'} ${hiddenSheets.map((n) => `« ${n} »`).join(', ')}, masquée${hiddenSheets.length > 1 ? 's' : ''} dans Excel, ${hiddenSheets.length > 1 ? 'ont' : 'a'} des lignes : affichez celle à lire (clic droit sur un onglet, « Afficher »), placez-la en premier, puis enregistrez`, { file });
  }
  if (!header) throw new RelaisError(`classeur vide`, { file, line: 1 });
  const twoRows = isHeader && first ? subHeaderRow(first, all, header, isHeader) : undefined;
  // Another sheet under the same header is more of the same table (a sheet per département):
  // read alone, the first would leave the others' rows out without a word.
  const key = (values: string[]) => values.map((v) => v.trim().toLowerCase()).join('\u0000');
  const more = visible.filter((sheet) => sheet !== first && !skipped.includes(sheet.name)).filter((sheet) => {
    const rows = sheetRows(sheet);
    const h = headerOf(rows);
    // Its header alone (a copy left empty) holds nothing to lose.
    return h !== undefined && key(h.values) === key(header.values) && rows.some((r) => r.line > h.line);
  });
  if (more.length) {
    const names = [first!, ...more].map((s) => `« ${s.name} »`).join(', ');
    // Said for every file a campaign reads: the mayors and the town halls are one file each.
    throw new RelaisError(`classeur à plusieurs feuilles de même en-tête (${names}) : relais ne lit qu'une feuille par classeur, et les lignes des autres seraient laissées de côté ; copiez-les sous celles de la feuille « ${first!.name} » (sans répéter l'en-tête), puis enregistrez`, { file });
  }
  const dataFrom = twoRows?.lower ?? header.line;
  async function* rows(): AsyncGenerator<TableRow> {
    yield* all.filter((r) => r.line > dataFrom);
  }
  const hiddenColumns = new Set<number>();
  (first?.columns ?? []).forEach((column, i) => {
    if (column?.hidden) hiddenColumns.add(i);
  });
  const sheets = { ...(hiddenSheets.length ? { sheets: { read: first!.name, hidden: hiddenSheets } } : {}), ...(skipped.length ? { sheetFound: { read: first!.name, skipped } } : {}) };
  const headerShape = twoRows ? { header: twoRows.names, headerLine: twoRows.lower, twoRowHeader: { lines: [header.line, twoRows.lower] as [number, number], groups: twoRows.groups, rows: twoRows.rows } } : { header: header.values, headerLine: header.line };
  return { file, encoding: 'xlsx', delimiter: '', ...headerShape, rows: rows(), ...(hiddenColumns.size ? { hiddenColumns } : {}), ...(hiddenRows.size ? { hiddenRows } : {}), ...sheets };
}

type Sheet = { getCell(row: number, column: number): { isMerged: boolean; address: string; master: { address: string } } };

/**
 * The row under the header, when it holds the header's sub-headers (twoRowHeader): a group name
 * merged across its columns above their names. exceljs gives a merged cell's text in each cell
 * it covers: read as a CSV export writes it (in the first cell only), the two rows tell a group
 * (« Adresse » over three columns) from a name merged down over both rows.
 */
function subHeaderRow(sheet: Sheet, all: TableRow[], header: TableRow, isHeader: (cells: string[]) => boolean) {
  const next = all[all.indexOf(header) + 1];
  if (!next || next.line !== header.line + 1) return undefined;
  const width = Math.max(header.values.length, next.values.length);
  const asExported = (row: TableRow) =>
    Array.from({ length: width }, (_, i) => {
      const cell = sheet.getCell(row.line, i + 1);
      return cell.isMerged && cell.master.address !== cell.address ? '' : (row.values[i] ?? '');
    });
  const read = twoRowHeader(asExported(header), asExported(next));
  // A repeated header is recognised as exceljs gives its rows (a merged cell's text in each cell it
  // covers) and as a CSV export writes them (in the first only).
  return read && isHeader(read.names) ? { ...read, lower: next.line, rows: [header.values, next.values, asExported(header), asExported(next)] } : undefined;
}
