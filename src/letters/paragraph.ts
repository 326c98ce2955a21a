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

/** Splits "[texte](adresse)" markup into words. Only ordinary spaces break (not U+202F or U+00A0). */
export function words(paragraph: string): Word[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of paragraph.matchAll(/\[([^\]]*)\]\(([^)]*)\)/g)) {
    if ((m.index ?? 0) > last) pieces.push({ text: paragraph.slice(last, m.index) });
    const url = m[2] ?? '';
    pieces.push(/^(https?:|mailto:)/.test(url) ? { text: m[1] ?? '', link: url } : { text: m[1] ?? '' });
    last = (m.index ?? 0) + m[0].length;
  }
  if (last < paragraph.length) pieces.push({ text: paragraph.slice(last) });

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

/** Greedy line breaking: as many words as fit; a word wider than the line stands alone. */
export function breakLines(list: Word[], width: number, measure: (text: string) => number, space: number): Line[] {
  const lines: Line[] = [];
  let current: Word[] = [];
  let natural = 0;
  for (const word of list) {
    const w = measure(wordText(word));
    const added = current.length === 0 ? w : natural + space + w;
    if (current.length > 0 && added > width) {
      lines.push({ words: current, natural, last: false });
      current = [word];
      natural = w;
    } else {
      current.push(word);
      natural = added;
    }
  }
  if (current.length) lines.push({ words: current, natural, last: true });
  return lines;
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
