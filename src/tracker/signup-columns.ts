import type { ProblemList } from '../problems.js';
import { DUPLICATE_COLUMN_HINT, duplicateColumnMessage, matchColumns, type ColumnMatch, type ColumnSpec } from '../data/columns.js';
import { otherHeaderLayout, otherHeaderMessage } from '../data/header-rows.js';
import { hiddenSheetsMessage, sheetFoundMessage } from '../data/table.js';
import { nulPaddingMessage } from '../data/file-end.js';
import { preferVisibleColumns, settleDuplicates } from '../campaign/sources.js';
import type { FastTable } from './fast-csv.js';

/**
 * The columns of a sign-up export: the fields read and the names platforms give them, what makes
 * a line a header (looked for below title rows, and again below the first export's rows when a
 * second one is appended), and the checks that refuse a file whose columns cannot be read: one
 * missing, no place column, two visible columns of one name; a column hidden in Excel gives way
 * to the visible one.
 */
export const SIGNUP_COLUMNS: ColumnSpec[] = [
  { field: 'id', label: 'identifiant', required: true, aliases: ['id', 'identifiant', 'id volontaire', 'id inscription'] },
  { field: 'date', label: "date d'inscription", required: true, aliases: ['date inscription', 'date', 'date d inscription', 'inscrit le'] },
  { field: 'departement', label: 'département', required: false, aliases: ['departement', 'code departement', 'dep', 'departement de residence', 'departement residence', 'code du departement'] },
  { field: 'code_postal', label: 'code postal', required: false, aliases: ['code postal', 'cp'] },
  { field: 'commune', label: 'code INSEE', required: false, aliases: ['code insee', 'code commune', 'insee'] },
  { field: 'metier', label: 'métier', required: false, aliases: ['metier', 'profession'] },
  { field: 'categorie', label: 'catégorie', required: false, aliases: ['categorie', 'type', 'famille', 'categorie professionnelle'] },
  { field: 'statut', label: 'statut', required: false, aliases: ['statut', 'etat'] },
];

/** What is said of columns of one name that nothing tells apart (the town-hall list's words, see openSource). */
const duplicateMessage = (dup: { name: string; positions: number[] }, hiddenColumns: ReadonlySet<number> | undefined): string =>
  `${duplicateColumnMessage(dup.name, dup.positions, hiddenColumns)} : ${DUPLICATE_COLUMN_HINT}`;

/** The columns of a line that is a sign-ups header (`names`: the campaign's own names), or undefined. */
export function signupHeader(cells: string[], names: Record<string, string>): ColumnMatch | undefined {
  const m = matchColumns(cells, SIGNUP_COLUMNS, names);
  return m.missing.length === 0 && (m.indexes.has('departement') || m.indexes.has('code_postal') || m.indexes.has('commune')) ? m : undefined;
}

/** The columns the rows of an export are read under; undefined when the file is refused (said in `problems`). */
export function fileColumns(table: FastTable, file: string, names: Record<string, string>, problems: ProblemList): ColumnMatch | undefined {
  const columns = matchColumns(table.header, SIGNUP_COLUMNS, names);
  if (columns.missing.length) {
    problems.error('colonne-manquante', `inscriptions : ${columns.missing.length > 1 ? 'colonnes manquantes' : 'colonne manquante'} ${columns.missing.map((c) => `« ${c.label} »`).join(', ')} ; colonnes lues : ${table.header.join(', ')}`, { file, line: table.headerLine }, 'file');
    return undefined;
  }
  if (!columns.indexes.has('departement') && !columns.indexes.has('code_postal') && !columns.indexes.has('commune')) {
    problems.error('colonne-manquante', 'inscriptions : il faut une colonne département, code postal ou code INSEE', { file, line: table.headerLine }, 'file');
    return undefined;
  }
  if (table.sheets) problems.warning('feuilles-masquees', `inscriptions : ${hiddenSheetsMessage(table.sheets)}`, { file });
  // As the town-hall list and the mayors' file say them (sources.ts): the sheet read when the
  // first was not the data, and the NUL bytes padding the end of the file.
  if (table.sheetFound) problems.warning('feuille-lue', `inscriptions : ${sheetFoundMessage(table.sheetFound)}`, { file, line: table.headerLine });
  if (table.endPadding?.nul) problems.warning('octets-nuls', nulPaddingMessage('inscriptions', table.endPadding), { file, line: table.endPadding.line });
  // A column hidden in Excel is an old one kept out of sight (a « departement » of a previous
  // sort): the visible one is read, and said, as in the mayors' and town halls' files. Two
  // visible columns of one name (a re-export's home « departement » and work « departement »):
  // nothing says which is right, and reading the first would count every volunteer in its
  // département; the file is refused, as the town-hall list is. Columns of the same name that no
  // field reads change nothing and are let be (settleDuplicates).
  const shape = { file, header: table.header, headerLine: table.headerLine, ...(table.hiddenColumns ? { hiddenColumns: table.hiddenColumns } : {}) };
  settleDuplicates(shape, columns, 'inscriptions', problems, () => table.hiddenColumns !== undefined);
  if (columns.duplicates.length) {
    for (const dup of columns.duplicates) problems.error('colonne-en-double', `inscriptions : ${duplicateMessage(dup, table.hiddenColumns)}`, { file, line: table.headerLine, field: dup.name }, 'file');
    return undefined;
  }
  if (table.hiddenColumns) preferVisibleColumns(shape, columns, 'inscriptions', 'inscriptions', SIGNUP_COLUMNS, problems);
  return columns;
}

/**
 * The header of another version of the export at `line` (`cells`, its columns `other`): true when
 * the rows below it are read under it (said); false when it names a read column twice, and which
 * one is right nothing says (said as an error: its rows are set aside).
 */
export function otherHeaderRead(cells: string[], other: ColumnMatch, previous: { header: string[]; indexes: ReadonlyMap<string, number> }, file: string, line: number, problems: ProblemList): boolean {
  settleDuplicates({ file, header: cells, headerLine: line }, other, 'inscriptions', problems);
  if (other.duplicates.length) {
    for (const dup of other.duplicates) problems.error('colonne-en-double', `inscriptions : l'en-tête d'un autre export commence à cette ligne (deux exports mis bout à bout ?) : ${duplicateMessage(dup, undefined)} ; les lignes sous cet en-tête sont écartées`, { file, line, field: dup.name }, 'file');
    return false;
  }
  // Said as the town-hall list and the mayors' file say it (header-rows.ts): what differs from the header above.
  problems.warning('en-tete-repete', otherHeaderMessage('inscriptions', otherHeaderLayout(previous.header, previous.indexes, cells, other.indexes)), { file, line });
  return true;
}

