import { OUTSIDE_PERIOD, setAside, type FileAccount } from '../campaign/accounting.js';
import type { SignupRecords } from './aggregate.js';
import { mayHoldInvisible, visibleCopy } from './bytes.js';
import { ByteInterner } from './interner.js';

/** The days (day numbers, see aggregate.ts dayOf) of `track --from/--to`, both included. */
export interface SignupPeriod {
  from?: number;
  to?: number;
  /** Why a volunteer outside it is set aside, in its file's account (OUTSIDE_PERIOD by default). */
  reason?: string;
}

/**
 * The volunteers read from every sign-up export, one slot each (the number of their id in `ids`),
 * the latest row winning: their département, day, category, job and status in typed arrays, with
 * the file and line they were last read on, rather than an object per volunteer (a million of
 * them). At the end each one is counted in the account of the file its row was last read in.
 */

/** A scratch buffer of at least n bytes: this one, or a new one twice that size. */
const roomFor = (scratch: Buffer, n: number): Buffer => (scratch.length >= n ? scratch : Buffer.alloc(2 * n));

/** Grows typed arrays by doubling. */
function grown<T extends Int32Array | Uint8Array | Uint16Array>(a: T, need: number): T {
  if (need < a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need + 1, a.length * 2));
  b.set(a);
  return b;
}

export class Volunteers {
  readonly ids: ByteInterner;
  readonly categories = new ByteInterner();
  readonly metiers = new ByteInterner();
  /** A département is a small number, its index here. */
  readonly depNames: string[] = [];
  private readonly depIndex = new Map<string, number>();
  dep = new Uint16Array(1024);
  category = new Int32Array(1024);
  metier = new Int32Array(1024);
  day = new Int32Array(1024);
  inRegion = new Uint8Array(1024);
  excluded = new Uint8Array(1024);
  whereFile = new Uint16Array(1024);
  whereLine = new Int32Array(1024);
  /** The leading zeros of the id as last written, set aside to find the volunteer (see id-zeros.ts). */
  zeros = new Uint8Array(1024);
  private labelScratch: Buffer = Buffer.alloc(256);

  /** `expected`: how many volunteers are likely, to size the id table once. */
  constructor(expected: number) {
    this.ids = new ByteInterner(expected);
  }

  /** A volunteer's id as written, its leading zeros back (an id kept whole, see WHOLE_ID, as it is). */
  idText(slot: number): string {
    const text = this.ids.text(slot);
    return text.startsWith(WHOLE_ID) ? text.slice(1) : '0'.repeat(this.zeros[slot]!) + text;
  }

  /** A département's number; -1 stands for "none". */
  indexOfDep(code: string | undefined): number {
    if (code === undefined) return -1;
    let i = this.depIndex.get(code);
    if (i === undefined) {
      this.depIndex.set(code, (i = this.depNames.length));
      this.depNames.push(code);
    }
    return i;
  }

  /**
   * A field's bytes as a label: as they are, or copied without their invisible characters, and
   * with a line break made inside the cell (Alt+Entrée in Excel: « Médecin » / « généraliste »)
   * read as the space it stands for, so that one métier is not counted as two.
   */
  internLabel(labels: ByteInterner, buf: Uint8Array, fs: number, fe: number): number {
    const invisible = mayHoldInvisible(buf, fs, fe);
    const broken = hasBreak(buf, fs, fe);
    if (!invisible && !broken) return labels.intern(buf, fs, fe);
    this.labelScratch = roomFor(this.labelScratch, fe - fs);
    const out = this.labelScratch;
    let [s, e] = invisible ? visibleCopy(buf, fs, fe, out) : [0, fe - fs];
    if (!invisible) out.set(buf.subarray(fs, fe), 0);
    if (broken) [s, e] = foldBreaks(out, s, e);
    return labels.intern(out, s, e);
  }

  /** Room for `slot` in every array. */
  grow(slot: number): void {
    [this.dep, this.whereFile] = [grown(this.dep, slot), grown(this.whereFile, slot)];
    [this.day, this.whereLine, this.category, this.metier] = [grown(this.day, slot), grown(this.whereLine, slot), grown(this.category, slot), grown(this.metier, slot)];
    [this.inRegion, this.excluded, this.zeros] = [grown(this.inRegion, slot), grown(this.excluded, slot), grown(this.zeros, slot)];
  }

  /**
   * Each volunteer counted in the account of the file (by index) it was last read in: used, or set
   * aside. Returns, by file, the first line of a volunteer after the period (or undefined).
   */
  settle(accounts: ReadonlyArray<FileAccount | undefined>, period: SignupPeriod = {}): Array<number | undefined> {
    const from = period.from ?? Number.NEGATIVE_INFINITY;
    const to = period.to ?? Number.POSITIVE_INFINITY;
    const reason = period.reason ?? OUTSIDE_PERIOD;
    const after: Array<number | undefined> = [];
    for (let slot = 0; slot < this.ids.size; slot++) {
      const account = accounts[this.whereFile[slot]!];
      if (!account) continue;
      const day = this.day[slot]!;
      // In the order `track` counts them (aggregate.ts): outside the period whatever else they
      // are, then withdrawn whatever their région.
      if (day < from || day > to) {
        // The reason given is the period's end's (the letters' date); a row before --from is outside the period.
        setAside(account, day > to ? reason : OUTSIDE_PERIOD);
        const file = this.whereFile[slot]!;
        if (day > to && this.whereLine[slot]! < (after[file] ?? Infinity)) after[file] = this.whereLine[slot]!;
      } else if (this.excluded[slot]) setAside(account, 'désinscrit');
      else if (!this.inRegion[slot]) setAside(account, 'hors de la région ou des départements de la campagne');
      else account.utilises++;
    }
    return after;
  }

  records(): SignupRecords {
    const namesOf = (d: ByteInterner) => Array.from({ length: d.size }, (_, i) => d.text(i));
    const { dep, day, category, metier, inRegion, excluded } = this;
    return { dep, day, category, metier, inRegion, excluded, size: this.ids.size, names: { dep: this.depNames, category: namesOf(this.categories), metier: namesOf(this.metiers) } };
  }
}

/**
 * Ids are found without their leading zeros (id-zeros.ts), but one export writes every id as the
 * platform did: « 0101 » and « 101 » in it are two volunteers. The second is then kept under its
 * whole spelling behind this byte, which no id written in a file begins with.
 */
export const WHOLE_ID = '\u0000';

const isBreak = (b: number) => b === 0x0a || b === 0x0d || b === 0x09;

function hasBreak(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (isBreak(buf[i]!)) return true;
  return false;
}

/**
 * Bytes [start, end) of `buf` with each run of blanks that holds a line break or a tab made one
 * space, in place, trimmed at both ends: returns the new bounds.
 */
function foldBreaks(buf: Uint8Array, start: number, end: number): [number, number] {
  let n = start;
  for (let i = start; i < end; ) {
    const b = buf[i]!;
    if (b !== 0x20 && !isBreak(b)) {
      buf[n++] = b;
      i++;
      continue;
    }
    let j = i;
    let folded = false;
    while (j < end && (buf[j] === 0x20 || isBreak(buf[j]!))) folded ||= isBreak(buf[j++]!);
    if (folded) buf[n++] = 0x20;
    else for (let k = i; k < j; k++) buf[n++] = 0x20;
    i = j;
  }
  let s = start;
  while (s < n && buf[s] === 0x20) s++;
  while (n > s && buf[n - 1] === 0x20) n--;
  return [s, n];
}
