/**
 * Byte-level helpers for the sign-up reader: trimming exactly as String.prototype.trim does
 * (ASCII blanks and the Unicode spaces a spreadsheet leaves, such as U+00A0 and U+202F), and
 * reading an ISO date without making a string.
 */
import { withoutInvisible } from '../data/columns.js';

/** Length of the UTF-8 white space character starting at i, or 0. */
function spaceAt(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i]!;
  if (b === 32 || (b >= 9 && b <= 13)) return 1;
  if (b < 0x80) return 0;
  const b1 = i + 1 < end ? buf[i + 1]! : -1;
  if (b === 0xc2) return b1 === 0xa0 ? 2 : 0;
  if (i + 2 >= end) return 0;
  const b2 = buf[i + 2]!;
  if (b === 0xe1) return b1 === 0x9a && b2 === 0x80 ? 3 : 0; // U+1680
  if (b === 0xe2 && b1 === 0x80) return (b2 >= 0x80 && b2 <= 0x8a) || b2 === 0xa8 || b2 === 0xa9 || b2 === 0xaf ? 3 : 0; // U+2000–200A, 2028, 2029, 202F
  if (b === 0xe2 && b1 === 0x81) return b2 === 0x9f ? 3 : 0; // U+205F
  if (b === 0xe3) return b1 === 0x80 && b2 === 0x80 ? 3 : 0; // U+3000
  if (b === 0xef) return b1 === 0xbb && b2 === 0xbf ? 3 : 0; // U+FEFF
  return 0;
}

export function trimStart(buf: Uint8Array, start: number, end: number): number {
  while (start < end) {
    const n = spaceAt(buf, start, end);
    if (n === 0) break;
    start += n;
  }
  return start;
}

export function trimEnd(buf: Uint8Array, start: number, end: number): number {
  while (end > start) {
    const b = buf[end - 1]!;
    if (b === 32 || (b >= 9 && b <= 13)) end--;
    else if (b < 0x80) break;
    else if (end - 2 >= start && spaceAt(buf, end - 2, end) === 2) end -= 2;
    else if (end - 3 >= start && spaceAt(buf, end - 3, end) === 3) end -= 3;
    else break;
  }
  return end;
}

const digit = (b: number | undefined) => b !== undefined && b >= 48 && b <= 57;

/**
 * Whether the characters from i to end (their codes read by `at`: bytes or a string's) are a time
 * of day as exports write it after a date: `10:05`, `9h05`, `10h`, `10:05:59`, `10:05:59.123`,
 * with `Z`, `+02:00`, `+0200` or `+02` after, glued or after one blank, or ` UTC` / ` GMT` (as Ruby
 * on Rails writes « 2020-03-26 23:30:00 UTC » and « … +0100 »). 25:00 or 23:99 are not: a row that
 * carries one has a broken date, and is rejected rather than counted on that day. One rule for both
 * readers.
 */
export function isTimeOfDay(at: (i: number) => number, i: number, end: number): boolean {
  const two = (k: number) => (at(k) - 48) * 10 + at(k + 1) - 48;
  if (i >= end || !digit(at(i))) return false;
  let hour = at(i) - 48;
  i++;
  if (i < end && digit(at(i))) hour = hour * 10 + at(i++) - 48;
  if (hour > 23 || i >= end) return false;
  const sep = at(i++);
  if (sep === 104 || sep === 72) {
    // 10h or 10h05
    if (i === end) return true;
    if (!(i + 1 < end && digit(at(i)) && digit(at(i + 1)) && two(i) < 60)) return false;
    i += 2;
  } else if (sep === 58) {
    if (!(i + 1 < end && digit(at(i)) && digit(at(i + 1)) && two(i) < 60)) return false;
    i += 2;
    if (i < end && at(i) === 58) {
      if (!(i + 2 < end && digit(at(i + 1)) && digit(at(i + 2)) && two(i + 1) < 60)) return false;
      i += 3;
      if (i < end && (at(i) === 46 || at(i) === 44)) {
        i++;
        const from = i;
        while (i < end && digit(at(i))) i++;
        if (i === from) return false;
      }
    }
  } else return false;
  if (i === end) return true;
  if (at(i) === 32 && i + 1 < end) i++;
  // UTC or GMT, the zone's name: offset 0.
  if (i + 3 === end && ((at(i) === 85 && at(i + 1) === 84 && at(i + 2) === 67) || (at(i) === 71 && at(i + 1) === 77 && at(i + 2) === 84))) return true;
  if (at(i) === 90) return i + 1 === end; // Z
  if (at(i) !== 43 && at(i) !== 45) return false; // + or -
  i++;
  if (!(i + 1 < end && digit(at(i)) && digit(at(i + 1)) && two(i) < 24)) return false;
  i += 2;
  // « +01 », hours only, as PostgreSQL writes it (ISO 8601 allows it).
  if (i === end) return true;
  if (at(i) === 58) i++;
  return i + 2 === end && digit(at(i)) && digit(at(i + 1)) && two(i) < 60;
}

/**
 * "2020-03-26" or "2020-03-26 10:00" / "2020-03-26T10:00…": the date as the number 20200326;
 * -1 for any other form, a time of day that cannot be included (the caller then reads it as text).
 */
export function isoDateKey(buf: Uint8Array, start: number, end: number): number {
  if (end - start < 10) return -1;
  const p = start;
  if (!(digit(buf[p]) && digit(buf[p + 1]) && digit(buf[p + 2]) && digit(buf[p + 3]) && buf[p + 4] === 45 && digit(buf[p + 5]) && digit(buf[p + 6]) && buf[p + 7] === 45 && digit(buf[p + 8]) && digit(buf[p + 9]))) return -1;
  if (end - start > 10 && ((buf[p + 10] !== 32 && buf[p + 10] !== 84) || !isTimeOfDay((i) => buf[i]!, p + 11, end))) return -1;
  // An instant (« …Z », « …+02:00 », « … UTC », « … GMT »): its day depends on the zone, worked
  // out by the general path.
  for (let i = p + 11; i < end; i++) if (buf[i] === 90 || buf[i] === 43 || buf[i] === 45 || buf[i] === 85 || buf[i] === 71) return -1;
  const n = (i: number) => buf[p + i]! - 48;
  return (n(0) * 1000 + n(1) * 100 + n(2) * 10 + n(3)) * 10000 + (n(5) * 10 + n(6)) * 100 + n(8) * 10 + n(9);
}

/**
 * The text without the characters that show nothing and are no white space to JavaScript (see
 * withoutInvisible: zero-width space, joiners, word joiner, byte-order mark), trimmed: never part
 * of an id or a code (« \u200B A1 » is volunteer A1).
 */
export function visibleTrimmed(text: string): string {
  return withoutInvisible(text).trim();
}

/** Length of the invisible character (see visibleTrimmed) at i in UTF-8 bytes, or 0. */
function invisibleAt(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i]!;
  // U+00AD, the soft hyphen: C2 AD.
  if (b === 0xc2) return i + 1 < end && buf[i + 1] === 0xad ? 2 : 0;
  if (i + 2 >= end) return 0;
  const b1 = buf[i + 1]!;
  const b2 = buf[i + 2]!;
  // U+200B–U+200F, U+202A–U+202E: E2 80 8B–8F, E2 80 AA–AE.
  if (b === 0xe2 && b1 === 0x80) return (b2 >= 0x8b && b2 <= 0x8f) || (b2 >= 0xaa && b2 <= 0xae) ? 3 : 0;
  // U+2060, U+2066–U+2069: E2 81 A0, E2 81 A6–A9.
  if (b === 0xe2 && b1 === 0x81) return b2 === 0xa0 || (b2 >= 0xa6 && b2 <= 0xa9) ? 3 : 0;
  if (b === 0xef) return b1 === 0xbb && b2 === 0xbf ? 3 : 0;
  return 0;
}

/** Whether bytes [start, end) may hold an invisible character: a byte scan, no copy. */
export function mayHoldInvisible(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === 0xe2 || buf[i] === 0xef || buf[i] === 0xc2) return true;
  return false;
}

/**
 * Copies bytes [start, end) into `out` from 0 without their invisible characters, then trims
 * the copy as trimStart/trimEnd do: returns its bounds in `out`. `out` holds end - start bytes.
 */
export function visibleCopy(buf: Uint8Array, start: number, end: number, out: Uint8Array): [number, number] {
  let n = 0;
  for (let k = start; k < end; ) {
    const skip = invisibleAt(buf, k, end);
    if (skip) k += skip;
    else out[n++] = buf[k++]!;
  }
  const s = trimStart(out, 0, n);
  return [s, trimEnd(out, s, n)];
}
