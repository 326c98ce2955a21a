import { stripAccents } from './french.js';

/**
 * Text as La Poste prints it on an address block (NF Z10-011): capitals without accents, and the
 * last line's words of A–Z and 0–9 only. Done a character at a time, since a national join reads
 * 200,000 lines (address.ts builds the blocks from them).
 */

/**
 * Capitals without accents, one character at a time: what the general path below gives for each
 * character of Latin-1 and Latin Extended-A (every letter of French names and streets), worked out
 * once from that path itself, so the two cannot disagree. Null: the character needs the general
 * path (a combining mark, a letter from another script). A national join reads 200,000 lines:
 * NFD normalisation and five regular expressions on each were a fifth of `relais check`.
 */
const SPACE = ' ';
const CHAR_UPPER: Array<string | null> = [];
for (let code = 0; code < 0x180; code++) {
  const ch = String.fromCharCode(code);
  CHAR_UPPER.push(/\s/.test(ch) ? SPACE : slowUpper(ch));
}

/** The general path, and the reference for the table: exported for the test that compares them. */
export function slowUpper(text: string): string {
  return stripAccents(text).toUpperCase().replace(/[’`]/g, "'").replace(/\s+/g, ' ').trim();
}

const isRunCharacter = (code: number) => code > 0x20 && code < 0x7f && code !== 0x60;

export function upper(text: string): string {
  let out = '';
  // Start of the current run of printable ASCII (no backtick, single spaces inside only): such a
  // run comes out of the table as its own toUpperCase, so it is copied in one go instead of one
  // character at a time (most names and streets are such runs, with a few accents between them).
  let run = 0;
  let pendingSpace = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isRunCharacter(code)) continue;
    // One space inside a run, between two of its characters, stays as it is: part of the run.
    if (code === 0x20 && i > run && isRunCharacter(text.charCodeAt(i + 1))) continue;
    if (i > run) {
      if (pendingSpace) {
        out += ' ';
        pendingSpace = false;
      }
      out += text.slice(run, i).toUpperCase();
    }
    run = i + 1;
    let u: string | null | undefined;
    if (code < 0x180) u = CHAR_UPPER[code];
    else if (code === 0x2019) u = "'";
    else return slowUpper(text);
    if (u === SPACE) {
      pendingSpace = out.length > 0;
      continue;
    }
    if (u === null || u === undefined) return slowUpper(text);
    if (pendingSpace) {
      out += ' ';
      pendingSpace = false;
    }
    out += u;
  }
  if (text.length > run) {
    if (pendingSpace) out += ' ';
    out += run === 0 ? text.toUpperCase() : text.slice(run).toUpperCase();
  }
  return out;
}

const isPostalCharacter = (code: number) => (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39);

/**
 * The words of A-Z and 0-9 in `text`, one space apart: what
 * `.replace(/[^A-Z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim()` gives, without building the two
 * intermediate strings (the test compares them); a name that is already so comes back as it is.
 */
export function postalWords(text: string): string {
  let out = '';
  let start = -1;
  let changed = false;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && isPostalCharacter(text.charCodeAt(i))) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0) {
      // Anything but one space between two words is a change.
      if (out.length > 0) {
        out += ' ';
        if (text.charCodeAt(start - 1) !== 0x20 || !isPostalCharacter(text.charCodeAt(start - 2))) changed = true;
      } else if (start > 0) changed = true;
      out += text.slice(start, i);
      start = -1;
    }
  }
  return changed || out.length !== text.length ? out : text;
}
