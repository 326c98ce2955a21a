import { frenchSpacing } from '../text/french.js';
import { hyphenationPoints } from '../text/hyphenate.js';

/**
 * Justified paragraphs with links, laid out by relais rather than by pdfkit: pdfkit justifies
 * each `continued` fragment on its own (a link in mid-line leaves a gaping line and eats the space
 * after it), and its `wordSpacing` splits words at any Unicode space — U+202F in "2 100"
 * included — and drops the space glyphs. Here the words of a paragraph are broken into lines
 * once, each word is drawn at its justified position followed by a real space (text extraction
 * then reads the line as written), and links become annotations over their text.
 */
export interface Piece {
  text: string;
  link?: string | undefined;
}

/** A word is what lies between spaces; it may join a link and the punctuation after it. */
export type Word = Piece[];

const LINK = /\[([^\]]*)\]\(([^)]*)\)/g;
const WEB_LINK = /^(?:https?:|mailto:)/i;
const SCHEME = /^(?:https?:\/\/|mailto:)/i;

/** "https://www.exemple.fr/page/" → "www.exemple.fr/page": what a reader can type from paper. */
export function printedAddress(url: string): string {
  return url.replace(SCHEME, '').replace(/\/+$/, '');
}

/**
 * Splits a paragraph into words, with French spacing before high punctuation (the no-break spaces
 * then glue the mark to its word). Only ordinary spaces break (not U+202F or U+00A0). A link
 * "[texte](https://…)" prints its text followed by its address, "texte (www.exemple.fr/page)", both
 * under the link: on paper an underline alone leads nowhere. A link whose text is already its
 * address prints once.
 */
export function words(paragraph: string): Word[] {
  const text = frenchSpacing(paragraph);
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(LINK)) {
    const at = m.index ?? 0;
    if (at > last) pieces.push({ text: text.slice(last, at) });
    const label = m[1] ?? '';
    const url = m[2] ?? '';
    if (!WEB_LINK.test(url)) pieces.push({ text: label });
    else {
      const address = printedAddress(url);
      if (label.trim() === '') pieces.push({ text: address, link: url });
      else {
        pieces.push({ text: label, link: url });
        if (printedAddress(label.trim()).toLowerCase() !== address.toLowerCase()) pieces.push({ text: ` (${address})`, link: url });
      }
    }
    last = at + m[0].length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });

  const out: Word[] = [];
  let current: Word = [];
  for (const piece of pieces) {
    const parts = piece.text.split(' ');
    parts.forEach((part, i) => {
      if (i > 0 && current.length) {
        out.push(current);
        current = [];
      }
      if (part) current.push(piece.link ? { text: part, link: piece.link } : { text: part });
    });
  }
  if (current.length) out.push(current);
  return out;
}

export const wordText = (w: Word): string => w.map((p) => p.text).join('');

export interface Line {
  words: Word[];
  /** Width of the words and single spaces. */
  natural: number;
  last: boolean;
}

/**
 * Line breaking, chosen over the whole paragraph (Knuth and Plass's total fit, as in TeX): every
 * way of cutting the paragraph at spaces (and, if needed, at French hyphenation points) is scored
 * by how far its word gaps depart from the normal space, and the cheapest is kept.
 *
 * - A gap may stretch to MAX_GAP times the normal space and shrink to MIN_GAP times it (as TeX and
 *   InDesign do; without shrinking, a long address or compound word leaves gaping lines). So a
 *   line's `natural` width (single spaces) may exceed `width` by up to its gaps' shrink; drawn
 *   justified, it fits. A line wider than that holds a single fragment that cannot fit.
 * - A gap beyond MAX_GAP and a lone word on a justified line are avoided whenever hyphenation can
 *   avoid them; a short last line (a "runt"), whenever that costs no such line.
 * - A first pass tries without hyphenation; words are cut only when it leaves gaps outside
 *   MIN_GAP…FIRST_PASS_GAP, or a runt. Cuts follow src/text/hyphenate.ts (never a name, a number,
 *   an address, a word under 6 letters or holding a hyphen: "Inscrivez-/vous" would be read back
 *   as "Inscrivezvous" by text extraction) and never touch the paragraph's last word.
 * - A cut word becomes two words, the first ending with "-"; a link stays on both parts. A printed
 *   address may also break after a slash, without a hyphen.
 */
export const MAX_GAP = 2;
export const MIN_GAP = 0.8;
export const FIRST_PASS_GAP = 1.5;
/**
 * A last line narrower than this share of the width is a runt ("besoin.", "réseaux sociaux.": about
 * 14 characters at the letter's size); a longer lone word, an address for instance, is not.
 */
export const RUNT_SHARE = 0.15;

const LINE_PENALTY = 10;
const HYPHEN_DEMERITS = 50 * 50;
const DOUBLE_HYPHEN_DEMERITS = 10_000;
const FINAL_HYPHEN_DEMERITS = 5_000;
/** Badness is capped as in TeX ("infinitely bad"), so that the tiers below stay in their order. */
const MAX_BADNESS = 10_000;
// Tiers: a fragment wider than the line, then a gaping or lone-word line, then a runt (a short
// last line is a blemish; gaps three times too wide are a hole in the page).
const OVERFULL_DEMERITS = 1e16;
const OVER_DEMERITS = 1e12;
const RUNT_DEMERITS = 1e9;

export function breakLines(list: Word[], width: number, measure: (text: string) => number, space: number): Line[] {
  if (list.length === 0) return [];
  const texts = list.map(wordText);
  const widths = texts.map(measure);
  const plain = layout(texts, widths, width, measure, space, false);
  const chosen = plain.fine ? plain : layout(texts, widths, width, measure, space, true);
  return chosen.path.map(([from, to], i) => ({ words: lineWords(list, chosen.breaks, from, to), natural: chosen.naturals[i] ?? 0, last: i === chosen.path.length - 1 }));
}

/** Break k (k ≥ 1) is after word[k] (at = 0) or inside it at offset `at`; break 0 is the start. */
interface Breaks {
  word: number[];
  at: number[];
  /** "-" after the first part of a hyphenated word; nothing after an address cut at a slash. */
  mark: string[];
  /** Width of the word's first part with its mark, and of the rest, for a break inside a word. */
  head: number[];
  tail: number[];
}

/** A printed address ("(www.exemple.fr/page)"): the only words cut at a slash. */
const ADDRESS_LIKE = /[\p{L}\d-]\.[a-z]{2,}\//iu;

/**
 * Where a printed address may break: after a single "/", at least 4 characters on each side, and
 * without a hyphen (a hyphen would read as part of the address). A long address otherwise leaves
 * the lines above it gaping.
 */
function addressBreaks(text: string): number[] {
  if (!text.includes('/') || !ADDRESS_LIKE.test(text)) return [];
  const out: number[] = [];
  for (let i = text.indexOf('/'); i !== -1; i = text.indexOf('/', i + 1)) {
    if (text[i - 1] === '/' || text[i + 1] === '/') continue;
    if (i + 1 >= 4 && text.length - i - 1 >= 4) out.push(i + 1);
  }
  return out;
}

interface Layout {
  breaks: Breaks;
  path: Array<[number, number]>;
  naturals: number[];
  /** No stretched line, no runt, gaps within FIRST_PASS_GAP: good enough without hyphenation. */
  fine: boolean;
}

function layout(texts: string[], widths: number[], width: number, measure: (t: string) => number, space: number, hyphenate: boolean): Layout {
  const n = texts.length;
  const b: Breaks = { word: [-1], at: [0], mark: [''], head: [0], tail: [0] };
  for (let i = 0; i < n; i++) {
    const text = texts[i]!;
    if (hyphenate && i < n - 1) {
      const points = hyphenationPoints(text);
      const mark = points.length ? '-' : '';
      for (const p of points.length ? points : addressBreaks(text)) {
        b.word.push(i);
        b.at.push(p);
        b.mark.push(mark);
        b.head.push(measure(text.slice(0, p) + mark));
        b.tail.push(measure(text.slice(p)));
      }
    }
    b.word.push(i);
    b.at.push(0);
    b.mark.push('');
    b.head.push(widths[i]!);
    b.tail.push(0);
  }
  const sum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) sum[i + 1] = sum[i]! + widths[i]!;

  const m = b.word.length - 1;
  const total = new Float64Array(m + 1).fill(Infinity);
  const from = new Int32Array(m + 1);
  total[0] = 0;
  for (let to = 1; to <= m; to++) {
    const endWord = b.word[to]!;
    const endAt = b.at[to]!;
    const isLast = to === m;
    for (let a = to - 1; a >= 0; a--) {
      const startAt = b.at[a]!;
      const startWord = startAt ? b.word[a]! : b.word[a]! + 1;
      const gaps = endWord - startWord;
      let natural: number;
      if (gaps > 0) natural = (startAt ? b.tail[a]! : widths[startWord]!) + sum[endWord]! - sum[startWord + 1]! + b.head[to]! + space * gaps;
      else if (startAt && endAt) natural = measure(texts[endWord]!.slice(startAt, endAt) + b.mark[to]!);
      else natural = startAt ? b.tail[a]! : b.head[to]!;
      // Going back only adds words: once too wide, every earlier start is too.
      // The last line is not justified: it cannot shrink.
      const tight = isLast ? natural : natural - gaps * space * (1 - MIN_GAP);
      if (tight > width && a < to - 1) break;
      let d: number;
      if (tight > width) d = OVERFULL_DEMERITS;
      else if (isLast) {
        d = LINE_PENALTY * LINE_PENALTY;
        if (a > 0 && natural < RUNT_SHARE * width) d += RUNT_DEMERITS;
      } else {
        const q = 1 + (width - natural) / (Math.max(gaps, 1) * space);
        const badness = Math.min(q >= 1 ? 800 * (q - 1) ** 3 : 100 * ((1 - q) / (1 - MIN_GAP)) ** 3, MAX_BADNESS);
        d = (LINE_PENALTY + badness) ** 2;
        // Graded, so that among lines that must gape the least gaping wins.
        if (q > MAX_GAP || gaps === 0) d += OVER_DEMERITS * Math.max(q - MAX_GAP + 1, 1);
        if (endAt) d += HYPHEN_DEMERITS;
        if (endAt && startAt) d += DOUBLE_HYPHEN_DEMERITS;
      }
      if (isLast && startAt) d += FINAL_HYPHEN_DEMERITS;
      const t = total[a]! + d;
      if (t < total[to]!) {
        total[to] = t;
        from[to] = a;
      }
    }
  }

  const path: Array<[number, number]> = [];
  for (let to = m; to > 0; to = from[to]!) path.unshift([from[to]!, to]);
  const naturals: number[] = [];
  let fine = true;
  for (const [i, [a, to]] of path.entries()) {
    const startAt = b.at[a]!;
    const startWord = startAt ? b.word[a]! : b.word[a]! + 1;
    const endWord = b.word[to]!;
    let natural = space * (endWord - startWord);
    for (let w = startWord; w <= endWord; w++) {
      const cutStart = w === startWord && startAt > 0;
      const cutEnd = w === endWord && b.at[to]! > 0;
      if (cutStart && cutEnd) natural += measure(texts[w]!.slice(startAt, b.at[to]) + b.mark[to]!);
      else if (cutStart) natural += b.tail[a]!;
      else if (cutEnd) natural += b.head[to]!;
      else natural += widths[w]!;
    }
    naturals.push(natural);
    const gaps = endWord - startWord;
    const last = i === path.length - 1;
    const q = 1 + (width - natural) / (Math.max(gaps, 1) * space);
    if (last) fine &&= natural <= width && (path.length === 1 || natural >= RUNT_SHARE * width);
    else fine &&= gaps > 0 && q >= MIN_GAP && q <= FIRST_PASS_GAP;
  }
  return { breaks: b, path, naturals, fine };
}

/** The words of the line between two breaks, cut words split into their two parts. */
function lineWords(list: Word[], b: Breaks, a: number, to: number): Word[] {
  const startAt = b.at[a]!;
  const startWord = startAt ? b.word[a]! : b.word[a]! + 1;
  const endWord = b.word[to]!;
  const endAt = b.at[to]!;
  const out: Word[] = [];
  for (let w = startWord; w <= endWord; w++) {
    const word = list[w]!;
    const cutStart = w === startWord ? startAt : 0;
    const cutEnd = w === endWord ? endAt : 0;
    out.push(cutStart || cutEnd ? slice(word, cutStart, cutEnd, w === endWord ? b.mark[to]! : '') : word);
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

export interface ParagraphOptions {
  x: number;
  width: number;
  lineHeight: number;
  /** Lowest y a line may start at before a page break. */
  bottom: number;
  /** y of the first line on a new page. */
  top: number;
  linkColor: string;
}

/** Draws the paragraph from doc.y and leaves doc.y under its last line. */
export function drawParagraph(doc: PDFKit.PDFDocument, paragraph: string, o: ParagraphOptions): void {
  const cache = new Map<string, number>();
  const measure = (t: string) => {
    let w = cache.get(t);
    if (w === undefined) {
      w = doc.widthOfString(t);
      cache.set(t, w);
    }
    return w;
  };
  const space = measure(' ');
  const size = (doc as unknown as { _fontSize: number })._fontSize;
  let y = doc.y;
  for (const line of breakLines(words(paragraph), o.width, measure, space)) {
    if (y + o.lineHeight > o.bottom) {
      doc.addPage();
      y = o.top;
    }
    const gaps = line.words.length - 1;
    const extra = line.last || gaps === 0 ? 0 : (o.width - line.natural) / gaps;
    doc.fillColor('black');
    let x = o.x;
    for (const [i, word] of line.words.entries()) {
      doc.text(i < gaps ? `${wordText(word)} ` : wordText(word), x, y, { lineBreak: false });
      for (const piece of word) {
        const w = measure(piece.text);
        if (piece.link) {
          doc.link(x, y, w, size * 1.2, piece.link);
          doc.save().lineWidth(0.5).strokeColor(o.linkColor).moveTo(x, y + size * 1.1).lineTo(x + w, y + size * 1.1).stroke().restore();
        }
        x += w;
      }
      x += space + extra;
    }
    y += o.lineHeight;
  }
  doc.y = y;
}
