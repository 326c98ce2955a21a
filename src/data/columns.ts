import { stripAccents } from '../text/french.js';

/**
 * Column recognition shared by every input format: headers are compared without case, accents,
 * punctuation or parenthesised notes, so "Code du département (Maire)" and "code_departement"
 * both name the same column.
 */
export function normalizeHeader(name: string): string {
  return stripAccents(name)
    .toLowerCase()
    .replace(/\(.*?\)/g, ' ')
    .replace(/[’']/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export interface ColumnSpec {
  /** Field name used in code and in error messages' "field". */
  field: string;
  /** Human label, in French, for messages. */
  label: string;
  required: boolean;
  /** Normalised header names (or prefixes ending with '*') that designate this column. */
  aliases: string[];
}

export interface ColumnMatch {
  indexes: Map<string, number>;
  missing: ColumnSpec[];
  /** Header cells that appear more than once, with their 1-based positions. */
  duplicates: Array<{ name: string; positions: number[] }>;
  /**
   * Fields that more than one header names (« Mail » and « Courriel »): the first is used; the
   * others' 0-based positions are kept so that a reader can say so (or prefer a visible one).
   */
  alternatives?: Map<string, number[]>;
}

function matches(header: string, alias: string): boolean {
  return alias.endsWith('*') ? header.startsWith(alias.slice(0, -1)) : header === alias;
}

/**
 * @param overrides field → header name given by the user in campagne.yaml; it replaces the aliases.
 */
export function matchColumns(header: string[], specs: ColumnSpec[], overrides: Record<string, string> = {}): ColumnMatch {
  const normalized = header.map(normalizeHeader);
  const indexes = new Map<string, number>();
  const missing: ColumnSpec[] = [];
  const alternatives = new Map<string, number[]>();
  for (const spec of specs) {
    const override = overrides[spec.field];
    // relais' own label for a column (« Adresse électronique », « Numéro et voie ») is what its
    // messages call it: a header written that way names it too.
    const aliases = override ? [normalizeHeader(override)] : [...spec.aliases, normalizeHeader(spec.label)];
    const found = normalized.flatMap((h, i) => (aliases.some((a) => matches(h, a)) ? [i] : []));
    const index = found[0] ?? -1;
    if (index >= 0) indexes.set(spec.field, index);
    else if (spec.required || override) missing.push(spec);
    if (!override && found.length > 1 && new Set(found.map((i) => normalized[i])).size > 1) {
      alternatives.set(spec.field, found);
    }
  }
  const seen = new Map<string, number[]>();
  header.forEach((h, i) => {
    const key = normalizeHeader(h);
    if (!key) return;
    seen.set(key, [...(seen.get(key) ?? []), i + 1]);
  });
  const duplicates = [...seen.entries()]
    .filter(([, positions]) => positions.length > 1)
    .map(([, positions]) => ({ name: header[(positions[0] ?? 1) - 1] ?? '', positions }));
  return { indexes, missing, duplicates, ...(alternatives.size ? { alternatives } : {}) };
}

/**
 * Characters that show nothing, which a copy from a web page or a Word document leaves in a cell:
 * the zero-width ones (U+200B–U+200D, U+2060, U+FEFF), the soft hyphen (U+00AD) and the marks of
 * writing direction (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069). Invisible everywhere, not
 * white space to trim(), and never part of a code, an address or a name that relais reads.
 */
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;

/**
 * Columns of one name that nothing tells apart (1-based positions), said with those hidden in
 * Excel: « colonne « Courriel » en double (colonnes 3 et 4, dont la 3 masquée dans Excel) ».
 */
export function duplicateColumnMessage(name: string, positions: number[], hiddenColumns: ReadonlySet<number> | undefined): string {
  const hidden = positions.filter((p) => hiddenColumns?.has(p - 1));
  const said = hidden.length === positions.length ? ', toutes masquées dans Excel' : hidden.length ? `, dont ${hidden.map((p) => `la ${p}`).join(' et ')} ${hidden.length > 1 ? 'masquées' : 'masquée'} dans Excel` : '';
  return `colonne « ${name} » en double (colonnes ${positions.join(' et ')}${said})`;
}

/** What to do about them, where a file is refused for them. */
export const DUPLICATE_COLUMN_HINT = "relais ne sait pas laquelle lire ; supprimez l'autre ou donnez-lui un autre nom, puis relancez";

export function withoutInvisible(value: string): string {
  // Asked of every cell of national files, where almost none holds one: a look at each character
  // costs less than a replace that finds nothing.
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0xad || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || c === 0x2060 || (c >= 0x2066 && c <= 0x2069) || c === 0xfeff) return value.replace(INVISIBLE, '');
  }
  return value;
}

export function cell(values: string[], indexes: Map<string, number>, field: string): string {
  const i = indexes.get(field);
  return i === undefined ? '' : withoutInvisible(values[i] ?? '').trim();
}

/**
 * What Excel shows for a formula that failed (« #N/A » of a RECHERCHEV, « #REF! », « #VALEUR! »…),
 * in English and in French Excel (« #NOMBRE! », « #PROPAGATION! », « #CHAMP! »…): a file keeps
 * the names of the Excel that saved it.
 */
const FORMULA_ERROR = /^#(?:N\/A|NA|N\/D|REF|VALUE|VALEUR|DIV\/0|NAME|NOM|NUM|NOMBRE|NULL|NUL|SPILL|PROPAGATION|CALC|GETTING_DATA|OBTENTION_DONN[EÉ]ES|FIELD|CHAMP|BLOCKED|BLOQU[EÉ]|CONNECT|CONNEXION|UNKNOWN|INCONNU|BUSY|OCCUP[EÉ]|EXTERNAL|EXTERNE|PYTHON|TIMEOUT)[!?]?$/i;

export function isFormulaError(value: string): boolean {
  return value.includes('#') && FORMULA_ERROR.test(value.trim());
}

export function formulaErrorMessage(value: string, column: string): string {
  return `la cellule ${column} montre l'erreur de formule « ${value.trim()} » (une RECHERCHEV sans résultat, une cellule source supprimée ?) : corrigez la formule, ou remplacez-la par sa valeur`;
}

/**
 * The « Total » row an office adds under its table (« Total », « TOTAL GÉNÉRAL : 35 000 ») is no
 * mayor and no town hall: the cell that says so, when the row has no commune code, else undefined.
 * A count can sit in the code column (« 2;;;;Total », « 35000;;Total »): given `known` (is this a
 * commune of the reference?), a row with a « Total » cell whose code is no known commune is one
 * too; without it, only a row without anything shaped like a code is.
 */
/** A « Total », « Sous-total », « TOTAL GÉNÉRAL », « Totaux » cell: the row under a table that sums it. */
export function isTotalLabel(text: string): boolean {
  return /^(?:sous[- ]?)?tota(?:l|ux)\b/i.test(withoutInvisible(text).trim());
}

export function totalCell(values: string[], commune: string, known?: (code: string) => boolean): string | undefined {
  if (known ? known(commune.trim()) : /^(\d{4,5}|2[AB]\d{3}|\d{1,3})$/i.test(commune.trim())) return undefined;
  return values.map((v) => withoutInvisible(v).trim()).find(isTotalLabel);
}

/** @param code what the code column holds, when something (a count: « 35000 » is no commune's code). */
export function totalRowMessage(what: string, total: string, of: string, code = ''): string {
  const written = code.trim() ? ` (« ${code.trim()} » n'est le code d'aucune commune)` : '';
  return `${what} : ligne « ${total} » sans code de commune${written} : une ligne de total sous le tableau, pas ${of} : écartée`;
}
