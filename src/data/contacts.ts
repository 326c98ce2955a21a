import { domainToASCII } from 'node:url';
import { repairInsee } from './cog.js';
import { repairPostalCode } from './postal-codes.js';
import { cell, isFormulaError, matchColumns, normalizeHeader, withoutInvisible, type ColumnSpec } from './columns.js';
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

/** Words of a header that is part of a town hall's postal address. */
const ADDRESS_WORDS = /\b(?:adresse|adr|voie|rue|complement|distribution|bp|cs|cedex|lieu|lieu dit|batiment|postal|postale)\b/;
/** An email, a web site or a phone number is no part of a postal address, whatever its header says (« Adresse site web », « Mail du maire »). */
const NOT_POSTAL = /\b(?:mail|email|e mail|courriel|mel|electronique|site|web|internet|url|www|http|https|telephone|tel|fax|portable)\b/;

/** A header that names part of a town hall's postal address (« Adresse 2 », « Lieu-dit »), not its email or web site. */
export function isPostalAddressHeader(header: string): boolean {
  const name = normalizeHeader(header);
  return ADDRESS_WORDS.test(name) && !NOT_POSTAL.test(name);
}

export interface ContactRecord extends AddressFields {
  line: number;
  insee: string;
  courriel: string;
  telephone: string;
  /** The postal code as written: checked against the commune once it is known (postal-codes.ts, placePostalCode). */
  codePostalWritten: string;
  /** The INSEE cell as written, when upper-casing changed it. */
  inseeWritten?: string;
  /** Repairs made while reading (French, for a warning naming the line). */
  reparations: string[];
  /** Cells that showed a formula error (« #N/A », « #REF! »), left blank: the field and what it showed. */
  formulaErrors?: Array<{ field: string; value: string }>;
}

/**
 * How a message names a contact cell (« la cellule du numéro et de la voie ») and what is done
 * while it shows a formula error: the letter still goes, without that part of the address.
 */
export const CONTACT_CELLS: Record<string, { of: string; meanwhile: string }> = {
  complement1: { of: "du complément d'adresse 1", meanwhile: "elle est laissée hors de l'adresse" },
  complement2: { of: "du complément d'adresse 2", meanwhile: "elle est laissée hors de l'adresse" },
  voie: { of: 'du numéro et de la voie', meanwhile: "elle est laissée hors de l'adresse" },
  distribution: { of: 'du service de distribution', meanwhile: "elle est laissée hors de l'adresse" },
  code_postal: { of: 'du code postal', meanwhile: 'le code postal de la commune la remplace' },
  localite: { of: 'de la localité', meanwhile: 'le nom de la commune la remplace' },
  telephone: { of: 'du téléphone', meanwhile: 'elle est ignorée' },
};

export function contactColumns(header: string[], overrides: Record<string, string> = {}) {
  return matchColumns(header, CONTACT_COLUMNS, overrides);
}

export function toContact(values: string[], line: number, indexes: Map<string, number>): ContactRecord {
  const reparations: string[] = [];
  const formulaErrors: Array<{ field: string; value: string }> = [];
  // A failed formula (« #N/A » of a RECHERCHEV) is no part of an address: « 45230 N A » on an envelope.
  const read = (field: string): string => {
    const v = cell(values, indexes, field);
    if (!isFormulaError(v)) return v;
    formulaErrors.push({ field, value: v });
    return '';
  };
  const rawInsee = cell(values, indexes, 'insee');
  const insee = repairInsee(rawInsee);
  if (insee.repaired) reparations.push(`code INSEE ${rawInsee} complété en ${insee.code} (zéro initial perdu)`);
  const rawCp = read('code_postal');
  // Its repair (and the warning) wait for the commune: « 4523 » is 04523 in the Ain, not in the Loiret.
  const cp = repairPostalCode(rawCp);
  const flat = {
    line,
    insee: insee.code,
    // As written, when it is not the code read from it (a spreadsheet's « Total » row): for the message.
    ...(rawInsee.trim().toUpperCase() !== rawInsee.trim() ? { inseeWritten: rawInsee.trim() } : {}),
    courriel: cell(values, indexes, 'courriel'),
    complement1: read('complement1'),
    complement2: read('complement2'),
    voie: read('voie'),
    distribution: read('distribution'),
    codePostal: cp.code,
    codePostalWritten: rawCp,
    localite: read('localite'),
    telephone: read('telephone'),
    reparations,
    ...(formulaErrors.length ? { formulaErrors } : {}),
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
  /**
   * Addresses put aside, with why (French, for the warning): one in brackets (a bracket is a
   * note), or one a note or label calls old or not to use. Absent when none.
   */
  aside?: readonly string[];
  /** Notes and labels taken out of the cell and not acted on (French: « commentaire « … » ignoré »). Absent when none. */
  notes?: readonly string[];
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

/** One value that neither the split nor cleanEmail would change: no separator, blank, quote, bracket, colon, query or invisible character. */
const PLAIN = /^[^\s;,<>"'“”?():\u200B-\u200D\u2060\uFEFF]+$/;

interface Note {
  text: string;
  /** A comment in brackets, a label before a colon, a display name. */
  kind: 'commentaire' | 'libellé' | 'nom';
}

/** Where a note stood in a cell, once taken out (it holds no @, so no split cuts at it). */
const MARK = /\u0001(\d+)\u0001/g;

/**
 * Words by which an office says an address is no longer the one (« ancienne », « ne plus
 * utiliser », « obsolète »…), compared without case or accents (normalizeHeader).
 */
const RETIRED = /\b(?:ancien|anciens|ancienne|anciennes|obsolete|obsoletes|inactif|inactifs|inactive|inactives|old|former|perime|perimee|perimees|desactive|desactivee|supprime|supprimee|invalide|hors service|plus (?:utilise\w*|valide\w*|active?|actifs?|en service|d actualite)|ne plus|ne pas utiliser|pas a utiliser|n existe plus|ne fonctionne plus|ne marche plus|ne repond plus|remplacee|caduc|caduque|expire|expiree)\b/;

/** Words that say the address is the current one (« nouvelle adresse », « remplace l'ancienne »): no retirement, whatever else the note says. */
const CURRENT = /\b(?:nouveau|nouvelle|nouvelles|actuel|actuelle|remplace|a utiliser|a jour|new|current)\b/;

const isRetired = (n: Note): boolean => {
  const text = normalizeHeader(n.text);
  return RETIRED.test(text) && !CURRENT.test(text);
};

/** A label that only names the field (« Courriel : », « E-mail : », « Mairie : ») says nothing worth a warning. */
const FIELD_NAMES = new Set([...CONTACT_COLUMNS[1]!.aliases, normalizeHeader(CONTACT_COLUMNS[1]!.label), 'adresse', 'mairie', 'e mail mairie', 'mail mairie', 'courriel mairie']);

const described = (n: Note): string => `${n.kind} « ${n.text} »`;

/** « a@b.fr (c@d.fr) », « a@b.fr (ancienne : c@d.fr) »: the addresses of a note, none of them used. */
function addressesIn(text: string): string[] {
  return text.split(/[\s;,|/]+/).map(cleanEmail).filter(isValidEmail);
}

/**
 * Reads a cell or list that may hold several addresses (separated by ; , / | « et », « ou » or
 * spaces, or given as a list): the first valid one is used, the others are reported, never silently
 * dropped. What surrounds an address and is not one is a note: a comment in brackets
 * (« a@b.fr (secrétariat) », RFC 5322's form, which Outlook copies), a display name in quotes
 * before `<…>` (whose comma is no separator), a label before a colon (« courriel : a@b.fr »). An
 * address inside brackets is never used (a bracket is a note: « (ancienne : old@x.fr) »); an
 * address that a note or label calls old or not to use is put aside; every other note is named
 * (a warning reads them), except a display name or a label that only names the field.
 */
export function chooseEmail(values: string | string[]): EmailChoice {
  const list = Array.isArray(values) ? values : [values];
  // Nearly every town hall has one bare address, which splitting and cleaning leave as it is:
  // the same answer, without them (a national directory asks 35,000 times).
  const only = list.length === 1 ? list[0]! : '';
  if (PLAIN.test(only) && !/^mailto:/i.test(only)) return isValidEmail(only) ? { email: only, others: NONE, malformed: NONE } : { email: undefined, others: NONE, malformed: [only] };
  const notes: Note[] = [];
  const mark = (text: string, kind: Note['kind']) => ` \u0001${notes.push({ text: text.trim(), kind }) - 1}\u0001 `;
  // Each address candidate with the notes that go with it, in the cell's order.
  const candidates: Array<{ raw: string; notes: Note[] }> = [];
  const loose: Note[] = [];
  for (const value of list) {
    const marked = withoutInvisible(value)
      .replace(/\u0001/g, '')
      .replace(/\(([^()]*)\)/g, (_, inner: string) => mark(inner, 'commentaire'))
      .replace(/"([^"@]*)"|“([^”@]*)”/g, (_, a: string | undefined, b: string | undefined) => mark(a ?? b ?? '', 'nom'));
    // « a ; b », « a, b », « a / b », « a | b », « a et b », « a ou b », « a b »: as people type them.
    // A blank between a word and a bare « @ » (« mairie @adon.fr ») cuts no address in two: it is
    // one address with a stray space, quoted as written (after an address, « @c.fr » is another).
    const parts = marked.split(/[;,\n|]|\s*\/\s*(?=[^\s/<>]*@)|\s+(?:et|ou|and)\s+(?=[^\s<>]*@)|\s+(?=[^\s<>@]+@)|(?<=@\S*)\s+(?=@)/i).map((v) => v.trim()).filter(Boolean);
    // Labels and display names go with the address after them, comments with the one before.
    let pending: Note[] = [];
    let last: { raw: string; notes: Note[] } | undefined;
    for (const part of parts) {
      const marks = [...part.matchAll(MARK)].map((m) => notes[Number(m[1])]!);
      let text = part.replace(MARK, ' ').replace(/\s+/g, ' ').trim();
      const own: Note[] = [];
      const label = /^(?!mailto:)([^\s@:<>"][^@:<>"]{0,40}?)\s*:\s*(?=[^\s@:]+@)/i.exec(text);
      if (label) {
        own.push({ text: label[1]!.trim(), kind: 'libellé' });
        text = text.slice(label[0].length);
      }
      const name = /^([^<>@]+?)\s*<[^<>]*@[^<>]*>/.exec(text);
      if (name) own.push({ text: name[1]!.replace(/^["'“”]+|["'“”]+$/g, '').trim(), kind: 'nom' });
      if (!text) {
        for (const n of marks) (n.kind === 'commentaire' && last ? last.notes : pending).push(n);
        continue;
      }
      // A label left alone by the split (« Secrétariat : » before a second address), or words
      // that say the next address is old (« ancienne adresse old@x.fr »), are no address.
      if (/^[^@<>"]{1,40}:$/.test(text) || (!text.includes('@') && isRetired({ text, kind: 'libellé' }))) {
        pending.push({ text: text.replace(/\s*:$/, ''), kind: 'libellé' }, ...marks);
        continue;
      }
      last = { raw: text, notes: [...pending, ...own, ...marks] };
      pending = [];
      candidates.push(last);
    }
    loose.push(...pending);
  }
  let email: string | undefined;
  const others: string[] = [];
  const malformed: string[] = [];
  const aside: string[] = [];
  const said: string[] = [];
  const tell = (n: Note) => {
    if (n.kind === 'nom' || (n.kind === 'libellé' && FIELD_NAMES.has(normalizeHeader(n.text)))) return;
    said.push(`${described(n)} ignoré`);
  };
  const noted = (ns: Note[]) => {
    for (const n of ns) {
      if (!n.text.includes('@')) continue;
      const inside = addressesIn(n.text);
      if (inside.length === 0) tell(n);
      for (const a of inside) aside.push(isRetired(n) ? `« ${a} » mise de côté : le ${described(n)} la dit ancienne ou à ne plus utiliser` : `« ${a} » non utilisée : écrite entre parenthèses (${described(n)}), donc une note`);
    }
  };
  for (const c of candidates) {
    const cleaned = cleanEmail(c.raw);
    const retired = c.notes.find((n) => !n.text.includes('@') && isRetired(n));
    if (!isValidEmail(cleaned)) {
      malformed.push(c.raw);
      for (const n of c.notes) if (!n.text.includes('@')) tell(n);
    } else if (retired) {
      aside.push(`« ${cleaned} » mise de côté : le ${described(retired)} la dit ancienne ou à ne plus utiliser`);
      for (const n of c.notes) if (n !== retired && !n.text.includes('@')) tell(n);
    } else {
      for (const n of c.notes) if (!n.text.includes('@')) tell(n);
      if (email === undefined) email = cleaned;
      else if (cleaned.toLowerCase() !== email.toLowerCase()) others.push(cleaned);
    }
    noted(c.notes);
  }
  noted(loose);
  for (const n of loose) if (!n.text.includes('@')) tell(n);
  return { email, others, malformed, ...(aside.length ? { aside } : {}), ...(said.length ? { notes: said } : {}) };
}

/**
 * « mairie @adon.fr », « mairie@ adon .fr »: a value that is an address once its blanks are taken
 * out. Never used as such (nobody typed it): the warning offers it, the file is corrected by hand.
 */
export function withoutBlanks(value: string): string | undefined {
  if (!/\s/.test(value.trim())) return undefined;
  const joined = cleanEmail(value).replace(/\s+/g, '');
  return isValidEmail(joined) ? joined : undefined;
}

/**
 * Deliberately plain: one @, a local part and a dotted domain without spaces. Stricter rules
 * reject addresses that mail servers accept; the SMTP server has the last word.
 */
export function isValidEmail(email: string): boolean {
  return /^[^\s@<>(),;:"\u200B-\u200D\u2060\uFEFF]+@[^\s@<>(),;:"\u200B-\u200D\u2060\uFEFF]+\.[^\s@<>(),;:".\u200B-\u200D\u2060\uFEFF]{2,}$/u.test(email) && !email.includes('..');
}

/**
 * One form for an address however it was written, to tell two addresses for one mailbox: the
 * domain as its A-label (« saint-étienne.fr » and « xn--saint-tienne-geb.fr » are one domain, RFC
 * 5890; relais sends the second, a bounce may give either), the local part as written (RFC 6532:
 * UTF-8, in its composed form), both case-insensitively as relais has always compared them.
 */
export function mailboxKey(address: string): string {
  // Nearly every address is ASCII: nothing to normalise, nothing to convert.
  if (/^[\x00-\x7f]*$/.test(address)) return address.toLowerCase();
  const at = address.lastIndexOf('@');
  if (at < 0) return address.normalize('NFC').toLowerCase();
  const local = address.slice(0, at).normalize('NFC').toLowerCase();
  const domain = address.slice(at + 1).normalize('NFC').toLowerCase();
  // domainToASCII gives '' for what is no domain: kept as written, compared as such.
  const ascii = /^[\x00-\x7f]*$/.test(domain) ? domain : domainToASCII(domain) || domain;
  return `${local}@${ascii.toLowerCase()}`;
}

/**
 * An address whose local part is not ASCII (« élodie.mairie@… »): only a server that offers
 * SMTPUTF8 (RFC 6531) may be given it. A domain alone in Unicode needs no such server: it goes as
 * its A-label.
 */
export function needsSmtputf8(address: string): boolean {
  return /[^\x00-\x7f]/.test(address.slice(0, Math.max(0, address.lastIndexOf('@'))));
}
