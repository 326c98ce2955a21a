import { normalizeHeader } from './columns.js';
import type { Table } from './table.js';

/**
 * What a table's rows say of its header: a row with more values than the header has columns, and
 * a row that repeats the header (two exports appended) — asked of every row by every reader.
 */
/** Cells compared as column names, without a BOM and the empty cells a spreadsheet adds at the end. */
function headerKey(cells: string[]): string {
  const names = cells.map((c) => normalizeHeader(c.replace(/^\uFEFF/, '')));
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  return names.join('\u0000');
}

/**
 * A row whose non-empty values run past the header's columns: a separator inside an unquoted
 * value shifted the cells, and the last ones would be dropped without a word. Trailing empty
 * cells (a spreadsheet's `;;`) are not counted. Returns the counts to name, or undefined.
 */
export function extraValues(table: Pick<Table, 'header'>, values: string[]): { values: number; columns: number } | undefined {
  let columns = table.header.length;
  while (columns > 0 && table.header[columns - 1]!.trim() === '') columns--;
  let last = values.length;
  while (last > 0 && values[last - 1]!.trim() === '') last--;
  return last > columns ? { values: last, columns } : undefined;
}

export function extraValuesMessage(what: string, extra: { values: number; columns: number }): string {
  return `${what} : ${extra.values} valeurs pour ${extra.columns} colonnes — un séparateur dans une valeur sans guillemets ? Les valeurs en trop sont ignorées : vérifiez la ligne`;
}

/** A row that repeats the header: one export appended to another, each with its header line. */
export function repeatsHeader(table: Pick<Table, 'header'>, values: string[]): boolean {
  if (values.length === 0) return false;
  let key = headerKeys.get(table.header);
  if (key === undefined) {
    key = { whole: headerKey(table.header), first: headerKey(table.header.slice(0, 1)), firstCells: new Map() };
    headerKeys.set(table.header, key);
  }
  // Asked of every row of national files: the first cell settles almost every row, and it takes
  // few values (a département code, a date): each is normalised once.
  const cell = values[0]!;
  let firstMatches = key.firstCells.get(cell);
  if (firstMatches === undefined) {
    firstMatches = headerKey([cell]) === key.first;
    if (key.firstCells.size >= 10_000) key.firstCells.clear();
    key.firstCells.set(cell, firstMatches);
  }
  return firstMatches && headerKey(values) === key.whole;
}

const headerKeys = new WeakMap<string[], { whole: string; first: string; firstCells: Map<string, boolean> }>();
