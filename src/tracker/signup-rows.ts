import { REPEATED_HEADER, setAside, TOTAL_SET_ASIDE, type FileAccount } from '../campaign/accounting.js';
import type { Campaign } from '../campaign/load.js';
import { displayPath } from '../campaign/load.js';
import { STRUCK_ROW, struckRowMessage, struckTextMessage } from '../campaign/sources.js';
import type { CommuneReference } from '../data/cog.js';
import { isTotalLabel } from '../data/columns.js';
import { extraValues, extraValuesMessage, repeatsHeader } from '../data/header-rows.js';
import { campaignZone } from '../data/zones.js';
import type { ProblemList } from '../problems.js';
import { isoOf } from './aggregate.js';
import { isoDateKey, mayHoldInvisible, trimEnd, trimStart, visibleCopy } from './bytes.js';
import { departementOf, excelScientific, isWithdrawn, parseDay, placeOf } from './cells.js';
import { AGAINST_ORDER, DateOrder } from './date-order.js';
import { IdZeros, leadingZeros } from './id-zeros.js';
import { PostalRepairs } from './postal-repairs.js';
import { fieldText, type RowView, type StruckCells } from './fast-csv.js';
import { Memo } from './memo.js';
import { Rejections } from './rejections.js';
import { otherHeaderRead, signupHeader } from './signup-columns.js';
import type { Volunteers } from './volunteers.js';
import { ZoneDays } from './zone.js';
import { frenchDay } from '../text/format.js';

/** « 20 », Corsica's number before 1976: no département today, and no way to tell which of the two. */
const CORSICA_BEFORE_1976 = /^0?20$/;
const CORSICA_NOTE = ' : « 20 » est l’ancien numéro de la Corse, en deux départements depuis 1976, 2A (Corse-du-Sud) et 2B (Haute-Corse) ; sans code postal ni code INSEE, l’inscription ne peut être rattachée à l’un d’eux';

/**
 * The rows of the sign-up exports, file after file, into the volunteers' store: each row's date,
 * département (or postal and INSEE codes), id, labels and status read from its bytes, the row
 * kept (replacing an earlier one of the same volunteer) or, when something does not read, told
 * apart: a blank line, a header repeated or another export's header, a « Total » row, a title, a
 * rejected row. The row handler is the tracker's hot loop: it reads the row's bytes where they
 * are, and makes a string only for a value not seen before or a row that does not read.
 */

/** The account's reason for the rows below a second header with a read column twice. */
const UNDER_DUPLICATES = 'sous un en-tête à colonne en double';

/** One file's scan handlers (see FastTable.scan); `end`, once the scan is done, gives the rows read. */
export interface FileRows {
  onRow: (row: RowView) => void;
  struck: StruckCells;
  /** The lines still held are rejected; the rows read. */
  end: () => number;
}

/** The reading of every export's rows into one store, with the counts of the whole reading. */
export class SignupRows {
  doublons = 0;
  rejetes = 0;
  conflits = 0;
  // Exports repeat the same few dates, places and statuses a million times: each is worked out
  // once, from its bytes. A département is then a small number; -1 stands for "none".
  private readonly isoDays = new Map<number, number>();
  private readonly zone: ZoneDays;
  private readonly otherDates = new Memo();
  /** The same dates read month/day (see date-order.ts). */
  private readonly monthFirstDates = new Memo();
  /** Ids matched once their leading zeros set aside, said once every file is read. */
  readonly idZeros = new IdZeros();
  private readonly depMemo = new Memo();
  private readonly placeMemo = new Memo();
  private readonly statusMemo = new Memo();
  private place = Buffer.alloc(256);
  private idScratch = Buffer.alloc(256);
  private readonly region: string | undefined;
  private readonly campaignDeps: Set<string>;

  /** `names`: the campaign's names of the columns; `today`: the last day a sign-up may carry (see readSignups). */
  constructor(
    private readonly campaign: Campaign,
    private readonly ref: CommuneReference,
    private readonly files: readonly string[],
    private readonly volunteers: Volunteers,
    private readonly accounts: ReadonlyArray<FileAccount | undefined>,
    private readonly problems: ProblemList,
    private readonly names: Record<string, string>,
    private readonly today: number,
  ) {
    this.zone = new ZoneDays(campaignZone(campaign));
    this.region = campaign.region?.code;
    this.campaignDeps = new Set(campaign.departements.map((d) => d.code));
  }

  private inCampaign(i: number): boolean {
    const code = this.volunteers.depNames[i]!;
    return this.region ? this.ref.departements.get(code)?.region === this.region : this.campaignDeps.has(code);
  }

  /** The handlers of the scan of file number `fileIndex`, its rows read under `header` and its columns `indexes`. */
  file(fileIndex: number, file: string, account: FileAccount, header: string[], indexes: Map<string, number>): FileRows {
    const { problems, ref, today, zone, isoDays, otherDates, monthFirstDates, depMemo, placeMemo, statusMemo } = this;
    const store = this.volunteers;
    // The header the rows are read under: a second export appended below the first may bring its
    // own, its columns in another order (another version of the platform).
    let under: { header: string[]; indexes: Map<string, number> } = { header, indexes };
    let iId = -1, iDate = -1, iDep = -1, iCp = -1, iCom = -1, iMet = -1, iCat = -1, iStat = -1;
    // Past this many cells, a row may hold more values than the header names (see extraValues).
    let width = 0;
    const readUnder = (header: string[], indexes: Map<string, number>) => {
      under = { header, indexes };
      const ix = (f: string) => indexes.get(f) ?? -1;
      [iId, iDate, iDep, iCp, iCom, iMet, iCat, iStat] = ['id', 'date', 'departement', 'code_postal', 'commune', 'metier', 'categorie', 'statut'].map(ix) as [number, number, number, number, number, number, number, number];
      width = header.length;
    };
    readUnder(header, indexes);
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
    const rejections = new Rejections(account, file, problems);
    const columnName = (i: number, fallback: string) => under.header[i]?.trim() || fallback;
    const dates = new DateOrder(store, fileIndex, today, file, () => columnName(iDate, 'date'), problems);
    const repairs = new PostalRepairs();
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
      let against = false;
      let provisional = -1;
      if (field(iDate)) {
        const key = isoDateKey(buf, fs, fe);
        if (key >= 0) {
          const known = isoDays.get(key);
          if (known === undefined) isoDays.set(key, (d = parseDay(buf.toString('latin1', fs, fs + 10)) ?? -1));
          else d = known;
        } else {
          // Read both ways: a slashed date may be month/day (date-order.ts), the column says which.
          const dm = otherDates.get(buf, fs, fe, () => parseDay(buf.toString('utf8', fs, fe), zone) ?? -1);
          const md = monthFirstDates.get(buf, fs, fe, () => parseDay(buf.toString('utf8', fs, fe), zone, true) ?? -1);
          d = dates.day(dm, md, current.line, () => text(iDate));
          provisional = dates.provisional;
          if (d === AGAINST_ORDER) [d, against] = [-1, true];
        }
      }
      let code = field(iDep) ? depMemo.get(buf, fs, fe, () => store.indexOfDep(departementOf(ref, buf.toString('utf8', fs, fe), '', ''))) : -1;
      // No département, or one that is not (« 20 », Corsica before 1976, still typed): the postal
      // code and the INSEE code, side by side, are the key.
      let repairedCp = false;
      if (code < 0) {
        let n = 0;
        for (const i of [iCp, iCom]) {
          field(i);
          if (this.place.length < n + (fe - fs) + 1) this.place = Buffer.concat([this.place, Buffer.alloc(this.place.length + fe - fs)]);
          n += buf.copy(this.place, n, fs, fe);
          this.place[n++] = 0;
        }
        // The département's number and, in the lowest bit, whether the postal code was repaired.
        const placed = placeMemo.get(this.place, 0, n, () => {
          const p = placeOf(ref, '', text(iCp), text(iCom));
          return (store.indexOfDep(p.departement) + 1) * 2 + (p.postalRepaired ? 1 : 0);
        });
        code = (placed >> 1) - 1;
        repairedCp = (placed & 1) === 1;
      }
      field(iId);
      // The id's bytes, without the invisible characters a copy from a web page leaves (rare: a
      // byte scan finds none in nearly every row).
      let idBuf: Uint8Array = buf;
      let is = fs;
      let ie = fe;
      if (fe > fs && mayHoldInvisible(buf, fs, fe)) {
        if (this.idScratch.length < fe - fs) this.idScratch = Buffer.alloc(2 * (fe - fs));
        idBuf = this.idScratch;
        [is, ie] = visibleCopy(buf, fs, fe, this.idScratch);
      }
      const hasId = ie > is;
      const scientific = hasId && excelScientific(idBuf, is, ie);
      // « 000101 » and « 101 » (a spreadsheet's) are one volunteer: found without the zeros.
      let zeros = hasId && idBuf[is] === 48 ? leadingZeros(idBuf, is, ie) : 0;
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
            rejections.titlesAside();
            setAside(account, REPEATED_HEADER);
            problems.warning('en-tete-repete', `inscriptions : l'en-tête est répété à cette ligne (deux exports mis bout à bout ?) : ligne écartée`, { file, line: current.line });
            return;
          }
          // The header of another version of the export, its columns in another order: the rows
          // below it are read under it, not under the first file's columns.
          const other = signupHeader(cells, this.names);
          if (other) {
            rejections.titlesAside();
            setAside(account, REPEATED_HEADER);
            if (otherHeaderRead(cells, other, under, file, current.line, problems)) readUnder(cells, other.indexes);
            else underDuplicates = true;
            return;
          }
          // The « Total » row an office adds under its table: no volunteer, said as what it is.
          const first = cells.find((v) => v !== '') ?? '';
          if (isTotalLabel(first)) {
            rejections.rejectHeld();
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
              ? against
                ? dates.against(text(iDate))
                : `date « ${text(iDate)} » invalide`
              : future
                ? `date « ${text(iDate)} » dans le futur (après le ${frenchDay(isoOf(today))})`
                : text(iDep) || text(iCp) || text(iCom)
                  ? `département introuvable (« ${[text(iDep), text(iCp), text(iCom)].filter(Boolean).join(' », « ')} »)${CORSICA_BEFORE_1976.test(text(iDep)) && !text(iCp) && !text(iCom) ? CORSICA_NOTE : ''}`
                  : 'ni département, ni code postal, ni code INSEE';
        // A line of one value may be the title of a second export, above its header: it waits
        // (a few at most) for the next line to say which it is.
        if (titleLike) rejections.hold(current.line, why);
        else {
          rejections.rejectHeld();
          rejections.reject(current.line, why);
        }
        return;
      }
      if (rejections.holding) rejections.rejectHeld();
      if (extraCells) sayExtraValues();
      let slot = store.ids.intern(idBuf, is + zeros, ie);
      if (!store.ids.added && store.zeros[slot] !== Math.min(255, zeros) && store.whereFile[slot] === fileIndex) {
        // « 0101 » and « 101 » in one export: two ids as the platform wrote them (WHOLE_ID).
        const whole = Buffer.allocUnsafe(ie - is + 1);
        whole[0] = 0;
        whole.set(idBuf.subarray(is, ie), 1);
        slot = store.ids.intern(whole, 0, whole.length);
        zeros = 0;
      }
      if (store.ids.added) {
        if (slot >= store.day.length) store.grow(slot);
        store.zeros[slot] = Math.min(255, zeros);
      } else {
        this.doublons++;
        const had = store.zeros[slot]!;
        if (had !== zeros) {
          const before = { file: this.files[store.whereFile[slot]!]!, line: store.whereLine[slot]!, id: store.idText(slot) };
          const now = { file: this.files[fileIndex]!, line: current.line, id: text(iId) };
          const [short, long] = had < zeros ? [before, now] : [now, before];
          this.idZeros.matched(displayPath(this.campaign, short.file), short.line, short.id, displayPath(this.campaign, long.file), long.id, columnName(iId, 'id'));
          store.zeros[slot] = Math.min(255, Math.max(had, zeros));
        }
        // The earlier row of this volunteer gives way to this one: it is set aside in its own file.
        const earlier = this.accounts[store.whereFile[slot]!];
        if (earlier) setAside(earlier, 'remplacée par une ligne plus récente du même volontaire');
        if (store.dep[slot] !== code) {
          this.conflits++;
          problems.info(
            'inscription-conflit',
            `le volontaire ${store.idText(slot)} change de département : ${store.depNames[store.dep[slot]!]} (${displayPath(this.campaign, this.files[store.whereFile[slot]!]!)}:${store.whereLine[slot]}) puis ${store.depNames[code]} ; le fichier le plus récent l'emporte`,
            { file, line: current.line },
          );
        }
      }
      store.dep[slot] = code;
      store.day[slot] = d;
      // A label copied with an invisible character (« Infirmier\u200B ») is the same label.
      field(iCat);
      store.category[slot] = store.internLabel(store.categories, buf, fs, fe);
      field(iMet);
      store.metier[slot] = store.internLabel(store.metiers, buf, fs, fe);
      store.inRegion[slot] = this.inCampaign(code) ? 1 : 0;
      store.excluded[slot] = field(iStat) && statusMemo.get(buf, fs, fe, () => (isWithdrawn(buf.toString('utf8', fs, fe)) ? 1 : 0)) === 1 ? 1 : 0;
      store.whereFile[slot] = fileIndex;
      store.whereLine[slot] = current.line;
      if (provisional >= 0) dates.kept(slot, current.line, provisional);
      if (repairedCp) repairs.note(current.line, text(iCp));
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
    const end = (): number => {
      rejections.rejectHeld();
      dates.end();
      repairs.say(problems, file, columnName(iCp, 'code_postal'));
      this.rejetes += rejections.count;
      return read;
    };
    return { onRow, struck, end };
  }
}
