import { repairInsee, repairPostalCode } from './cog.js';
import { cell, matchColumns, normalizeHeader, withoutInvisible, type ColumnSpec } from './columns.js';
import { letterAddress, nested, type AddressFields } from './directory.js';

/**
 * Town-hall contacts: email and postal address. Not in the RNE: they come from the service-public
 * directory (column names below are its own) or from the préfecture's list, whose columns can be
 * mapped in campagne.yaml (`sources.mairies.colonnes`).
 */
export const CONTACT_COLUMNS: ColumnSpec[] = [
  { field: 'insee', label: 'code INSEE', required: true, aliases: ['code insee commune', 'code insee', 'insee', 'code commune', 'codgeo'] },
  { field: 'courriel', label: 'adresse électronique', required: true, aliases: ['adresse courriel', 'courriel', 'adresse electronique', 'email', 'e mail', 'mail', 'adresse mail', 'adresse email', 'mel'] },
  { field: 'complement1', label: "complément d'adresse 1", required: false, aliases: ['complement1', 'complement 1', 'complement', 'complement d adresse', 'complement d adresse 1', 'complement adresse'] },
  { field: 'complement2', label: "complément d'adresse 2", required: false, aliases: ['complement2', 'complement 2', 'complement d adresse 2'] },
  { field: 'voie', label: 'numéro et voie', required: false, aliases: ['numero voie', 'numero et voie', 'numero et nom de voie', 'adresse', 'voie', 'adresse ligne 1', 'rue'] },
  { field: 'distribution', label: 'service de distribution', required: false, aliases: ['service distribution', 'service de distribution', 'bp', 'boite postale', 'cs'] },
  { field: 'code_postal', label: 'code postal', required: false, aliases: ['code postal', 'cp'] },
  { field: 'localite', label: 'localité', required: false, aliases: ['nom commune', 'localite', 'libelle acheminement', 'ville', 'commune'] },
  { field: 'telephone', label: 'téléphone', required: false, aliases: ['telephone', 'tel', 'numero de telephone'] },
];

export function isContactHeader(cells: string[]): boolean {
  const names = cells.map(normalizeHeader);
  return names.some((n) => CONTACT_COLUMNS[0]!.aliases.includes(n));
}

export interface ContactRecord extends AddressFields {
  line: number;
  insee: string;
  courriel: string;
  telephone: string;
  /** The postal code as written: checked against the commune once it is known (cog.placePostalCode). */
  codePostalWritten: string;
  /** The INSEE cell as written, when upper-casing changed it. */
  inseeWritten?: string;
  /** Repairs made while reading (French, for a warning naming the line). */
  reparations: string[];
}

export function contactColumns(header: string[], overrides: Record<string, string> = {}) {
  return matchColumns(header, CONTACT_COLUMNS, overrides);
}

export function toContact(values: string[], line: number, indexes: Map<string, number>): ContactRecord {
  const reparations: string[] = [];
  const rawInsee = cell(values, indexes, 'insee');
  const insee = repairInsee(rawInsee);
  if (insee.repaired) reparations.push(`code INSEE ${rawInsee} complété en ${insee.code} (zéro initial perdu)`);
  const rawCp = cell(values, indexes, 'code_postal');
  // Its repair (and the warning) wait for the commune: « 4523 » is 04523 in the Ain, not in the Loiret.
  const cp = repairPostalCode(rawCp);
  const flat = {
    line,
    insee: insee.code,
    // As written, when it is not the code read from it (a spreadsheet's « Total » row): for the message.
    ...(rawInsee.trim().toUpperCase() !== rawInsee.trim() ? { inseeWritten: rawInsee.trim() } : {}),
    courriel: cell(values, indexes, 'courriel'),
    complement1: cell(values, indexes, 'complement1'),
    complement2: cell(values, indexes, 'complement2'),
    voie: cell(values, indexes, 'voie'),
    distribution: cell(values, indexes, 'distribution'),
    codePostal: cp.code,
    codePostalWritten: rawCp,
    localite: cell(values, indexes, 'localite'),
    telephone: cell(values, indexes, 'telephone'),
    reparations,
  };
  return withDirectoryAddress(flat);
}

/**
 * An API export saved without its `pivot` column is read as a flat list, and its `adresse`
 * column holds the directory's JSON list: the letter's address comes from that list (postal
 * address first), never from its text.
 */
function withDirectoryAddress(c: ContactRecord): ContactRecord {
  if (!/^[[{]/.test(c.voie)) return c;
  const list = nested(c.voie);
  const a = list.ok ? letterAddress(list.value) : undefined;
  if (!a) return c;
  const cp = repairPostalCode(a.codePostal);
  return { ...c, complement1: a.complement1, complement2: a.complement2, voie: a.voie, distribution: a.distribution, codePostal: cp.code || c.codePostal, codePostalWritten: cp.code ? a.codePostal : c.codePostalWritten, localite: a.localite || c.localite };
}

export interface EmailChoice {
  /** The first valid address, if any. */
  email: string | undefined;
  /** Other valid addresses, never used (named in a warning). */
  others: readonly string[];
  /** Values that are not addresses. */
  malformed: readonly string[];
}

/** The lists of the common answer, shared: 35,000 pairs of empty arrays were garbage. */
const NONE: readonly string[] = Object.freeze([]);

/** "Mairie <a@b.fr>", "mailto:a@b.fr", "<a@b.fr>", "a@b.fr" → "a@b.fr". */
export function cleanEmail(value: string): string {
  let v = value.trim().replace(/^["'“”]+|["'“”]+$/g, '');
  const angle = /<([^<>]*)>/.exec(v);
  if (angle) v = angle[1]!.trim();
  v = v.replace(/^mailto:/i, '').replace(/\?.*$/, '').trim();
  return v;
}

/**
 * What surrounds an address in a cell and is not one: invisible characters, a display name in
 * quotes before `<…>` (« "Mairie, accueil" <a@b.fr> », whose comma is no separator), a comment in
 * brackets (« a@b.fr (secrétariat) », RFC 5322's form, which Outlook copies) and a label before a
 * colon (« courriel : a@b.fr »). Only parts without an @ go: an address is never removed (brackets
 * around one, « (ou c@d.fr) », are, so that it is read as another address).
 */
function withoutNotes(value: string): string {
  return withoutInvisible(value)
    .replace(/"[^"@]*"|“[^”@]*”/g, ' ')
    .replace(/\([^()@]*\)/g, ' ')
    .replace(/\(([^()]*@[^()]*)\)/g, ' $1 ')
    .replace(/^\s*(?!mailto:)[^\s@:<>"][^@:<>"]{0,40}?\s*:\s*(?=[^\s@:]+@)/i, '')
    .trim();
}

/** One value that neither the split nor cleanEmail would change: no separator, blank, quote, bracket, colon, query or invisible character. */
const PLAIN = /^[^\s;,<>"'“”?():\u200B-\u200D\u2060\uFEFF]+$/;

/**
 * Reads a cell or list that may hold several addresses (separated by ; , / | « et », « ou » or
 * spaces, or given as a list): the first valid one is used, the others are reported, never silently dropped.
 */
export function chooseEmail(values: string | string[]): EmailChoice {
  const list = Array.isArray(values) ? values : [values];
  // Nearly every town hall has one bare address, which splitting and cleaning leave as it is:
  // the same answer, without them (a national directory asks 35,000 times).
  const only = list.length === 1 ? list[0]! : '';
  if (PLAIN.test(only) && !/^mailto:/i.test(only)) return isValidEmail(only) ? { email: only, others: NONE, malformed: NONE } : { email: undefined, others: NONE, malformed: [only] };
  const parts = list
    .map(withoutNotes)
    // « a ; b », « a, b », « a / b », « a | b », « a et b », « a ou b », « a b »: as people type them.
    .flatMap((v) => v.split(/[;,\n|]|\s*\/\s*(?=[^\s/<>]*@)|\s+(?:et|ou|and)\s+(?=[^\s<>]*@)|\s+(?=[^\s<>]*@)/i))
    .map((v) => v.trim())
    // A label left alone by the split (« Secrétariat : » before a second address) is no address.
    .filter((v) => v && !/^[^@<>"]{1,40}:$/.test(v));
  let email: string | undefined;
  const others: string[] = [];
  const malformed: string[] = [];
  for (const part of parts) {
    const cleaned = cleanEmail(part);
    if (isValidEmail(cleaned)) {
      if (email === undefined) email = cleaned;
      else if (cleaned.toLowerCase() !== email.toLowerCase()) others.push(cleaned);
    } else malformed.push(part);
  }
  return { email, others, malformed };
}

/**
 * Deliberately plain: one @, a local part and a dotted domain without spaces. Stricter rules
 * reject addresses that mail servers accept; the SMTP server has the last word.
 */
export function isValidEmail(email: string): boolean {
  return /^[^\s@<>(),;:"\u200B-\u200D\u2060\uFEFF]+@[^\s@<>(),;:"\u200B-\u200D\u2060\uFEFF]+\.[^\s@<>(),;:".\u200B-\u200D\u2060\uFEFF]{2,}$/u.test(email) && !email.includes('..');
}
