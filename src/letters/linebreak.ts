import { hyphenationPoints } from '../text/hyphenate.js';
import { ANNEX_JOINT, overlongCuts, type OverlongCuts } from './overlong.js';
// Types only: paragraph.ts imports this module, never the other way round at run time.
import type { Line, Piece, Word } from './paragraph.js';
import { addressBreaks, isAddress, urlJoint } from './url-breaks.js';

export const wordText = (w: Word): string => (w.length === 1 ? w[0]!.text : w.map((p) => p.text).join(''));

/**
 * Justified text's line breaking, chosen over the whole paragraph (Knuth and Plass's total fit, as in TeX): every
 * way of cutting the paragraph at spaces (and, if needed, at French hyphenation points) is scored
 * by how far its word gaps depart from the normal space, and the cheapest is kept.
 *
 * - A gap may stretch to MAX_GAP times the normal space and shrink to MIN_GAP times it (as TeX and
 *   InDesign do; without shrinking, a long address or compound word leaves gaping lines). So a
 *   line's `natural` width (single spaces) may exceed `width` by up to its gaps' shrink; drawn
 *   justified, it fits. A line wider than that holds a single fragment that cannot fit.
 * - A gap beyond MAX_GAP and a lone word on a justified line are avoided whenever hyphenation can
 *   avoid them. A short last line (a "runt") is avoided too, even at the cost of one line gaping up
 *   to RUNT_MAX_GAP: the paragraph one word longer than a line leaves no other choice.
 * - A first pass tries without hyphenation; words are cut only when it leaves gaps outside
 *   MIN_GAP…FIRST_PASS_GAP, or a runt. Cuts follow src/text/hyphenate.ts (never a name, a number,
 *   an address, a word under 6 letters or holding a hyphen: "Inscrivez-/vous" would be read back
 *   as "Inscrivezvous" by text extraction) and never touch the paragraph's last word.
 * - A cut word becomes two words, the first ending with "-"; a link stays on both parts. A printed
 *   address may also break where addresses break (after « / », before « ? & = # »), without a
 *   hyphen; and, wider than the line, at the last character that fits (overlong.ts): an address
 *   is never printed past the margin. (A word of French is never that wide: kept whole, as read.)
 * - Ragged text (hyphenate = false: the annex's messages, aligned text) is broken greedily, each
 *   line taking every word that fits: no gap to even out, so no line ends early.
 */
export const MAX_GAP = 2;
export const MIN_GAP = 0.8;
export const FIRST_PASS_GAP = 1.5;
/**
 * A last line narrower than this share of the width is a runt ("besoin.", "réseaux sociaux.": about
 * 14 characters at the letter's size); a longer lone word, an address for instance, is not.
 */
export const RUNT_SHARE = 0.15;
/** A runt is accepted only when avoiding it would stretch a line's gaps beyond this. */
export const RUNT_MAX_GAP = 2.5;

const LINE_PENALTY = 10;
const HYPHEN_DEMERITS = 50 * 50;
const DOUBLE_HYPHEN_DEMERITS = 10_000;
const FINAL_HYPHEN_DEMERITS = 5_000;
/** Badness is capped as in TeX ("infinitely bad"), so that the tiers below stay in their order. */
const MAX_BADNESS = 10_000;
// Tiers: a fragment wider than the line; then a runt, or a line gaping beyond MAX_GAP (graded by
// how far), weighed so that one line gaping up to RUNT_MAX_GAP is preferred to a runt.
const OVERFULL_DEMERITS = 1e18;
const OVER_DEMERITS = 1e11;
function overDemerits(q: number): number {
  const x = q - MAX_GAP + 1;
  return OVER_DEMERITS * x * x * x;
}
const RUNT_DEMERITS = overDemerits(RUNT_MAX_GAP);

export function breakLines(list: readonly Word[], width: number, measure: (text: string) => number, space: number, hyphenate = true): Line[] {
  if (list.length === 0) return [];
  const texts = list.map(wordText);
  const widths = texts.map(measure);
  // Ragged text (not hyphenated) is copied as written: a word too wide for a line is cut there.
  const plain = layout(texts, widths, width, measure, space, false, !hyphenate);
  const chosen = plain.fine || !hyphenate ? plain : layout(texts, widths, width, measure, space, true, false);
  return chosen.path.map(([from, to], i) => ({ words: lineWords(list, chosen.breaks, from, to), natural: chosen.naturals[i] ?? 0, last: i === chosen.path.length - 1 }));
}

/**
 * Break k (k ≥ 1) is after word[k] (at = 0) or inside it at offset `at`; break 0 is the start.
 * Typed arrays: the search below reads them thousands of times per paragraph.
 */
interface Breaks {
  word: Int32Array;
  at: Int32Array;
  /** 1 when the first part of a cut word takes a hyphen (not after an address's slash). */
  hyphen: Uint8Array;
  /** Width of the word's first part with its hyphen, for a line ending at this break. */
  head: Float64Array;
  /** For a cut in a word too long for a line (overlong.ts): the width before it; NaN otherwise. */
  within: Float64Array;
  /** The first word of a line starting after this break, and the width of its part on that line. */
  startWord: Int32Array;
  startWidth: Float64Array;
}

interface Layout {
  breaks: Breaks;
  path: Array<[number, number]>;
  naturals: number[];
  /** No stretched line, no runt, gaps within FIRST_PASS_GAP: good enough without hyphenation. */
  fine: boolean;
}

/**
 * Scratch arrays reused from one paragraph to the next: allocating a dozen typed arrays costs more
 * than breaking a short paragraph. Safe because breaking is synchronous and not reentrant, and a
 * layout's arrays are read only until the next layout starts.
 */
const scratch = { size: 0 } as Breaks & { size: number; total: Float64Array; from: Int32Array; sum: Float64Array };
function reserve(size: number, words: number): void {
  if (scratch.size < size) {
    const s = Math.max(size, 2 * scratch.size, 256);
    Object.assign(scratch, { size: s, word: new Int32Array(s), at: new Int32Array(s), hyphen: new Uint8Array(s), head: new Float64Array(s), within: new Float64Array(s), startWord: new Int32Array(s), startWidth: new Float64Array(s), total: new Float64Array(s), from: new Int32Array(s) });
  }
  if (!scratch.sum || scratch.sum.length < words + 1) scratch.sum = new Float64Array(Math.max(words + 1, 2 * (scratch.sum?.length ?? 0), 256));
}

/**
 * Fills the scratch breaks of a paragraph; returns the index of the last (the paragraph's end).
 * A word wider than `width` is cut (overlong.ts) in ragged text (`cutOverlong`, at the annex's
 * joints); an address wider than `width`, in the hyphenated pass of justified text (at its joints).
 */
function collectBreaks(texts: string[], widths: number[], measure: (t: string) => number, hyphenate: boolean, cutOverlong: boolean, width: number): number {
  const n = texts.length;
  const cuts: Array<readonly number[]> = [];
  const overlong: Array<OverlongCuts | undefined> = [];
  let m = n;
  for (let i = 0; i < n; i++) {
    const text = texts[i]!;
    const wide = widths[i]! > width && (cutOverlong || (hyphenate && isAddress(text)));
    const long = wide ? overlongCuts(text, measure, width, cutOverlong ? ANNEX_JOINT : urlJoint) : undefined;
    overlong.push(long);
    if (long) cuts.push(long.at);
    else {
      const points = hyphenate && i < n - 1 ? hyphenationPoints(text) : NO_CUTS;
      cuts.push(points.length || !hyphenate || i === n - 1 ? points : addressBreaks(text));
    }
    m += cuts[i]!.length;
  }
  reserve(m + 1, n);
  const b: Breaks = scratch;
  b.word[0] = -1;
  b.at[0] = 0;
  b.startWord[0] = 0;
  b.startWidth[0] = widths[0] ?? 0;
  let k = 1;
  for (let i = 0; i < n; i++) {
    const text = texts[i]!;
    const long = overlong[i];
    const hyphen = cuts[i]!.length > 0 && !text.includes('/') && !long;
    for (const [j, p] of cuts[i]!.entries()) {
      b.word[k] = i;
      b.at[k] = p;
      b.hyphen[k] = hyphen ? 1 : 0;
      // A word too long for a line is measured once, its parts by the sum of their characters.
      const before = long ? long.before[j]! : NaN;
      b.within[k] = before;
      b.head[k] = long ? before : measure(hyphen ? `${text.slice(0, p)}-` : text.slice(0, p));
      b.startWord[k] = i;
      b.startWidth[k] = long ? widths[i]! - before : measure(text.slice(p));
      k++;
    }
    b.word[k] = i;
    b.at[k] = 0;
    b.hyphen[k] = 0;
    b.head[k] = widths[i]!;
    b.startWord[k] = i + 1;
    b.startWidth[k] = widths[i + 1] ?? 0;
    k++;
  }
  return m;
}
const NO_CUTS: readonly number[] = [];

function layout(texts: string[], widths: number[], width: number, measure: (t: string) => number, space: number, hyphenate: boolean, cutOverlong: boolean): Layout {
  const n = texts.length;
  const m = collectBreaks(texts, widths, measure, hyphenate, cutOverlong, width);
  const b: Breaks = scratch;
  const { word, at, head, startWord, startWidth, sum, total, from } = scratch;
  sum[0] = 0;
  for (let i = 0; i < n; i++) sum[i + 1] = sum[i]! + widths[i]!;
  total.fill(Infinity, 0, m + 1);
  const shrink = space * (1 - MIN_GAP);
  const looseness = space * (RUNT_MAX_GAP - 1);

  /** Width of the line between breaks a and `to`, with single spaces. */
  const lineWidth = (a: number, to: number): number => {
    const first = startWord[a]!;
    const last = word[to]!;
    if (last > first) return startWidth[a]! + sum[last]! - sum[first + 1]! + head[to]! + space * (last - first);
    // One fragment: a whole word, a word's first or last part, or (rarely) a middle part.
    if (at[a]! && at[to]!) {
      const part = b.within[to]! - b.within[a]!;
      return Number.isNaN(part) ? measure(texts[last]!.slice(at[a], at[to]) + (b.hyphen[to] ? '-' : '')) : part;
    }
    return at[a]! ? startWidth[a]! : head[to]!;
  };

  const score = (a: number, to: number, natural: number, isLast: boolean): void => {
    const gaps = word[to]! - startWord[a]!;
    let d: number;
    if (isLast ? natural > width : natural - gaps * shrink > width) d = OVERFULL_DEMERITS;
    else if (isLast) {
      d = LINE_PENALTY * LINE_PENALTY;
      if (a > 0 && natural < RUNT_SHARE * width) d += RUNT_DEMERITS;
    } else {
      const q = 1 + (width - natural) / ((gaps || 1) * space);
      const x = q >= 1 ? q - 1 : (1 - q) / (1 - MIN_GAP);
      const badness = Math.min(q >= 1 ? 800 * x * x * x : 100 * x * x * x, MAX_BADNESS);
      d = (LINE_PENALTY + badness) * (LINE_PENALTY + badness);
      if (q > MAX_GAP || gaps === 0) d += overDemerits(Math.max(q, MAX_GAP));
      if (at[to]!) d += at[a]! ? HYPHEN_DEMERITS + DOUBLE_HYPHEN_DEMERITS : HYPHEN_DEMERITS;
    }
    if (isLast && at[a]!) d += FINAL_HYPHEN_DEMERITS;
    const t = total[a]! + d;
    if (t < total[to]!) {
      total[to] = t;
      from[to] = a;
    }
  };

  const path: Array<[number, number]> = [];
  if (cutOverlong) {
    // Ragged text (the annex's messages, copied as they are) is not justified: scored as if it
    // were, a line could end early, or hold one word, to spare the next one's gaps. Each line
    // takes every word that fits (its single spaces included); the rest go on the next.
    for (let a = 0; a < m; ) {
      let to = a + 1;
      while (to < m && lineWidth(a, to + 1) <= width) to++;
      path.push([a, to]);
      a = to;
    }
  } else {
    // For a given end, the starts worth scoring form one run: from the loosest acceptable line
    // (`loose`, which only moves forward as the end does) back to the widest line that fits.
    // Lines looser than RUNT_MAX_GAP are not scored (as TeX's tolerance), except a lone fragment,
    // always possible: no break is ever unreachable.
    total[0] = 0;
    let loose = 0;
    for (let to = 1; to <= m; to++) {
      const isLast = to === m;
      while (loose + 1 < to && lineWidth(loose + 1, to) + looseness * Math.max(word[to]! - startWord[loose + 1]!, 1) >= width) loose++;
      const first = isLast ? to - 1 : loose;
      for (let a = first; a >= 0; a--) {
        const natural = lineWidth(a, to);
        // Going back only adds words: once too wide, every earlier start is too.
        if (a < to - 1 && (isLast ? natural : natural - (word[to]! - startWord[a]!) * shrink) > width) break;
        score(a, to, natural, isLast);
      }
      if (first < to - 1) score(to - 1, to, lineWidth(to - 1, to), isLast);
    }
    for (let to = m; to > 0; to = from[to]!) path.unshift([from[to]!, to]);
  }
  const naturals: number[] = [];
  let fine = true;
  for (const [i, [a, to]] of path.entries()) {
    const natural = lineWidth(a, to);
    naturals.push(natural);
    const gaps = word[to]! - startWord[a]!;
    const q = 1 + (width - natural) / (Math.max(gaps, 1) * space);
    if (i === path.length - 1) fine &&= natural <= width && (path.length === 1 || natural >= RUNT_SHARE * width);
    else fine &&= gaps > 0 && q >= MIN_GAP && q <= FIRST_PASS_GAP;
  }
  return { breaks: b, path, naturals, fine };
}

/** The words of the line between two breaks, cut words split into their two parts. */
function lineWords(list: readonly Word[], b: Breaks, a: number, to: number): Word[] {
  const startAt = b.at[a]!;
  const first = b.startWord[a]!;
  const last = b.word[to]!;
  const endAt = b.at[to]!;
  const out: Word[] = [];
  for (let w = first; w <= last; w++) {
    const word = list[w]!;
    const cutStart = w === first ? startAt : 0;
    const cutEnd = w === last ? endAt : 0;
    out.push(cutStart || cutEnd ? slice(word, cutStart, cutEnd, cutEnd && b.hyphen[to] ? '-' : '') : word);
  }
  return out;
}

/** The part of a word from `start` to `end` (0: its end), followed by `mark` when it stops short. */
function slice(word: Word, start: number, end: number, mark: string): Word {
  const out: Word = [];
  let pos = 0;
  for (const piece of word) {
    const from = Math.max(start - pos, 0);
    const to = end ? Math.min(end - pos, piece.text.length) : piece.text.length;
    if (to > from) out.push(withText(piece, piece.text.slice(from, to)));
    pos += piece.text.length;
  }
  if (end && mark) {
    const last = out[out.length - 1]!;
    out[out.length - 1] = withText(last, last.text + mark);
  }
  return out;
}

const withText = (piece: Piece, text: string): Piece => (piece.link ? { text, link: piece.link } : { text });
