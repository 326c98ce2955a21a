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

/**
 * A row with the header glued to its end: a list appended to another saved without a final line
 * break (`cat a.csv b.csv`). Its last value ends with the first column's name and the header's
 * other names follow: the row without them, or undefined when the row is not such a row.
 */
export function withoutGluedHeader(table: Pick<Table, 'header'>, values: string[]): string[] | undefined {
  // Asked of every row: most have no more values than the header has names, and are settled at once.
  if (values.length <= 1 || values.length < trimmedHeader(table.header).length + 1) return undefined;
  const header = trimmedHeader(table.header);
  const first = header[0];
  if (!first || header.length < 2) return undefined;
  // The glued cell is the one header.length - 1 values before the end (trailing empty cells aside).
  let last = values.length;
  while (last > 0 && values[last - 1]!.trim() === '') last--;
  const at = last - header.length;
  if (at < 0) return undefined;
  const glued = values[at]!;
  const tail = values.slice(at + 1, last);
  if (!glued.trim().endsWith(first) || headerKey(tail) !== headerKey(header.slice(1))) return undefined;
  const kept = glued.trim().slice(0, -first.length);
  return [...values.slice(0, at), kept];
}

/** The header's names without a BOM and without the empty names that end it, made once per table. */
const trimmedHeaders = new WeakMap<string[], string[]>();
function trimmedHeader(raw: string[]): string[] {
  let header = trimmedHeaders.get(raw);
  if (!header) {
    header = raw.map((h) => h.replace(/^\uFEFF/, '').trim());
    while (header.length > 0 && header[header.length - 1] === '') header.pop();
    trimmedHeaders.set(raw, header);
  }
  return header;
}

export function gluedHeaderMessage(what: string): string {
  return `${what} : l'en-tête d'une autre liste est collé au bout de cette ligne (deux fichiers mis bout à bout, le premier sans retour à la ligne final ?) : il est retiré de la ligne, qui est lue sans lui ; vérifiez-la, et la suivante`;
}

/**
 * A row that repeats the header: one export appended to another, each with its header line (or,
 * for a header on two rows, either of them).
 */
export function repeatsHeader(table: Pick<Table, 'header' | 'twoRowHeader'>, values: string[]): boolean {
  if (values.length === 0) return false;
  let key = headerKeys.get(table.header);
  if (key === undefined) {
    const forms = [table.header, ...(table.twoRowHeader?.rows ?? [])];
    key = { wholes: new Set(forms.map(headerKey)), firsts: new Set(forms.map((f) => headerKey(f.slice(0, 1)))), firstCells: new Map() };
    headerKeys.set(table.header, key);
  }
  // Asked of every row of national files: the first cell settles almost every row, and it takes
  // few values (a département code, a date): each is normalised once.
  const cell = values[0]!;
  let firstMatches = key.firstCells.get(cell);
  if (firstMatches === undefined) {
    firstMatches = key.firsts.has(headerKey([cell]));
    if (key.firstCells.size >= 10_000) key.firstCells.clear();
    key.firstCells.set(cell, firstMatches);
  }
  // A row of blanks is no header, whatever a two-row header's lower row looks like.
  return firstMatches && values.some((v) => v.trim() !== '') && key.wholes.has(headerKey(values));
}

const headerKeys = new WeakMap<string[], { wholes: Set<string>; firsts: Set<string>; firstCells: Map<string, boolean> }>();

/**
 * A header on two rows, as an office lays it out in Excel: a group name (« Adresse ») over the
 * columns it spans, each named on the row below (« Voie », « Code postal », « Ville »), the other
 * names alone on the upper row (merged down over both, or with nothing under them). `upper` and
 * `lower` are the two rows as a CSV export writes them: a merged cell's text in its first cell
 * only (readXlsx blanks the others). Returns the columns' names — the lower row's under a group,
 * the upper row's elsewhere — or undefined when `lower` is no row of sub-headers. A data row is
 * never one: it has a value under a column named alone (the commune's code, at the least).
 */
export function twoRowHeader(upper: string[], lower: string[]): { names: string[]; groups: Array<{ name: string; under: string[] }> } | undefined {
  const width = Math.max(upper.length, lower.length);
  const at = (row: string[], i: number) => (row[i] ?? '').trim();
  const names: string[] = [];
  const groups: Array<{ name: string; under: string[] }> = [];
  for (let i = 0; i < width; ) {
    const name = at(upper, i);
    let end = i + 1;
    // A group: a name followed by empty cells of the upper row, every column under it named below.
    while (name && end < width && !at(upper, end) && at(lower, end)) end++;
    if (name && end > i + 1) {
      const under = Array.from({ length: end - i }, (_, k) => at(lower, i + k));
      // A name, not a value: an address, a number or a code is data (a row without its code).
      if (under.some((u) => !u || u.includes('@') || !/\p{L}/u.test(u))) return undefined;
      groups.push({ name, under });
      names.push(...under);
    } else if (name) {
      // A name alone: nothing under it (a merged-down cell's lower part is blank, as in a CSV export).
      if (at(lower, i)) return undefined;
      names.push(name);
    } else names.push(at(lower, i));
    i = end;
  }
  return groups.length ? { names, groups } : undefined;
}

/** What the user is told of a header read on two rows: how its groups were read. */
export function twoRowHeaderMessage(what: string, lines: [number, number], groups: Array<{ name: string; under: string[] }>): string {
  const read = groups.map((g) => `« ${g.name} » lu comme ${g.under.map((u) => `« ${u} »`).join(', ')}`).join(' ; ');
  return `${what} : en-tête sur deux lignes (lignes ${lines[0]} et ${lines[1]}) : ${read}`;
}

/**
 * The header of another export of the same list, appended below the first (`cells`: its
 * columns in another order, or one more or one less), read by the first header's layout: each
 * of the first header's columns is taken from the column of the same field in `cells` (`first`,
 * `other`: the fields' columns under each), or failing a field, of the same name. `remap` gives
 * a row under `cells` in the first header's layout; `extra` are the names of the columns of
 * `cells` that nothing takes, `missing` those of the first header's read columns found nowhere.
 */
export function otherHeaderLayout(header: string[], first: ReadonlyMap<string, number>, cells: string[], other: ReadonlyMap<string, number>) {
  const names = cells.map((c) => normalizeHeader(c.replace(/^\uFEFF/, '')));
  const from = header.map((h) => {
    const name = normalizeHeader(h.replace(/^\uFEFF/, ''));
    return name ? names.indexOf(name) : -1;
  });
  for (const [field, j] of first) {
    const k = other.get(field);
    if (k !== undefined && j < from.length) from[j] = k;
  }
  const taken = new Set(from);
  const extra = cells.filter((c, k) => c.trim() !== '' && !taken.has(k)).map((c) => c.trim());
  const missing = [...new Set(first.values())].filter((j) => (from[j] ?? -1) < 0).map((j) => header[j]?.trim() ?? '');
  // Another order: the columns both have do not come in the same order (one more inserted is not that).
  const found = from.filter((k) => k >= 0);
  const reordered = found.some((k, i) => i > 0 && k < found[i - 1]!);
  return { remap: (values: string[]) => from.map((k) => (k >= 0 ? (values[k] ?? '') : '')), extra, missing, reordered };
}

/** What the user is told of another export's header (see otherHeaderLayout): set aside, the rows below read under it. */
export function otherHeaderMessage(what: string, layout: { extra: string[]; missing: string[]; reordered: boolean }): string {
  const list = (names: string[]) => names.map((n) => `« ${n} »`).join(', ');
  const parts = [
    ...(layout.reordered ? ['ses colonnes dans un autre ordre'] : []),
    ...(layout.extra.length ? [`avec en plus ${layout.extra.length > 1 ? 'les colonnes' : 'la colonne'} ${list(layout.extra)}, non lue${layout.extra.length > 1 ? 's' : ''}`] : []),
    ...(layout.missing.length ? [`sans ${layout.missing.length > 1 ? 'les colonnes' : 'la colonne'} ${list(layout.missing)}, lue${layout.missing.length > 1 ? 's' : ''} vide${layout.missing.length > 1 ? 's' : ''} en dessous`] : []),
  ];
  return `${what} : l'en-tête d'un autre export commence à cette ligne (deux exports mis bout à bout ?)${parts.length ? `, ${parts.join(', ')}` : ''} : ligne écartée, les lignes suivantes sont lues sous cet en-tête`;
}
