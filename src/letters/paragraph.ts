import { frenchSpacing } from '../text/french.js';
import { breakLines, wordText } from './linebreak.js';

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
 *
 * Memoised: a body paragraph is the same in every letter of a département. The result is frozen,
 * since every caller shares it.
 */
export function words(paragraph: string): Word[] {
  let list = wordCache.get(paragraph);
  if (!list) {
    if (wordCache.size >= WORD_CACHE_LIMIT) wordCache.clear();
    // Frozen but typed as before: a caller that would change it fails loudly instead of
    // changing every other letter.
    list = Object.freeze(splitWords(paragraph).map((w) => Object.freeze(w.map((p) => Object.freeze(p))))) as unknown as Word[];
    wordCache.set(paragraph, list);
  }
  return list;
}
const wordCache = new Map<string, Word[]>();
const WORD_CACHE_LIMIT = 2_000;

function splitWords(paragraph: string): Word[] {
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

const SPACE_RUN = /[ \u00a0\u2009\u202f]+/g;
/** A dash standing alone before a space: a list item's (« - Recevez »), an aside's (« – »). */
const LIST_DASH = /(^|\s)[-–—](\s|$)/;
const DASH_END = /(^|[ \u00a0\u2009\u202f])[-–—]$/;

/**
 * A text to be copied as it is (an annex message), cut into words only where French typography
 * allows a line break: the spaces frenchSpacing would make no-break (before « : ; ! ? », inside
 * « ») stay inside their word, as written, so that no line starts with « : » yet the characters
 * read back are the message's own; a lone dash stays with the word after it. frenchSpacing only
 * adds or replaces those spaces, so the two texts hold the same other characters in the same
 * order: a space run of the text binds when the run at the same place in frenchSpacing's text has
 * no ordinary space left. Elsewhere it breaks as a plain text does (at ordinary spaces only).
 */
export function boundWords(text: string): Word[] {
  const spaced = frenchSpacing(text);
  if (spaced === text && !LIST_DASH.test(text)) return text.split(' ').filter(Boolean).map((t) => [{ text: t }]);
  // Space runs of the spaced text, by how many other characters precede them.
  const breakable = new Map<number, boolean>();
  let others = 0;
  let last = 0;
  for (const m of spaced.matchAll(SPACE_RUN)) {
    others += m.index - last;
    last = m.index + m[0].length;
    breakable.set(others, m[0].includes(' '));
  }
  const out: Word[] = [];
  let current = '';
  others = 0;
  last = 0;
  for (const m of text.matchAll(SPACE_RUN)) {
    others += m.index - last;
    current += text.slice(last, m.index);
    last = m.index + m[0].length;
    // A list's dash (« - Inscrivez-vous ») stays with its item: ending a line, it would read as a
    // hyphen, and text extraction would drop it.
    if (breakable.get(others) === false || !m[0].includes(' ') || DASH_END.test(current)) current += m[0];
    else {
      if (current) out.push([{ text: current }]);
      current = '';
    }
  }
  current += text.slice(last);
  if (current) out.push([{ text: current }]);
  return out;
}

// The line breaking lives in linebreak.ts; its names stay importable from here.
export { breakLines, FIRST_PASS_GAP, MAX_GAP, MIN_GAP, RUNT_MAX_GAP, RUNT_SHARE, wordText } from './linebreak.js';

export interface Line {
  words: Word[];
  /** Width of the words and single spaces. */
  natural: number;
  last: boolean;
}

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

/** A measure of texts in the document's current font, remembered for one paragraph. */
function measurer(doc: PDFKit.PDFDocument): (t: string) => number {
  const cache = new Map<string, number>();
  return (t: string) => {
    let w = cache.get(t);
    if (w === undefined) {
      w = doc.widthOfString(t);
      cache.set(t, w);
    }
    return w;
  };
}

/** The lines drawParagraph draws, in the document's current font. */
export function paragraphLines(doc: PDFKit.PDFDocument, paragraph: string, width: number): Line[] {
  const measure = measurer(doc);
  return breakLines(words(paragraph), width, measure, measure(' '));
}

/** Draws the paragraph from doc.y and leaves doc.y under its last line. */
export function drawParagraph(doc: PDFKit.PDFDocument, paragraph: string, o: ParagraphOptions): void {
  const measure = measurer(doc);
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
