import type { CellNote, TableRow } from './table.js';

/**
 * Text struck through in Excel (Ctrl+5, or struck in edit mode): an office's way of saying « no
 * longer » without deleting. The workbook reader notes it per cell (CellNote « barre »); these
 * say what a row still says once the crossed-out text is left out.
 */

/**
 * A row crossed out in Excel: every non-empty cell its reader reads (every one, when the reader
 * says none) is struck through, by its format (Ctrl+5) or by all of its text (struck in edit
 * mode, or pasted from Word). A remark typed afterwards in a column no field reads does not make
 * it a row to use again.
 */
export function struckWhole(row: Pick<TableRow, 'values' | 'notes'>, read?: ReadonlySet<number>): boolean {
  const notes = row.notes;
  if (!notes) return false;
  const struck = new Set(notes.flatMap((n) => (n.kind === 'barre' && (n.whole || n.kept === '') ? [n.column] : [])));
  if (!struck.size) return false;
  let any = false;
  for (let i = 0; i < row.values.length; i++) {
    if (row.values[i] === '' || (read && !read.has(i))) continue;
    if (!struck.has(i)) return false;
    any = true;
  }
  return any;
}

/**
 * A row's values without the text struck through in Excel in the columns read (every column when
 * `read` is undefined): what the cells say once the crossed-out part is left out. `onStruck` is told
 * of each such cell, for the caller's own words.
 */
export function withoutStruck(row: Pick<TableRow, 'values' | 'notes'>, read: ReadonlySet<number> | undefined, onStruck: (note: Extract<CellNote, { kind: 'barre' }>) => void): string[] {
  let values = row.values;
  for (const note of row.notes ?? []) {
    if (note.kind !== 'barre' || (read && !read.has(note.column))) continue;
    if (values === row.values) values = [...row.values];
    values[note.column] = note.kept;
    onStruck(note);
  }
  return values;
}
