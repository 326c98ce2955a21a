import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toCsv } from '../data/csv-write.js';
import { isRneHeader, rneColumns, toMayor, type MayorRecord } from '../data/rne.js';
import { openTable } from '../data/table.js';
import { RelaisError } from '../errors.js';
import { departementOfCode } from '../campaign/communes.js';
import { frenchNumber } from '../text/format.js';
import { isInseeCode } from './annuaire.js';
import { announcedLength, getWithRetry, NOTHING_WRITTEN, looksLikeHtml, shownUrl, type HttpClient, type RetryPolicy } from './http.js';

/**
 * The mayors file of the Répertoire national des élus (RNE), dataset "Répertoire national des
 * élus" (data.gouv.fr, slug repertoire-national-des-elus-1), resource `elus-maires-mai.csv`. Its
 * stable link `https://www.data.gouv.fr/api/1/datasets/r/2876a346-d50c-4911-934e-19ee07b0e503`
 * redirects to the dated file, e.g.
 * `https://static.data.gouv.fr/resources/repertoire-national-des-elus-1/20251223-104211/elus-maires-mai.csv`:
 * the final address gives the file's name and the date of its publication.
 *
 * The download is read with the campaign's own RNE reader (encoding, delimiter and header
 * recognised as for a file dropped in data/ by hand) and kept for the campaign's départements
 * only: a national file would make `relais check` report every other commune.
 */
export const RNE_DEFAULT_URL = 'https://www.data.gouv.fr/api/1/datasets/r/2876a346-d50c-4911-934e-19ee07b0e503';
export const RNE_DATASET_PAGE = 'https://www.data.gouv.fr/fr/datasets/repertoire-national-des-elus-1/';

const WHAT = 'Répertoire national des élus';

export interface RneFetch {
  /** The kept rows, as a `;` UTF-8 CSV with the original header. */
  csv: string;
  mayors: MayorRecord[];
  finalUrl: string;
  fileName: string;
  /** From the dated folder of the final address, else Last-Modified. */
  dataDate: string | null;
  encoding: string;
  counts: { read: number; kept: number; setAside: number; rejected: number };
}

/** "…/20251223-104211/elus-maires-mai.csv" → 2025-12-23T10:42:11. */
export function publicationDate(finalUrl: string, lastModified: string | null): string | null {
  const m = /\/(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})\//.exec(finalUrl);
  if (m) return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
  const at = lastModified ? Date.parse(lastModified) : NaN;
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

export interface MayorsFile {
  header: string[];
  encoding: string;
  rows: Array<{ values: string[]; mayor: MayorRecord }>;
  rejected: number;
  /** The file's last record, kept or not: its line, how many fields it has and its last one (a cut download ends in the middle of one). */
  last: { line: number; fields: number; lastField: string } | null;
}

/** Records before the last one needed to say that their last field has a shape. */
const SHAPE_EVIDENCE = 5;

/**
 * The shape (fieldShape) the last field of every mayor's row before the file's last record has,
 * when they all have the same one; null when they differ or there are fewer than SHAPE_EVIDENCE.
 * Worked out only for a file that ends without a line break (cutLastLine).
 */
function lastFieldShape(file: MayorsFile): string | null {
  const before = file.rows.filter((r) => r.mayor.line !== file.last?.line);
  if (before.length < SHAPE_EVIDENCE) return null;
  const shape = fieldShape(before[0]!.values.at(-1) ?? '');
  return before.every((r) => fieldShape(r.values.at(-1) ?? '') === shape) ? shape : null;
}

/**
 * A field's shape: its digits made 9, every other character kept. `23/03/2014` and `01/12/2020`
 * share `99/99/9999`, a cut `23/03/20` has another; a column that says `Maire` on every row has
 * the shape `Maire`, a cut `Mai` another. Names and free text differ from row to row: no shape.
 */
function fieldShape(value: string): string {
  return value.replace(/\d/g, '9');
}

/** Reads an RNE file (the download, or the previous fetch's) with relais's RNE reader. */
export async function readMayorsFile(path: string, displayName: string): Promise<MayorsFile> {
  const table = await openTable(path, { displayName, isHeader: isRneHeader });
  if (!isRneHeader(table.header)) {
    throw new RelaisError(`${displayName} n'est pas un export des maires du RNE (en-tête lu : ${table.header.slice(0, 6).join(', ')})`, { file: displayName, line: table.headerLine });
  }
  const columns = rneColumns(table.header);
  if (columns.missing.length) {
    throw new RelaisError(`${displayName} : colonnes manquantes ${columns.missing.map((c) => `« ${c.label} »`).join(', ')}`, { file: displayName, line: table.headerLine });
  }
  const rows: MayorsFile['rows'] = [];
  let rejected = 0;
  let last: MayorsFile['last'] = null;
  for await (const row of table.rows) {
    last = { line: row.line, fields: row.values.length, lastField: row.values[row.values.length - 1] ?? '' };
    const mayor = toMayor(row.values, row.line, columns.indexes);
    if (!isInseeCode(mayor.insee) || !mayor.nom) rejected++;
    else rows.push({ values: row.values, mayor });
  }
  return { header: table.header, encoding: table.encoding, rows, rejected, last };
}

/**
 * A download cut in the middle of a row (a cache or a proxy that stored a partial copy, a file
 * being replaced on the server) arrives whole as far as HTTP can tell: a 200 and as many bytes as
 * announced. Its last line then has no line break, and either fewer fields than the header or,
 * cut inside its last field, a last field of another shape than every row before it has
 * (« 15/03/20 » under a column of 99/99/9999): a cut, not a row (its mayor would be named « Prén »,
 * and every commune after it would lose its mayor without a word). A last row that is whole but
 * lacks its final line break is a row. The check knows no column of the RNE: any year's layout.
 */
type Cut = { line: number; fields: number; field?: { name: string; value: string; shape: string } };

function cutLastLine(body: Uint8Array, file: MayorsFile): Cut | null {
  if (!file.last) return null;
  const end = body[body.length - 1];
  // UTF-16 ends a line with a NUL byte beside the CR or LF.
  const lineBreak = (b: number | undefined) => b === 0x0a || b === 0x0d;
  if (lineBreak(end) || (end === 0 && lineBreak(body[body.length - 2]))) return null;
  const { line, fields, lastField } = file.last;
  if (fields < file.header.length) return { line, fields };
  const shape = fields === file.header.length ? lastFieldShape(file) : null;
  if (shape !== null && fields === file.header.length && fieldShape(lastField) !== shape) {
    return { line, fields, field: { name: file.header[fields - 1] ?? `n° ${fields}`, value: lastField, shape } };
  }
  return null;
}

export async function fetchRne(http: HttpClient, url: string, deps: string[], policy: RetryPolicy): Promise<RneFetch> {
  const res = await getWithRetry(http, url, 'text/csv, text/plain;q=0.9, */*;q=0.5', WHAT, policy);
  const finalUrl = shownUrl(res.url);
  if (looksLikeHtml(res)) {
    throw new RelaisError(`${WHAT} : ${finalUrl} a répondu par une page HTML au lieu du fichier CSV des maires (page d'erreur ou proxy ?) ; ${NOTHING_WRITTEN}`, {}, { details: { url: finalUrl } });
  }
  if (res.body.length === 0) throw new RelaisError(`${WHAT} : ${finalUrl} a répondu par un fichier vide ; ${NOTHING_WRITTEN}`, {}, { details: { url: finalUrl } });
  const fileName = decodeURIComponent(new URL(res.url).pathname.split('/').pop() || 'elus-maires.csv');
  const dir = await mkdtemp(join(tmpdir(), 'relais-rne-'));
  try {
    const path = join(dir, 'rne.csv');
    await writeFile(path, res.body);
    let file: MayorsFile;
    try {
      file = await readMayorsFile(path, fileName);
    } catch (err) {
      if (!(err instanceof RelaisError)) throw err;
      throw new RelaisError(`${WHAT} : le fichier téléchargé de ${finalUrl} est illisible — ${err.message} ; ${NOTHING_WRITTEN}`, {}, { details: { url: finalUrl } });
    }
    const cut = cutLastLine(res.body, file);
    if (cut) {
      const encoded = res.headers.get('content-encoding');
      const announced = announcedLength(res.headers.get('content-length')) !== null && !encoded ? `, autant qu'annoncé par Content-Length : la copie servie est elle-même incomplète — cache, proxy ou fichier en cours de remplacement` : '';
      throw new RelaisError(
        `${WHAT} : téléchargement tronqué — ${fileName} (${finalUrl}) s'arrête au milieu de sa ligne ${cut.line}, sans fin de ligne et ${cut.field ? `son dernier champ, « ${cut.field.name} », vaut « ${cut.field.value.slice(0, 40)} » alors qu'il a la forme « ${cut.field.shape.slice(0, 40)} » (chaque chiffre noté 9) dans toutes les lignes précédentes` : `avec ${cut.fields} ${cut.fields > 1 ? 'champs' : 'champ'} sur les ${file.header.length} de l'en-tête`} (${frenchNumber(res.body.length)} octets reçus${announced}) : les lignes suivantes manquent ; relancez « relais fetch » plus tard ; ${NOTHING_WRITTEN}`,
        {},
        { details: { url: finalUrl } },
      );
    }
    const wanted = new Set(deps);
    const kept = file.rows.filter((r) => wanted.has(departementOfCode(r.mayor.insee)));
    return {
      csv: toCsv(file.header, kept.map((r) => r.values)),
      mayors: kept.map((r) => r.mayor),
      finalUrl,
      fileName,
      dataDate: publicationDate(res.url, res.headers.get('last-modified')),
      encoding: file.encoding,
      counts: { read: file.rows.length + file.rejected, kept: kept.length, setAside: file.rows.length - kept.length, rejected: file.rejected },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
