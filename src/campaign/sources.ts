import { RelaisError } from '../errors.js';
import type { ProblemList } from '../problems.js';
import { extraValues, extraValuesMessage, gluedHeaderMessage, otherHeaderLayout, otherHeaderMessage, repeatsHeader, twoRowHeaderMessage, withoutGluedHeader } from '../data/header-rows.js';
import { DELIMITER_NAMES, hiddenSheetsMessage, openTable, sheetFoundMessage, type Table, type TableRow } from '../data/table.js';
import { struckWhole, withoutStruck } from '../data/struck.js';
import { nulPaddingMessage } from '../data/file-end.js';
import { duplicateColumnMessage, normalizeHeader, type ColumnMatch, type ColumnSpec } from '../data/columns.js';
import { REPEATED_HEADER, REPEATED_TITLE, setAside, type FileAccount } from './accounting.js';
import { campaignPath, displayPath, type Campaign } from './load.js';

export interface SourceConfig {
  fichier: string;
  colonnes: Record<string, string>;
}

export function sourceConfig(source: string | { fichier: string; colonnes?: Record<string, string> | undefined }): SourceConfig {
  return typeof source === 'string' ? { fichier: source, colonnes: {} } : { fichier: source.fichier, colonnes: source.colonnes ?? {} };
}

/**
 * The columns each opened table's reader uses (its caller may still change them, as the town-hall
 * list does when it picks the visible one of two email columns): a note on a cell that is never
 * read is no news.
 */
const readColumns = new WeakMap<Table, ColumnMatch>();

/** How each opened table's header was recognised and its columns found: asked again of another export's header below it. */
const headerReaders = new WeakMap<Table, { isHeader: (cells: string[]) => boolean; match: (cells: string[]) => ColumnMatch }>();

/** A row that may be a header: two names at least, none starting with a digit (a code, a date, a number). */
function mayBeHeader(values: string[]): boolean {
  // Asked of every row: a data row has a code or a date, and most have one in their first cell.
  let names = 0;
  for (const v of values) {
    if (/^\s*\d/.test(v)) return false;
    if (v.trim() !== '') names++;
  }
  return names >= 2;
}

/** The account's reason for a row struck through whole in Excel. */
export const STRUCK_ROW = 'ligne barrée dans Excel';

/** What the user is told of a row struck through whole: set aside. */
export function struckRowMessage(what: string, values: string[]): string {
  const shown = values.filter(Boolean);
  return `${what} : ligne barrée dans Excel (${shown.slice(0, 3).map((v) => `« ${v} »`).join(', ')}${shown.length > 3 ? ', …' : ''}) : écartée, comme ce qui n'est plus à utiliser ; ôtez le barré s'il faut la lire, supprimez-la sinon`;
}

/** What the user is told of text struck through in a cell: left out. */
export function struckTextMessage(what: string, header: string, column: number, struck: string[], kept: string): string {
  const left = kept ? `relais lit « ${kept} »` : 'relais la lit vide';
  return `${what} : la cellule « ${header} » (colonne ${column + 1}) porte du texte barré dans Excel (${struck.map((t) => `« ${t} »`).join(', ')}) : ${left}, sans ce qui est barré ; supprimez-le de la cellule s'il ne sert plus, ou ôtez le barré s'il faut le lire`;
}

/**
 * What a workbook row says once what Excel shows is taken into account, or undefined for a row
 * struck through whole (a mayor or a town hall crossed out: no longer to use). A cell that shows
 * an address and links to another (mailto:): which one is this year's, nothing says; the shown
 * one is used and the user told both. Text struck through in a cell is left out, and said.
 */
function shownValues(table: Table, row: TableRow, what: string, problems: ProblemList): string[] | undefined {
  const notes = row.notes ?? [];
  const where = { file: table.file, line: row.line };
  const used = readColumns.get(table)?.indexes;
  const read = used ? new Set(used.values()) : undefined;
  if (struckWhole(row, read)) {
    problems.warning('ligne-barree', struckRowMessage(what, row.values), where);
    return undefined;
  }
  const cellOf = (column: number) => {
    const header = table.header[column]?.trim() || `colonne ${column + 1}`;
    return { header, cell: `la cellule « ${header} » (colonne ${column + 1})` };
  };
  for (const note of notes) {
    if (note.kind !== 'lien' || (read && !read.has(note.column))) continue;
    const { header, cell } = cellOf(note.column);
    problems.warning(
      'lien-courriel',
      `${what} : ${cell} ${note.shown.includes(' ; ') ? `montre les adresses ${note.shown}, mais son lien mène à ${note.target}, qu'elle ne montre pas : relais lit les adresses affichées` : `montre l'adresse ${note.shown}, mais son lien mène à ${note.target} : relais utilise ${note.shown}, l'adresse affichée`} ; vérifiez laquelle est la bonne, puis corrigez le texte ou le lien (clic droit, « Modifier le lien hypertexte ») pour qu'ils disent la même`,
      { ...where, field: header },
    );
  }
  return withoutStruck(row, read, (note) => {
    const { header } = cellOf(note.column);
    problems.warning('texte-barre', struckTextMessage(what, header, note.column, note.struck, note.kept), { ...where, field: header });
  });
}

/**
 * Opens one data source of the campaign and checks its header. File-level problems (missing file,
 * unreadable, missing or duplicate column) are recorded and the source is skipped: row-level
 * checks on a file whose columns are unknown would only add noise.
 */
export async function openSource(
  campaign: Campaign,
  source: SourceConfig,
  what: string,
  isHeader: (cells: string[]) => boolean,
  match: (header: string[], overrides: Record<string, string>) => ColumnMatch,
  problems: ProblemList,
  /** Fields whose columns of other names the caller settles and says after (see settleDuplicates). */
  ruled?: (field: string) => boolean,
): Promise<{ table: Table; columns: ColumnMatch } | undefined> {
  const file = displayPath(campaign, source.fichier);
  // A header holding every column campagne.yaml names for this file is its header too: the sheet
  // (or the line) where those columns are is the data, whatever other sheet has built-in names.
  const named = Object.values(source.colonnes).map(normalizeHeader).filter(Boolean);
  const withNamed = named.length ? (cells: string[]) => isHeader(cells) || named.every((n) => cells.some((c) => normalizeHeader(c) === n)) : isHeader;
  let table: Table;
  try {
    table = await openTable(campaignPath(campaign, source.fichier), { displayName: file, isHeader: withNamed });
  } catch (err) {
    if (!(err instanceof RelaisError)) throw err;
    problems.error('fichier-illisible', `${what} : ${err.message}`, { file, ...err.location }, 'file');
    return undefined;
  }
  const columns = match(table.header, source.colonnes);
  readColumns.set(table, columns);
  headerReaders.set(table, { isHeader: withNamed, match: (cells) => match(cells, source.colonnes) });
  const where = { file, line: table.headerLine };
  if (table.sheets) problems.warning('feuilles-masquees', `${what} : ${hiddenSheetsMessage(table.sheets)}`, { file });
  if (table.sheetFound) problems.warning('feuille-lue', `${what} : ${sheetFoundMessage(table.sheetFound)}`, { file, line: table.headerLine });
  // A DOS end mark (Ctrl-Z) is no news; NUL bytes may be what is left of a copy cut short.
  if (table.endPadding?.nul) problems.warning('octets-nuls', nulPaddingMessage(what, table.endPadding), { file, line: table.endPadding.line });
  if (table.twoRowHeader) problems.warning('en-tete-deux-lignes', twoRowHeaderMessage(what, table.twoRowHeader.lines, table.twoRowHeader.groups), { file, line: table.twoRowHeader.lines[0] });
  settleDuplicates(table, columns, what, problems, ruled);
  for (const dup of columns.duplicates) {
    problems.error('colonne-en-double', `${what} : ${duplicateColumnMessage(dup.name, dup.positions, table.hiddenColumns)}`, where, 'file');
  }
  if (columns.missing.length > 0) {
    const names = columns.missing.map((s) => `« ${source.colonnes[s.field] ?? s.label} »`).join(', ');
    const hint =
      table.header.length <= 1 && table.encoding !== 'xlsx'
        ? ` ; une seule colonne lue avec le séparateur ${DELIMITER_NAMES[table.delimiter] ?? table.delimiter} : le séparateur attendu est le point-virgule, la virgule ou la tabulation`
        : ` ; colonnes lues : ${table.header.slice(0, 12).join(', ')}`;
    problems.error('colonne-manquante', `${what} : colonne${columns.missing.length > 1 ? 's' : ''} manquante${columns.missing.length > 1 ? 's' : ''} ${names}${hint}`, where, 'file');
  }
  if (columns.missing.length > 0 || columns.duplicates.length > 0) return undefined;
  return { table, columns };
}

/** How a message names a column: « Nom de l'élu » (colonne 7, masquée dans Excel). */
function columnName(table: ColumnsOf, i: number): string {
  return `« ${table.header[i]?.trim() ?? ''} » (colonne ${i + 1}${table.hiddenColumns?.has(i) ? ', masquée dans Excel' : ''})`;
}

function oneUsed(table: ColumnsOf, what: string, title: string, used: number, others: number[], hint: string, field: string, problems: ProblemList): void {
  problems.warning(
    'colonnes-multiples',
    `${what} : plusieurs colonnes ${title} : ${columnName(table, used)} est utilisée, ${others.map((i) => columnName(table, i)).join(', ')} ${others.length > 1 ? 'ne le sont pas' : "ne l'est pas"} ; si ce n'est pas la bonne, ${hint}`,
    { file: table.file, line: table.headerLine, field },
  );
}

type ColumnsOf = Pick<Table, 'file' | 'header' | 'headerLine' | 'hiddenColumns'>;

/**
 * Columns of the same name (`columns.duplicates`) that need not refuse the file; those left in
 * `columns.duplicates` are the ones that must:
 * - no field reads any of them (a « Remarques » copied twice; or campagne.yaml names another
 *   column for the field): nothing read depends on which is right;
 * - the field reading them has other columns of another name (`alternatives`: « Courriel » twice,
 *   hidden, beside a visible « Adresse mail ») and a rule that picks the visible one of those and
 *   says so (`ruled`: preferVisibleColumns, or the town-hall list's emailColumns, called after):
 *   that rule settles it, one message naming the column actually read;
 * - all hidden in Excel but one: the visible one is read, and when a field reads it the user is
 *   told which (as for two email columns). Their names being the same, campagne.yaml cannot tell
 *   them apart: the hint is to delete or rename the other.
 * Two visible ones stay an error: nothing says which is right.
 */
export function settleDuplicates(table: ColumnsOf, columns: ColumnMatch, what: string, problems: ProblemList, ruled: (field: string) => boolean = () => false): void {
  const hidden = table.hiddenColumns ?? new Set<number>();
  columns.duplicates = columns.duplicates.filter((dup) => {
    const positions = dup.positions.map((p) => p - 1);
    // The fields that may read them: by their index, or among their columns of other names (the
    // index may point at one of those, hidden, while a later rule would pick one of these).
    const fields = [...columns.indexes]
      .filter(([field, index]) => positions.includes(index) || columns.alternatives?.get(field)?.some((i) => positions.includes(i)))
      .map(([field]) => field);
    if (!fields.length) return false;
    const byRule = (field: string) => ruled(field) && columns.alternatives?.has(field) === true;
    const elsewhere = (field: string) => byRule(field) && columns.alternatives!.get(field)!.some((i) => !positions.includes(i) && !hidden.has(i));
    const visible = positions.filter((i) => !hidden.has(i));
    // Two visible ones: nothing says which is right, whatever other columns there are.
    if (visible.length > 1) return true;
    if (visible.length === 0) return !fields.every(elsewhere);
    const used = visible[0]!;
    const others = positions.filter((i) => i !== used);
    for (const field of fields) {
      // A field with other columns of another name is settled by their rule, which sees these too.
      if (byRule(field)) continue;
      columns.indexes.set(field, used);
      oneUsed(table, what, `« ${table.header[used]?.trim()} »`, used, others, "supprimez l'autre ou donnez-lui un autre nom", table.header[used]?.trim() ?? field, problems);
    }
    return false;
  });
}

/**
 * Two columns of different names for one field (« Nom », kept from last year, and « Nom de
 * l'élu »): one is read, and the user is told which. A column hidden in Excel is the old one kept
 * out of sight: the visible one is used. A column named in campagne.yaml settles it (matchColumns
 * then gives no alternatives). The town-hall list's email columns have their own words
 * (contacts-source.ts, emailColumns).
 * @param key the source's key in campagne.yaml (« maires »), for the hint.
 */
export function preferVisibleColumns(table: ColumnsOf, columns: ColumnMatch, what: string, key: string, specs: ColumnSpec[], problems: ProblemList): void {
  const hidden = table.hiddenColumns ?? new Set<number>();
  for (const [field, found] of columns.alternatives ?? []) {
    const spec = specs.find((s) => s.field === field);
    if (!spec) continue;
    const used = found.find((i) => !hidden.has(i)) ?? found[0]!;
    columns.indexes.set(field, used);
    oneUsed(table, what, `pour « ${spec.label} »`, used, found.filter((i) => i !== used), `nommez-la dans campagne.yaml (sources.${key}.colonnes.${field}) ou supprimez l'autre`, spec.label, problems);
  }
}

/**
 * Streams the rows, turning a read error in the middle of the file into a file-level problem.
 * A line that repeats the header (one export appended to another, each with its header) is not
 * data: it is set aside in the account and named, instead of failing as a row of column names.
 * A row struck through whole in Excel is set aside too; `onStruck` is told of it (its values as
 * stored), so that a caller can say why a commune has no row.
 */
export async function forEachRow(
  table: Table,
  what: string,
  problems: ProblemList,
  visit: (values: string[], line: number) => void,
  account?: FileAccount,
  onStruck?: (values: string[], line: number) => void,
): Promise<number> {
  let count = 0;
  const use = (values: string[], line: number) => {
    const unglued = withoutGluedHeader(table, values);
    if (unglued) {
      problems.warning('en-tete-colle', gluedHeaderMessage(what), { file: table.file, line });
      values = unglued;
    }
    const extra = extraValues(table, values);
    if (extra) problems.warning('valeurs-en-trop', extraValuesMessage(what, extra), { file: table.file, line });
    visit(values, line);
  };
  // A line of one cell just above a repeated header is the title of the second export (the 2020
  // RNE starts with one): it waits for the next line to say which it is.
  let title: { values: string[]; line: number } | undefined;
  // Under another export's header (see otherHeaderLayout): its rows in the first header's layout.
  let layout: ((values: string[]) => string[]) | undefined;
  const reader = headerReaders.get(table);
  const sayTitle = () => {
    if (!title || !account) return;
    setAside(account, REPEATED_TITLE);
    problems.warning('en-tete-repete', `${what} : titre d'un second export, au-dessus de son en-tête (deux exports mis bout à bout ?) : ligne écartée`, { file: table.file, line: title.line });
    title = undefined;
  };
  try {
    for await (const row of table.rows) {
      count++;
      let values = row.values;
      if (row.notes) {
        const shown = shownValues(table, row, what, problems);
        if (!shown) {
          if (account) setAside(account, STRUCK_ROW);
          onStruck?.(row.values, row.line);
          continue;
        }
        values = shown;
      }
      if (account && repeatsHeader(table, values)) {
        sayTitle();
        setAside(account, REPEATED_HEADER);
        problems.warning('en-tete-repete', `${what} : l'en-tête est répété à cette ligne (deux exports mis bout à bout ?) : ligne écartée`, { file: table.file, line: row.line });
        layout = undefined;
        continue;
      }
      // Another export's header, its columns in another order or one more: the rows below it are
      // read under it, never under the first header's columns.
      const first = account && reader && mayBeHeader(values) && reader.isHeader(values) ? readColumns.get(table) : undefined;
      if (account && reader && first) {
        sayTitle();
        setAside(account, REPEATED_HEADER);
        const cells = values.map((v) => v.trim());
        const other = otherHeaderLayout(table.header, first.indexes, cells, reader.match(cells).indexes);
        problems.warning('en-tete-repete', otherHeaderMessage(what, other), { file: table.file, line: row.line });
        layout = other.remap;
        continue;
      }
      if (layout) values = layout(values);
      if (title) {
        use(title.values, title.line);
        title = undefined;
      }
      if (account && table.header.length >= 3 && values.filter((v) => v.trim() !== '').length === 1 && values[0]?.trim()) {
        title = { values, line: row.line };
        continue;
      }
      use(values, row.line);
    }
    if (title) use(title.values, title.line);
  } catch (err) {
    if (!(err instanceof RelaisError)) throw err;
    problems.error('fichier-illisible', `${what} : ${err.message}`, { file: table.file, ...err.location }, 'file');
  }
  if (count === 0) {
    problems.error('fichier-vide', `${what} : aucune ligne de données après l'en-tête`, { file: table.file, line: table.headerLine }, 'file');
  }
  return count;
}
