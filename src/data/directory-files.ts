import { createReadStream } from 'node:fs';
import { RelaisError } from '../errors.js';
import { fileHead } from '../files.js';
import { normalizeHeader } from './columns.js';
import { otherServicesOnly, RECORD_MEMBERS, TOWN_HALL_TYPES, type DirectoryFormat, type TownHallFields } from './directory.js';
import { extraValues, repeatsHeader } from './header-rows.js';
import { jsonRecords, JsonShapeError, parsedRecord, type JsonItem, type JsonSkim } from './json-records.js';
import { ITEM_SIZE, nativeScanner, type NativeScan, type NativeScanResult } from './native-scan.js';
import { sniffEncoding } from './encoding.js';
import { dataFileSize, isOpenDocument, OPEN_DOCUMENT, openTable, type Table } from './table.js';
import { zipEntries, zipEntryStream } from './zip.js';

/**
 * The directory's files as published (see directory.ts for their records): recognised by content
 * — a zip, a JSON document, or a table whose header has a `pivot` column — and read as batches of
 * records, each with its number and line, before any record is classified.
 */
export interface DirectoryItem {
  /** 1-based record number in the file. */
  index: number;
  /** Line where the record starts (in the JSON member of a zip, its own line). */
  line: number;
  value?: unknown;
  error?: string;
  /** A table line that repeats the header (two exports appended): not a record. */
  repeatedHeader?: boolean;
  /** A table line with more values than the header has columns (see extraValues). */
  extra?: { values: number; columns: number };
  /** Well-formed records whose pivot names other services only, the rest of them unread: `count` in a row from this one. */
  otherService?: { count: number };
  /** A plain town hall's record, as the native scanner read its fields (townHallVerdict), instead of `value`. */
  fields?: TownHallFields;
}

export type ContactsFileKind = { kind: 'directory'; format: DirectoryFormat } | { kind: 'flat' };

export function isDirectoryHeader(cells: string[]): boolean {
  return cells.map(normalizeHeader).includes('pivot');
}


/**
 * What kind of town-hall file this is, from its first bytes (and, for a zip, its members). Throws
 * a RelaisError for what is no table nor directory at all: an HTML page, a compressed file.
 */
export async function sniffContactsFile(path: string, file: string): Promise<ContactsFileKind & { jsonMember?: string }> {
  await dataFileSize(path, file);
  const bytes = await fileHead(path, 4096);
  if (isOpenDocument(bytes)) throw new RelaisError(OPEN_DOCUMENT, { file });
  // Notepad's "Unicode" is UTF-16: the JSON reader takes UTF-8 only, and as a table it is noise.
  const { decoder } = sniffEncoding(bytes);
  if (decoder.startsWith('utf-16') && /^\uFEFF?\s*[[{]/.test(new TextDecoder(decoder).decode(bytes.subarray(0, bytes.length & ~1)))) {
    throw new RelaisError(`fichier JSON enregistré en UTF-16 : relais lit l'annuaire en UTF-8 ; réenregistrez-le en UTF-8`, { file, line: 1 });
  }
  if (bytes.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) || bytes.subarray(0, 4).equals(Buffer.from('PK\x05\x06', 'latin1'))) {
    const entries = await zipEntries(path, file);
    if (entries.some((e) => e.name === 'xl/workbook.xml')) return { kind: 'flat' };
    const json = entries.filter((e) => /\.json$/i.test(e.name) && !e.name.startsWith('__MACOSX/'));
    const files = entries.filter((e) => !e.name.endsWith('/') && !e.name.startsWith('__MACOSX/'));
    // A lone member without the extension (zipped from a pipe, say) is read as the export.
    const pick = json.length === 1 ? json[0] : json.length === 0 && files.length === 1 ? files[0] : json.find((e) => /local\.json$/i.test(e.name));
    if (!pick) {
      const names = entries.map((e) => e.name).slice(0, 8).join(', ') || 'aucun';
      throw new RelaisError(
        json.length > 1 ? `archive zip : plusieurs fichiers JSON (${names}) ; gardez celui de l'annuaire` : `archive zip sans fichier JSON de l'annuaire (fichiers : ${names})`,
        { file },
      );
    }
    return { kind: 'directory', format: 'zip', jsonMember: pick.name };
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) throw new RelaisError(`fichier compressé gzip : décompressez-le (gunzip) et donnez le fichier obtenu`, { file });
  if (bytes.subarray(0, 3).toString('latin1') === 'BZh') {
    throw new RelaisError(`archive bzip2 (data.gouv.fr publie la Base de données locales en .tar.bz2) : décompressez-la et donnez le fichier « …data.gouv_local.json » qu'elle contient`, { file });
  }
  const start = bytes.subarray(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0).toString('utf8').trimStart();
  if (start.startsWith('<')) {
    throw new RelaisError(`ce fichier est une page HTML (ou XML), pas des données : le téléchargement a sans doute reçu une page d'erreur ou de connexion au lieu de l'export`, { file, line: 1 });
  }
  if (start.startsWith('[') || start.startsWith('{')) return { kind: 'directory', format: 'json' };
  return { kind: 'flat' };
}

const MAIRIE = Buffer.from('mairie');

/**
 * Whether a pivot, given as its JSON bytes [start, end), names other services only
 * (otherServicesOnly in directory.ts); undefined when it names a town hall or is unreadable.
 * Most pivots are `[{"type_service_local":"ccas",…}]`: a list whose first entry is an object,
 * with no escape and no « mairie » anywhere, names other services only and is not parsed; any
 * other is (a pivot as JSON text, as the API's JSON export writes it, is parsed twice).
 */
export function pivotOfOtherServices(buf: Buffer, start: number, end: number): true | undefined {
  if (buf[start] === 0x5b && plainOfMairie(buf, start, end)) {
    let i = start + 1;
    while (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09) i++;
    if (buf[i] === 0x7b) return true;
  }
  return otherServicesOnly(JSON.parse(buf.toString('utf8', start, end))) || undefined;
}

/** No backslash (an escape could spell anything) and no « mairie » among bytes [start, end). */
function plainOfMairie(buf: Buffer, start: number, end: number): boolean {
  const last = end - MAIRIE.length;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b === 0x5c) return false;
    if (b === 0x6d && i <= last && buf[i + 1] === 0x61 && buf[i + 2] === 0x69 && buf[i + 3] === 0x72 && buf[i + 4] === 0x69 && buf[i + 5] === 0x65) return false;
  }
  return true;
}

/** Records of other services, read by their pivot only: all a check wants of them (they are counted, never used). */
const OTHER_SERVICES: JsonSkim = { key: 'pivot', read: pivotOfOtherServices };

function toItem(item: JsonItem): DirectoryItem {
  return 'skimmed' in item ? { index: item.index, line: item.line, otherService: { count: item.count } } : item;
}

async function* fromJsonStream(stream: AsyncIterable<Buffer>, file: string, skim: boolean): AsyncGenerator<DirectoryItem[]> {
  try {
    for await (const items of jsonRecords(stream, skim ? OTHER_SERVICES : undefined)) yield skim ? items.map(toItem) : (items as DirectoryItem[]);
  } catch (err) {
    if (err instanceof JsonShapeError) throw new RelaisError(err.message, { file, line: err.line });
    if (err instanceof RelaisError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') throw new RelaisError(`archive zip abîmée ou tronquée : décompression impossible ; retéléchargez-la`, { file });
    throw new RelaisError(`lecture impossible : ${(err as Error).message}`, { file }, { cause: err });
  }
}

/**
 * The native scanner's reading of a directory file (native-scan.ts): its town halls handed over
 * with the members classifyRecord reads, the plain ones packed. Undefined without a scanner.
 */
export function scanDirectory(path: string): Promise<NativeScanResult> | undefined {
  return nativeScanner()?.scanFile(path, RECORD_MEMBERS, TOWN_HALL_TYPES);
}

/**
 * The records of a native scan (native-scan.ts) as the JavaScript reader gives them: runs of other
 * services counted, plain town halls as their fields, the other records the scan kept parsed here
 * — those whose pivot is JSON text (the API's export) read by their pivot first, as JsonSkim reads
 * them.
 */
export function* nativeItems({ items, records }: NativeScan): Generator<DirectoryItem[]> {
  let batch: DirectoryItem[] = [];
  for (let i = 0; i < items.length; i += ITEM_SIZE) {
    const index = items[i + 1]!;
    const line = items[i + 2]!;
    const start = items[i + 3]!;
    const end = start + items[i + 4]!;
    const last = batch[batch.length - 1];
    if (items[i] === 0) batch.push({ index, line, otherService: { count: items[i + 3]! } });
    else if (items[i] === 2) batch.push({ index, line, fields: packedFields(JSON.parse(records.toString('utf8', start, end)) as PackedTownHall) });
    else if (!readsPivotFirst(items, records, i) || !pivotOfOtherServices(records, start + items[i + 5]!, start + items[i + 6]!)) batch.push(parsedRecord(records, start, end, index, line));
    else if (last?.otherService) last.otherService.count++;
    else batch.push({ index, line, otherService: { count: 1 } });
    if (batch.length >= 2048) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** A plain town hall as the native scanner packs it (pack_town_hall in native/directory-scan.c). */
type PackedTownHall = [ownInsee: string, type: string, codes: string[], nom: string, id: string, date: string, adresse: [type: string, complement1: string, complement2: string, voie: string, distribution: string, codePostal: string, localite: string] | null, courriels: string[], telephone: string];

function packedFields([ownInsee, type, codes, nom, id, date, a, courriels, telephone]: PackedTownHall): TownHallFields {
  const adresse = a ? { type: a[0], complement1: a[1], complement2: a[2], voie: a[3], distribution: a[4], codePostal: a[5], localite: a[6] } : undefined;
  return { ownInsee, type, codes, nom, id, date, adresse, courriels, telephone, illisibles: [] };
}

/**
 * A pivot the scan left undecided that JsonSkim would read before the record: one written as JSON
 * text (the API's export). A list left undecided (« mairie » in it, an escape, a first entry that
 * is no object) belongs to a record read whole — packed when it is a plain town hall — and
 * classifyRecord or townHallVerdict says what JsonSkim would have.
 */
function readsPivotFirst(items: Int32Array, records: Buffer, i: number): boolean {
  return items[i + 5]! >= 0 && records[items[i + 3]! + items[i + 5]!] !== 0x5b;
}

/**
 * Rows of a directory table (the CSV export, or a copy saved as xlsx) as records keyed by field
 * name; nested cells keep their JSON text, which classifyRecord parses and names when it fails.
 */
export async function* tableRecords(table: Table): AsyncGenerator<DirectoryItem[]> {
  const keys = table.header.map((h) => normalizeHeader(h).replace(/ /g, '_'));
  let index = 0;
  for await (const row of table.rows) {
    if (repeatsHeader(table, row.values)) {
      yield [{ index, line: row.line, repeatedHeader: true }];
      continue;
    }
    const record: Record<string, unknown> = {};
    keys.forEach((k, i) => {
      if (k && !(k in record)) record[k] = row.values[i] ?? '';
    });
    const extra = extraValues(table, row.values);
    yield [{ index: ++index, line: row.line, value: record, ...(extra ? { extra } : {}) }];
  }
}

/**
 * Streams the records of a directory export (JSON, zipped JSON, or a table), in batches. With
 * `skimOtherServices`, a JSON record whose pivot names other services only comes as
 * `otherService`, not parsed whole.
 */
export async function* directoryRecords(
  path: string,
  file: string,
  kind: { format: DirectoryFormat; jsonMember?: string },
  options: { skimOtherServices?: boolean; scan?: Promise<NativeScanResult | undefined> | undefined } = {},
): AsyncGenerator<DirectoryItem[]> {
  const skim = options.skimOtherServices === true;
  if (kind.format === 'zip') {
    const entries = await zipEntries(path, file);
    const entry = entries.find((e) => e.name === kind.jsonMember);
    if (!entry) throw new RelaisError(`archive zip sans fichier JSON de l'annuaire`, { file });
    yield* fromJsonStream(await zipEntryStream(path, file, entry), file, skim);
    return;
  }
  if (kind.format === 'json') {
    // Read by the native scanner when there is one (a scan started earlier, or now); what it
    // leaves to JavaScript — a file out of the ordinary — is read below, as without it.
    const scanned = skim ? ((await options.scan) ?? (await scanDirectory(path))) : undefined;
    if (scanned && 'items' in scanned) {
      yield* nativeItems(scanned);
      return;
    }
    yield* fromJsonStream(createReadStream(path, { highWaterMark: 1 << 18 }), file, skim);
    return;
  }
  const table = await openTable(path, { displayName: file, isHeader: isDirectoryHeader });
  yield* tableRecords(table);
}
