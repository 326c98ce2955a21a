import { csvKind, mixedEncodingMessage } from '../data/encoding.js';
import { statSync } from 'node:fs';
import { newAccount, REPEATED_HEADER, REPEATED_TITLE, setAside, TOTAL_SET_ASIDE, type FileAccount } from '../campaign/accounting.js';
import type { Campaign } from '../campaign/load.js';
import { campaignPath, displayPath } from '../campaign/load.js';
import type { CommuneReference } from '../data/cog.js';
import { DUPLICATE_COLUMN_HINT, duplicateColumnMessage, isTotalLabel, matchColumns, type ColumnSpec } from '../data/columns.js';
import { extraValues, extraValuesMessage, repeatsHeader } from '../data/header-rows.js';
import { departementOf, excelScientific, isWithdrawn, parseDay } from './cells.js';
import { RelaisError } from '../errors.js';
import { ProblemList } from '../problems.js';
import { dayOf, isoOf, type SignupRecords } from './aggregate.js';
import { fieldText, openFastTable, type RowView, type StruckCells } from './fast-csv.js';
import { preferVisibleColumns, settleDuplicates, STRUCK_ROW, struckRowMessage, struckTextMessage } from '../campaign/sources.js';
import { hiddenSheetsMessage } from '../data/table.js';
import { isoDateKey, mayHoldInvisible, trimEnd, trimStart, visibleCopy } from './bytes.js';
import { ByteInterner } from './interner.js';
import { ZoneDays } from './zone.js';
import { campaignZone } from '../data/zones.js';

/**
 * Reading the sign-up exports: several files that overlap (each day's export holds everything),
 * de-duplicated by volunteer id, the latest file winning. The département comes from its column,
 * or else from the postal code or INSEE code through the commune reference. Invalid rows are
 * reported by file and line, never counted; rows outside the région are counted apart.
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

export interface SignupSource {
  fichiers: string[];
  colonnes: Record<string, string>;
}

export interface SignupResult {
  records: SignupRecords;
  doublons: number;
  rejetes: number;
  conflits: number;
  lignes: number;
  problems: ProblemList;
  /** Per file: read = used + set aside (superseded, outside the région, withdrawn) + rejected. */
  fichiers: FileAccount[];
}

export { TOTAL_SET_ASIDE };

/** A scratch buffer of at least n bytes: this one, or a new one twice that size. */
const roomFor = (scratch: Buffer, n: number): Buffer => (scratch.length >= n ? scratch : Buffer.alloc(2 * n));

/** Grows typed arrays by doubling. */
function grown<T extends Int32Array | Uint8Array | Uint16Array>(a: T, need: number): T {
  if (need < a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need + 1, a.length * 2));
  b.set(a);
  return b;
}

/**
 * A value worked out once per distinct key (a date, a place, a status), for the first 100,000
 * keys: past that, a file of garbage is computed key by key rather than remembered.
 */
class Memo {
  private readonly keys = new ByteInterner();
  private values = new Int32Array(64).fill(-2);
  get(buf: Uint8Array, start: number, end: number, compute: () => number): number {
    const k = this.keys.size < 100_000 ? this.keys.intern(buf, start, end) : this.keys.find(buf, start, end);
    if (k < 0) return compute();
    if (k >= this.values.length) {
      const v = new Int32Array(this.values.length * 2).fill(-2);
      v.set(this.values);
      this.values = v;
    }
    let value = this.values[k]!;
    if (value === -2) this.values[k] = value = compute();
    return value;
  }
}

/** The account's reason for the rows below a second header with a read column twice. */
const UNDER_DUPLICATES = 'sous un en-tête à colonne en double';

/** What is said of columns of one name that nothing tells apart (the town-hall list's words, see openSource). */
const duplicateMessage = (dup: { name: string; positions: number[] }, hiddenColumns: ReadonlySet<number> | undefined): string =>
  `${duplicateColumnMessage(dup.name, dup.positions, hiddenColumns)} : ${DUPLICATE_COLUMN_HINT}`;

/**
 * `today` (a day number, see dayOf) is the last day a sign-up may carry: a later date is a typo
 * or a wrong clock on the platform, and would date the letter's « à ce jour » figure in the future.
 */
export async function readSignups(campaign: Campaign, source: SignupSource, ref: CommuneReference, files = source.fichiers, today = Number.POSITIVE_INFINITY): Promise<SignupResult> {
  const problems = new ProblemList();
  // The largest export holds nearly every volunteer, at some 60 bytes a row: the id table is
  // sized once from it instead of growing step by step.
  const sizeOf = (f: string) => {
    try {
      return statSync(campaignPath(campaign, f)).size;
    } catch {
      return 0; // reported when the file is read
    }
  };
  const largest = Math.max(0, ...files.map(sizeOf));
  const ids = new ByteInterner(Math.min(2_000_000, Math.ceil(largest / 64)));
  const categories = new ByteInterner();
  const metiers = new ByteInterner();
  const depNames: string[] = [];
  const depIndex = new Map<string, number>();
  let dep = new Uint16Array(1024);
  let category = new Int32Array(1024);
  let metier = new Int32Array(1024);
  let day = new Int32Array(1024);
  let inRegion = new Uint8Array(1024);
  let excluded = new Uint8Array(1024);
  let whereFile = new Uint16Array(1024);
  let whereLine = new Int32Array(1024);
  let doublons = 0;
  let rejetes = 0;
  let conflits = 0;
  let lignes = 0;
  const region = campaign.region?.code;
  const campaignDeps = new Set(campaign.departements.map((d) => d.code));
  // Exports repeat the same few dates, places and statuses a million times: each is worked out
  // once, from its bytes. A département is then a small number; -1 stands for "none".
  const isoDays = new Map<number, number>();
  const zone = new ZoneDays(campaignZone(campaign));
  const otherDates = new Memo();
  const depMemo = new Memo();
  const placeMemo = new Memo();
  const statusMemo = new Memo();
  const indexOfDep = (code: string | undefined): number => {
    if (code === undefined) return -1;
    let i = depIndex.get(code);
    if (i === undefined) {
      depIndex.set(code, (i = depNames.length));
      depNames.push(code);
    }
    return i;
  };
  const inCampaign = (i: number) => {
    const code = depNames[i]!;
    return region ? ref.departements.get(code)?.region === region : campaignDeps.has(code);
  };
  let place = Buffer.alloc(256);
  let idScratch = Buffer.alloc(256);
  let labelScratch: Buffer = Buffer.alloc(256);
  // A field's bytes as a label: as they are, or copied without their invisible characters.
  const internLabel = (labels: ByteInterner, buf: Uint8Array, fs: number, fe: number): number => {
    if (!mayHoldInvisible(buf, fs, fe)) return labels.intern(buf, fs, fe);
    labelScratch = roomFor(labelScratch, fe - fs);
    return labels.intern(labelScratch, ...visibleCopy(buf, fs, fe, labelScratch));
  };
  const accounts: FileAccount[] = [];

  for (const [fileIndex, path] of files.entries()) {
    const file = displayPath(campaign, path);
    const account = newAccount(file, 'inscriptions', 'export des inscriptions (CSV)');
    accounts[fileIndex] = account;
    const headerColumns = (cells: string[]) => {
      const m = matchColumns(cells, SIGNUP_COLUMNS, source.colonnes);
      return m.missing.length === 0 && (m.indexes.has('departement') || m.indexes.has('code_postal') || m.indexes.has('commune')) ? m : undefined;
    };
    const isHeader = (cells: string[]) => headerColumns(cells) !== undefined;
    const table = await openFastTable(campaignPath(campaign, path), file, isHeader).catch((err: unknown) => {
      if (err instanceof RelaisError) problems.error('fichier-illisible', `inscriptions : ${err.message}`, { file, ...err.location }, 'file');
      else throw err;
      return undefined;
    });
    if (!table) continue;
    if (table.workbook) account.format = 'export des inscriptions (xlsx)';
    if (!table.workbook) account.format = `export des inscriptions (${csvKind(table.encoding)})`;
    const columns = matchColumns(table.header, SIGNUP_COLUMNS, source.colonnes);
    if (columns.missing.length) {
      problems.error('colonne-manquante', `inscriptions : ${columns.missing.length > 1 ? 'colonnes manquantes' : 'colonne manquante'} ${columns.missing.map((c) => `« ${c.label} »`).join(', ')} ; colonnes lues : ${table.header.join(', ')}`, { file, line: table.headerLine }, 'file');
      continue;
    }
    if (!columns.indexes.has('departement') && !columns.indexes.has('code_postal') && !columns.indexes.has('commune')) {
      problems.error('colonne-manquante', 'inscriptions : il faut une colonne département, code postal ou code INSEE', { file, line: table.headerLine }, 'file');
      continue;
    }
    if (table.sheets) problems.warning('feuilles-masquees', `inscriptions : ${hiddenSheetsMessage(table.sheets)}`, { file });
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
      continue;
    }
    if (table.hiddenColumns) preferVisibleColumns(shape, columns, 'inscriptions', 'inscriptions', SIGNUP_COLUMNS, problems);
    // The header the rows are read under: a second export appended below the first may bring its
    // own, its columns in another order (another version of the platform).
    let under: { header: string[] } = { header: table.header };
    let iId = -1, iDate = -1, iDep = -1, iCp = -1, iCom = -1, iMet = -1, iCat = -1, iStat = -1;
    // Past this many cells, a row may hold more values than the header names (see extraValues).
    let width = 0;
    const readUnder = (header: string[], indexes: Map<string, number>) => {
      under = { header };
      const ix = (f: string) => indexes.get(f) ?? -1;
      [iId, iDate, iDep, iCp, iCom, iMet, iCat, iStat] = ['id', 'date', 'departement', 'code_postal', 'commune', 'metier', 'categorie', 'statut'].map(ix) as [number, number, number, number, number, number, number, number];
      width = header.length;
    };
    readUnder(table.header, columns.indexes);
    let read = 0;
    // The trimmed bounds of one field of the current row, set by `field`.
    let fs = 0;
    let fe = 0;
    let row: RowView | undefined;
    const field = (i: number): boolean => {
      if (i < 0 || i >= row!.count) fs = fe = 0;
      else {
        fs = trimStart(row!.buf, row!.starts[i]!, row!.ends[i]!);
        fe = trimEnd(row!.buf, fs, row!.ends[i]!);
      }
      return fe > fs;
    };
    const text = (i: number) => fieldText(row!, i).trim();
    // A line holding more values than the header names (a separator inside a value, or the next
    // export's header glued to the last row of a file that ended without a line break): the
    // values past the header are not read, and the line is named, as the town-hall list does.
    const sayExtraValues = () => {
      const extra = extraValues(under, Array.from({ length: row!.count }, (_, i) => text(i)));
      if (extra) problems.warning('valeurs-en-trop', extraValuesMessage('inscriptions', extra), { file, line: row!.line });
    };
    const reject = (line: number, why: string) => {
      rejetes++;
      account.rejetes++;
      problems.warning('inscription-rejetee', `inscription rejetée : ${why}`, { file, line });
    };
    // Lines of one value held until the next line says whether they are a title (see below).
    const pending: Array<{ line: number; why: string }> = [];
    const rejectPending = () => {
      for (const p of pending) reject(p.line, p.why);
      pending.length = 0;
    };
    const titlesAside = () => {
      for (const p of pending) {
        setAside(account, REPEATED_TITLE);
        problems.warning('en-tete-repete', `inscriptions : titre d'un second export, au-dessus de son en-tête (deux exports mis bout à bout ?) : ligne écartée`, { file, line: p.line });
      }
      pending.length = 0;
    };
    // Below a second export's header that names a read column twice: which one is right nothing
    // says, and its rows are set aside, not counted in the first one's département.
    let underDuplicates = false;
    const onRow = (current: RowView): void => {
      row = current;
      const buf = current.buf;
      read++;
      if (underDuplicates) {
        setAside(account, UNDER_DUPLICATES);
        return;
      }
      let d = -1;
      if (field(iDate)) {
        const key = isoDateKey(buf, fs, fe);
        if (key >= 0) {
          const known = isoDays.get(key);
          if (known === undefined) isoDays.set(key, (d = parseDay(buf.toString('latin1', fs, fs + 10)) ?? -1));
          else d = known;
        } else d = otherDates.get(buf, fs, fe, () => parseDay(buf.toString('utf8', fs, fe), zone) ?? -1);
      }
      let code = field(iDep) ? depMemo.get(buf, fs, fe, () => indexOfDep(departementOf(ref, buf.toString('utf8', fs, fe), '', ''))) : -1;
      // No département, or one that is not (« 20 », Corsica before 1976, still typed): the postal
      // code and the INSEE code, side by side, are the key.
      if (code < 0) {
        let n = 0;
        for (const i of [iCp, iCom]) {
          field(i);
          if (place.length < n + (fe - fs) + 1) place = Buffer.concat([place, Buffer.alloc(place.length + fe - fs)]);
          n += buf.copy(place, n, fs, fe);
          place[n++] = 0;
        }
        code = placeMemo.get(place, 0, n, () => indexOfDep(departementOf(ref, '', text(iCp), text(iCom))));
      }
      field(iId);
      // The id's bytes, without the invisible characters a copy from a web page leaves (rare: a
      // byte scan finds none in nearly every row).
      let idBuf: Uint8Array = buf;
      let is = fs;
      let ie = fe;
      if (fe > fs && mayHoldInvisible(buf, fs, fe)) {
        if (idScratch.length < fe - fs) idScratch = Buffer.alloc(2 * (fe - fs));
        idBuf = idScratch;
        [is, ie] = visibleCopy(buf, fs, fe, idScratch);
      }
      const hasId = ie > is;
      const scientific = hasId && excelScientific(idBuf, is, ie);
      const future = d > today;
      const extraCells = current.count > width;
      if (!hasId || d < 0 || future || code < 0 || scientific) {
        // The « ;;;;;; » lines a spreadsheet leaves below its table: no row at all, as every table
        // reader of relais skips them (checked only here, so that the common path pays nothing).
        if (!hasId && d < 0 && Array.from({ length: current.count }, (_, i) => text(i)).every((v) => v === '')) {
          read--;
          return;
        }
        // Two exports appended, each with its header: that line is not a sign-up (checked only
        // when the date does not read, so that the common path pays nothing).
        let titleLike = false;
        if (d < 0) {
          const cells = Array.from({ length: current.count }, (_, i) => text(i));
          if (repeatsHeader(under, cells)) {
            titlesAside();
            setAside(account, REPEATED_HEADER);
            problems.warning('en-tete-repete', `inscriptions : l'en-tête est répété à cette ligne (deux exports mis bout à bout ?) : ligne écartée`, { file, line: current.line });
            return;
          }
          // The header of another version of the export, its columns in another order: the rows
          // below it are read under it, not under the first file's columns.
          const other = headerColumns(cells);
          if (other) {
            titlesAside();
            setAside(account, REPEATED_HEADER);
            settleDuplicates({ file, header: cells, headerLine: current.line }, other, 'inscriptions', problems);
            if (other.duplicates.length) {
              for (const dup of other.duplicates) problems.error('colonne-en-double', `inscriptions : l'en-tête d'un autre export commence à cette ligne (deux exports mis bout à bout ?) : ${duplicateMessage(dup, undefined)} ; les lignes sous cet en-tête sont écartées`, { file, line: current.line, field: dup.name }, 'file');
              underDuplicates = true;
              return;
            }
            readUnder(cells, other.indexes);
            problems.warning('en-tete-repete', `inscriptions : l'en-tête d'un autre export commence à cette ligne (deux exports mis bout à bout ?), ses colonnes dans un autre ordre : ligne écartée, les lignes suivantes sont lues sous cet en-tête`, { file, line: current.line });
            return;
          }
          // The « Total » row an office adds under its table: no volunteer, said as what it is.
          const first = cells.find((v) => v !== '') ?? '';
          if (isTotalLabel(first)) {
            rejectPending();
            setAside(account, TOTAL_SET_ASIDE);
            problems.warning('ligne-total', `inscriptions : ligne « ${first} » sous le tableau (un total, pas une inscription) : ligne écartée`, { file, line: current.line });
            return;
          }
          titleLike = cells.filter((v) => v !== '').length === 1;
        }
        if (extraCells) sayExtraValues();
        const why = !hasId
          ? 'identifiant vide'
          : scientific
            ? `identifiant « ${text(iId)} » écrit en notation scientifique par Excel : ses derniers chiffres sont perdus et plusieurs volontaires peuvent le partager ; ouvrez l'export dans Excel par Données > À partir d'un fichier texte/CSV en donnant le format Texte à la colonne des identifiants, ou exportez-le à nouveau de la plateforme sans l'ouvrir dans Excel`
            : d < 0
              ? `date « ${text(iDate)} » invalide`
              : future
                ? `date « ${text(iDate)} » dans le futur (après le ${isoOf(today).split('-').reverse().join('/')})`
                : text(iDep) || text(iCp) || text(iCom)
                  ? `département introuvable (« ${[text(iDep), text(iCp), text(iCom)].filter(Boolean).join(' », « ')} »)`
                  : 'ni département, ni code postal, ni code INSEE';
        // A line of one value may be the title of a second export, above its header: it waits
        // (a few at most) for the next line to say which it is.
        if (!titleLike || pending.length >= 3) rejectPending();
        if (titleLike) pending.push({ line: current.line, why });
        else reject(current.line, why);
        return;
      }
      if (pending.length > 0) rejectPending();
      if (extraCells) sayExtraValues();
      const slot = ids.intern(idBuf, is, ie);
      if (ids.added) {
        if (slot >= day.length) {
          [dep, whereFile] = [grown(dep, slot), grown(whereFile, slot)];
          [day, whereLine, category, metier] = [grown(day, slot), grown(whereLine, slot), grown(category, slot), grown(metier, slot)];
          [inRegion, excluded] = [grown(inRegion, slot), grown(excluded, slot)];
        }
      } else {
        doublons++;
        // The earlier row of this volunteer gives way to this one: it is set aside in its own file.
        const earlier = accounts[whereFile[slot]!];
        if (earlier) setAside(earlier, 'remplacée par une ligne plus récente du même volontaire');
        if (dep[slot] !== code) {
          conflits++;
          problems.info(
            'inscription-conflit',
            `le volontaire ${ids.text(slot)} change de département : ${depNames[dep[slot]!]} (${displayPath(campaign, files[whereFile[slot]!]!)}:${whereLine[slot]}) puis ${depNames[code]} ; le fichier le plus récent l'emporte`,
            { file, line: current.line },
          );
        }
      }
      dep[slot] = code;
      day[slot] = d;
      // A label copied with an invisible character (« Infirmier\u200B ») is the same label.
      field(iCat);
      category[slot] = internLabel(categories, buf, fs, fe);
      field(iMet);
      metier[slot] = internLabel(metiers, buf, fs, fe);
      inRegion[slot] = inCampaign(code) ? 1 : 0;
      excluded[slot] = field(iStat) && statusMemo.get(buf, fs, fe, () => (isWithdrawn(buf.toString('utf8', fs, fe)) ? 1 : 0)) === 1 ? 1 : 0;
      whereFile[slot] = fileIndex;
      whereLine[slot] = current.line;
    };
    // Crossed out in a workbook: a struck row is not counted, struck text is not read.
    const struck: StruckCells = {
      read: () => new Set([iId, iDate, iDep, iCp, iCom, iMet, iCat, iStat].filter((i) => i >= 0)),
      struckRow: (line, values) => {
        read++;
        setAside(account, STRUCK_ROW);
        problems.warning('ligne-barree', struckRowMessage('inscriptions', values), { file, line });
      },
      struckText: (line, column, texts, kept) => {
        const header = under.header[column]?.trim() || `colonne ${column + 1}`;
        problems.warning('texte-barre', struckTextMessage('inscriptions', header, column, texts, kept), { file, line, field: header });
      },
    };
    try {
      await table.scan(onRow, struck);
    } catch (err) {
      if (!(err instanceof RelaisError)) throw err;
      problems.error('fichier-illisible', `inscriptions : ${err.message}`, { file, ...err.location }, 'file');
    }
    // Two exports appended, Windows-1252 then UTF-8: counted all the same, each part read in its
    // encoding (the scan finds UTF-8 where it starts, in the first 64 KB or past them), and said.
    const mixedFrom = table.mixedFromLine ?? table.utf8FromLine;
    if (mixedFrom !== undefined) {
      // Three exports appended: the code page again after the UTF-8 part, said where.
      const again = table.codePageAgainLine === undefined ? '' : ` (de nouveau ${table.encoding} à partir de la ligne ${table.codePageAgainLine})`;
      const read = table.utf8FromLine === undefined ? '' : ` ; relais a lu chaque partie dans son encodage${again} : métiers et catégories justes`;
      problems.warning('encodages-melanges', `inscriptions : ${mixedEncodingMessage(mixedFrom, table.encoding)}${read}`, { file, line: mixedFrom });
    }
    rejectPending();
    if (read === 0) problems.warning('fichier-vide', 'export d’inscriptions sans aucune ligne', { file, line: 1 });
    lignes += read;
    account.lus = read;
  }
  for (let slot = 0; slot < ids.size; slot++) {
    const account = accounts[whereFile[slot]!];
    if (!account) continue;
    // In the order `track` counts them (aggregate.ts): withdrawn whatever their région.
    if (excluded[slot]) setAside(account, 'désinscrit');
    else if (!inRegion[slot]) setAside(account, 'hors de la région ou des départements de la campagne');
    else account.utilises++;
  }
  const namesOf = (d: ByteInterner) => Array.from({ length: d.size }, (_, i) => d.text(i));
  return {
    records: { dep, day, category, metier, inRegion, excluded, size: ids.size, names: { dep: depNames, category: namesOf(categories), metier: namesOf(metiers) } },
    doublons,
    rejetes,
    conflits,
    lignes,
    problems,
    fichiers: accounts.filter((a): a is FileAccount => a !== undefined),
  };
}
