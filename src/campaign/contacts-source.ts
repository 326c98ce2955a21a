import { RelaisError } from '../errors.js';
import type { ProblemList } from '../problems.js';
import type { CommuneReference } from '../data/cog.js';
import { placePostalCode } from '../data/postal-codes.js';
import { CONTACT_CELLS, CONTACT_COLUMNS, contactColumns, isContactHeader, isPostalAddressHeader, toContact } from '../data/contacts.js';
import type { AddressFields } from '../data/directory.js';
import { directoryRecords, isDirectoryHeader, scanDirectory, sniffContactsFile, tableRecords } from '../data/directory-files.js';
import { newAccount, setAside, TOTAL_SET_ASIDE, type FileAccount } from './accounting.js';
import { cell, formulaErrorMessage, isFormulaError, totalCell, totalRowMessage, type ColumnMatch } from '../data/columns.js';
import { lineName, type Table } from '../data/table.js';
import { arrondissementRow, campaignFilter, FormerCodeRows, isArrondissement, knownCode, locate } from './communes.js';
import { campaignPath, displayPath, type Campaign } from './load.js';
import { forEachRow, openSource, preferVisibleColumns, sourceConfig } from './sources.js';
import { cachedDirectory, directoryToRead } from './directory-cache.js';
import { nativeScannerFailure, type NativeScanResult } from '../data/native-scan.js';
import { readDirectory } from './directory-read.js';
import { csvKind } from '../data/encoding.js';

/** A town hall's contact, from the flat list or the directory, as the join uses it. */
export interface TownHallContact extends AddressFields {
  /** Email values as written (a cell may hold several; chooseEmail decides). */
  courriels: string[];
  telephone: string;
  file: string;
  line: number;
  /** How messages name the row: "" for a line of a table, "fiche n° 12 « Mairie - X »" for a record. */
  label: string;
  /** A directory record whose email field does not read: said where it is read, not « sans adresse électronique ». */
  courrielIllisible?: boolean;
}

export interface ContactsRead {
  contacts: Map<string, TownHallContact>;
  file: string | undefined;
  account: FileAccount | undefined;
  /** Communes whose row is struck through in Excel (set aside), with the row's line. */
  struck?: Map<string, number>;
  /** Communes whose only directory records were rejected (each said with its reason), with the first one's line. */
  rejected?: Map<string, number>;
  /** Communes whose only rows of a flat list carry a former code of theirs (each rejected, said with the code to use), with the first one's line. */
  formerCodeRows?: Map<string, number>;
  /** The file stopped being read at an error (said): a commune without a town hall may be past it. */
  incomplete?: boolean;
}

const WHAT = 'fichier des mairies';

/**
 * The town halls' file, recognised (sniffContactsFile) and, when it is a large JSON directory that
 * no kept reading stands for, already being scanned on a thread of its own (native-scan.ts):
 * started before the mayors are read (startContacts), read after them (readContacts).
 */
export interface ContactsStart {
  source: ReturnType<typeof sourceConfig>;
  path: string;
  file: string;
  /** Rejects with what readContacts says of a file it cannot take. */
  sniffed: ReturnType<typeof sniffContactsFile>;
  /** Undefined inside when there is nothing to scan, or no scanner: readContacts then reads as it would have. */
  scan: Promise<NativeScanResult | undefined>;
}

export function startContacts(campaign: Campaign): ContactsStart | undefined {
  if (!campaign.config.sources.mairies) return undefined;
  const source = sourceConfig(campaign.config.sources.mairies);
  const path = campaignPath(campaign, source.fichier);
  const file = displayPath(campaign, source.fichier);
  const sniffed = sniffContactsFile(path, file);
  // Said by readContacts once the mayors are read; not an unhandled rejection meanwhile.
  sniffed.catch(() => undefined);
  const scan = sniffed
    .then(async (kind) => (kind.kind === 'directory' && kind.format === 'json' && (await directoryToRead(campaign, path, file)) ? scanDirectory(path) : undefined))
    .catch(() => undefined);
  return { source, path, file, sniffed, scan };
}

export async function readContacts(campaign: Campaign, ref: CommuneReference, problems: ProblemList, start: ContactsStart | undefined): Promise<ContactsRead> {
  const contacts = new Map<string, TownHallContact>();
  const rejected = new Map<string, number>();
  // A reading kept in the cache found no error: it read the whole file.
  let complete = true;
  if (!start) return { contacts, file: undefined, account: undefined };
  const { source, path, file } = start;
  let sniffed: Awaited<ContactsStart['sniffed']>;
  try {
    sniffed = await start.sniffed;
  } catch (err) {
    if (!(err instanceof RelaisError)) throw err;
    problems.error('fichier-illisible', `${WHAT} : ${err.message}`, { file, ...err.location }, 'file');
    return { contacts, file, account: undefined };
  }
  if (sniffed.kind === 'directory') {
    const format = sniffed.format === 'zip' ? `annuaire DILA (zip, ${sniffed.jsonMember})` : 'annuaire DILA (JSON)';
    const read = await cachedDirectory(campaign, path, file, problems, async (own) => {
      const account = newAccount(file, 'mairies', format);
      // Not kept with the reading: said at each reading until the scanner is rebuilt.
      const failure = sniffed.format === 'json' ? nativeScannerFailure() : undefined;
      if (failure) problems.warning('lecteur-natif', `${WHAT} : le lecteur natif de l'annuaire ne se charge pas (${failure}) : l'annuaire est lu en JavaScript, plus lentement ; reconstruisez-le avec npm run build`, { file }, 'file');
      complete = await readDirectory(campaign, ref, own, directoryRecords(path, file, sniffed, { skimOtherServices: true, scan: start.scan }), file, account, contacts, rejected);
      return { contacts, account, rejected };
    });
    return { contacts: read.contacts, file, account: read.account, rejected: read.rejected, incomplete: !complete };
  }
  // A directory table is read by field name: the flat list's required columns do not apply to it.
  const columnsOf = (header: string[], overrides: Record<string, string>) =>
    isDirectoryHeader(header) ? { indexes: new Map<string, number>(), missing: [], duplicates: [] } : contactColumns(header, overrides);
  // Columns of other names for a field are settled below: emailColumns for the email, the
  // visible one (preferVisibleColumns) for the others.
  const opened = await openSource(campaign, source, WHAT, (h) => isContactHeader(h) || isDirectoryHeader(h), columnsOf, problems, (field) => CONTACT_COLUMNS.some((s) => s.field === field));
  if (!opened) return { contacts, file, account: undefined };
  const { table, columns } = opened;
  const spreadsheet = /\.xlsx$/i.test(path) ? 'xlsx' : csvKind(table.encoding);
  if (isDirectoryHeader(table.header)) {
    const read = await cachedDirectory(campaign, path, file, problems, async (own) => {
      const account = newAccount(file, 'mairies', `annuaire DILA (${spreadsheet})`);
      complete = await readDirectory(campaign, ref, own, tableRecords(table), file, account, contacts, rejected);
      return { contacts, account, rejected };
    });
    return { contacts: read.contacts, file, account: read.account, rejected: read.rejected, incomplete: !complete };
  }
  emailColumns(table, columns, problems);
  // « CP » and « Code postal », one kept from last year: the visible one, said (the same indexes: what it picks is read).
  const others = new Map([...(columns.alternatives ?? [])].filter(([field]) => field !== 'courriel'));
  preferVisibleColumns(table, { ...columns, alternatives: others }, WHAT, 'mairies', CONTACT_COLUMNS, problems);
  unreadAddressColumns(table, columns, problems);
  const account = newAccount(file, 'mairies', `liste de mairies (${spreadsheet})`);
  const accept = campaignFilter(new Set(campaign.departements.map((d) => d.code)), campaign.config.sources.hors_campagne === 'ignorer', problems);
  const lines = new Map<string, number>();
  const struck = new Map<string, number>();
  const former = new FormerCodeRows();
  const known = knownCode(ref);
  account.lus = await forEachRow(table, WHAT, problems, (values, line) => {
    const c = toContact(values, line, columns.indexes);
    const where = { file: table.file, line };
    // Before the code's repair is said: « 2345;;Total » is a count, not a code that lost its zero.
    const total = totalCell(values, c.insee, known);
    if (total !== undefined) {
      problems.warning('ligne-total', totalRowMessage(WHAT, total, 'une mairie', c.inseeWritten ?? cell(values, columns.indexes, 'insee')), { ...where, field: 'code INSEE' });
      setAside(account, TOTAL_SET_ASIDE);
      return;
    }
    for (const r of c.reparations) problems.warning('code-repare', `${WHAT} : ${r}`, { ...where, field: 'code' });
    if (isFormulaError(c.insee)) {
      problems.error('erreur-formule', `${WHAT} : ${formulaErrorMessage(c.insee, 'du code INSEE')}`, { ...where, field: 'code INSEE' });
      account.rejetes++;
      return;
    }
    const commune = locate(ref, c.insee, where, 'code INSEE', WHAT, problems, c.inseeWritten, former);
    if (commune && isArrondissement(commune)) {
      arrondissementRow(commune, accept(commune.of, where, 'code INSEE', WHAT), where, 'code INSEE', WHAT, problems, account);
      return;
    }
    const accepted = commune ? accept(commune, where, 'code INSEE', WHAT) : 'erreur';
    if (!commune || accepted !== 'oui') {
      if (accepted === 'ignoree') setAside(account, 'autre département');
      else account.rejetes++;
      return;
    }
    const previous = lines.get(commune.code);
    if (previous !== undefined) {
      problems.error('commune-en-double', `${WHAT} : ${commune.nom} (${commune.code}) apparaît deux fois (déjà ${lineName(table, previous)})`, { ...where, field: 'code INSEE' });
      account.rejetes++;
      return;
    }
    lines.set(commune.code, line);
    account.utilises++;
    for (const e of c.formulaErrors ?? []) {
      const what = CONTACT_CELLS[e.field]!;
      problems.warning('erreur-formule', `${WHAT} : ${commune.nom} (${commune.code}) : ${formulaErrorMessage(e.value, what.of)} ; en attendant, ${what.meanwhile}`, { ...where, field: table.header[columns.indexes.get(e.field) ?? -1]?.trim() || e.field });
    }
    const postal = placePostalCode(c.codePostalWritten, commune, c.distribution, (code) => ref.communesByPostalCode(code));
    if (postal.repaired) problems.warning('code-repare', `${WHAT} : ${postal.repaired}`, { ...where, field: 'code postal' });
    if (postal.problem) problems.warning('code-postal', `${WHAT} : ${commune.nom} (${commune.code}) : ${postal.problem}`, { ...where, field: 'code postal' });
    const distribution = postal.distribution ?? c.distribution;
    // The locality goes with the code: the commune's name goes with the commune's code. A CEDEX
    // written in the code's cell ends the last line, after the locality (« 45044 ORLEANS CEDEX 1 »).
    const locality = postal.localite ?? (postal.cedex && !/\bCEDEX\b/i.test(c.localite) ? `${c.localite || commune.nom} ${postal.cedex}` : undefined);
    const placed = postal.code === c.codePostal && locality === undefined ? {} : { codePostal: postal.code, ...(postal.code ? (locality === undefined ? {} : { localite: locality }) : { localite: '' }) };
    contacts.set(commune.code, { ...c, distribution, ...placed, courriels: c.courriel ? [c.courriel] : [], file: table.file, line, label: '' });
  }, account, (values, line) => {
    // Kept to say why a commune has no row: « aucune ligne » would be untrue.
    const insee = toContact(values, line, columns.indexes).insee;
    if (insee && !struck.has(insee)) struck.set(insee, line);
  });
  const formerCodeRows = former.report(problems, (code) => lines.get(code));
  return { contacts, file, account, struck, formerCodeRows };
}

/**
 * Two columns that both name the email (« Mail », kept from last year, and « Courriel »): one is
 * mailed, and the user is told which. A column hidden in Excel is the old one kept out of sight:
 * the visible one is used. A column named in campagne.yaml settles it (no alternatives then).
 */
function emailColumns(table: Table, columns: ColumnMatch, problems: ProblemList): void {
  const found = columns.alternatives?.get('courriel');
  if (!found) return;
  const hidden = table.hiddenColumns ?? new Set<number>();
  const used = found.find((i) => !hidden.has(i)) ?? found[0]!;
  columns.indexes.set('courriel', used);
  const name = (i: number) => `« ${table.header[i]} » (colonne ${i + 1}${hidden.has(i) ? ', masquée dans Excel' : ''})`;
  const others = found.filter((i) => i !== used);
  problems.warning(
    'colonnes-courriel',
    `${WHAT} : plusieurs colonnes d'adresse électronique : ${name(used)} est utilisée, ${others.map(name).join(', ')} ${others.length > 1 ? 'ne le sont pas' : "ne l'est pas"} ; si ce n'est pas la bonne, nommez-la dans campagne.yaml (sources.mairies.colonnes.courriel) ou supprimez l'autre`,
    { file: table.file, line: table.headerLine, field: 'courriel' },
  );
}

/**
 * A column whose name says it is part of the address (« Adresse 2 », « Lieu-dit ») but that no
 * field reads: its content would be left off the envelope without a word. Named, with the way
 * to have it read.
 */
function unreadAddressColumns(table: Table, columns: ColumnMatch, problems: ProblemList): void {
  const read = new Set<number>([...columns.indexes.values(), ...[...(columns.alternatives?.values() ?? [])].flat()]);
  const unread = table.header.map((h, i) => ({ h: h.trim(), i })).filter(({ h, i }) => h && !read.has(i) && isPostalAddressHeader(h));
  if (unread.length === 0) return;
  const names = unread.map(({ h, i }) => `« ${h} » (colonne ${i + 1})`).join(', ');
  problems.warning(
    'colonne-non-lue',
    `${WHAT} : ${unread.length > 1 ? 'colonnes' : 'colonne'} ${names} non ${unread.length > 1 ? 'lues' : 'lue'} : relais lit l'adresse dans les colonnes complément d'adresse, numéro et voie, service de distribution, code postal et localité ; ${unread.length > 1 ? 'si elles en font partie, nommez-les' : 'si elle en fait partie, nommez-la'} dans campagne.yaml sous sources.mairies.colonnes (complement1, complement2, voie, distribution, code_postal ou localite)`,
    { file: table.file, line: table.headerLine },
    'file',
  );
}
