import { boundWords, breakLines, words, type Word } from './paragraph.js';
import { num } from './pdf-writer.js';
import type { CampaignFonts, Style } from './typeset.js';
import { PAGE } from './geometry.js';

/**
 * Pages as the letter serializer writes them: content-stream operators wrapped in marked content
 * (an MCID per run of text that belongs to one structure element, `/Artifact` for what is only
 * decoration), the structure elements they belong to, and link annotations. Text is laid out
 * once per distinct (text, font, size, width, alignment) and the layout kept for the process:
 * only the paragraphs that differ from one letter to the next are broken into lines again.
 */
export type Role = 'Document' | 'Part' | 'Sect' | 'Div' | 'H1' | 'P' | 'Link' | 'Figure' | 'Table' | 'TR' | 'TH' | 'TD';

export interface Annot {
  rect: [number, number, number, number];
  url: string;
  /** Alternative description of the link (PDF/UA asks for /Contents). */
  contents: string;
  node: Node;
}

export type Kid = Node | { mcid: number; page: number } | { annot: Annot; page: number };

export interface Node {
  role: Role;
  kids: Kid[];
  alt?: string;
  /** Attributes as a PDF dictionary text (e.g. a header cell's scope). */
  attributes?: string;
}

export interface Page {
  ops: string[];
  /** Where a new content stream starts in ops: each stream is compressed once and reused. */
  cuts: number[];
  /** The compressed streams, once the page is sealed (its ops are then dropped). */
  streams?: Buffer[];
  /** The structure element of each MCID on this page, by MCID. */
  parents: Node[];
  annots: Annot[];
}

export const FONT_RESOURCE: Record<Style, string> = { regular: 'F1', bold: 'F2', italic: 'F3' };

/** A piece of a laid-out line: glyphs of one kind (plain or one link), from `dx`. */
export interface Segment {
  dx: number;
  tj: string;
  width: number;
  link?: string | undefined;
  text: string;
}

export interface LaidLine {
  segments: Segment[];
  width: number;
}

export type Align = 'left' | 'right' | 'center' | 'justify';

/** Per campaign subset: glyph codes differ from one subset to another. */
const allLayouts = new WeakMap<CampaignFonts, Map<string, LaidLine[]>>();

/** A line ending with the first part of a hyphenated word (a letter, then the hyphen added). */
const CUT = /\p{L}-$/u;

const plainWords = (text: string): Word[] => text.split(' ').filter(Boolean).map((t) => [{ text: t }]);

/**
 * Breaks a text into lines (the typography's breakLines) and turns each line into TJ segments:
 * words at their justified or aligned positions, each followed by a real space glyph so that
 * text extraction reads the words apart. `markup` reads [texte](adresse) links; 'bound' reads a
 * plain text with French no-break places (boundWords), characters unchanged. `keep: false` for
 * a text seen once (an address line): kept, it would only push out the texts every letter shares.
 */
export function layoutText(fonts: CampaignFonts, style: Style, size: number, text: string, width: number, align: Align, markup: boolean | 'bound' = false, keep = true): LaidLine[] {
  const key = `${style}\u0001${size}\u0001${width}\u0001${align}\u0001${markup === 'bound' ? 2 : markup ? 1 : 0}\u0001${text}`;
  let layouts = allLayouts.get(fonts);
  if (!layouts) allLayouts.set(fonts, (layouts = new Map()));
  let laid = keep ? layouts.get(key) : undefined;
  if (laid) return laid;
  const font = fonts[style];
  const measure = (t: string) => font.measure(t, size);
  const space = font.shape(' ');
  const spaceWidth = (space.width / 1000) * size;
  laid = [];
  for (const block of text.split('\n')) {
    const list = markup === 'bound' ? boundWords(block) : markup ? words(block) : plainWords(block);
    if (!list.length) {
      laid.push({ segments: [], width: 0 });
      continue;
    }
    // Only justified text is hyphenated: a ragged line needs no cut, and the annex's messages must
    // read back exactly as they are to be posted.
    for (const line of breakLines(list, width, measure, spaceWidth, align === 'justify')) {
      const shapedWidth = line.words.reduce((n, w) => n + w.reduce((m, p) => m + measure(p.text), 0), 0) + spaceWidth * (line.words.length - 1);
      const gaps = line.words.length - 1;
      // Negative when the line breaker shrank the spaces (down to 0.8 of a space): the line still ends at the margin.
      // A ragged line the breaker let run over by shrinking its spaces is shrunk the same way.
      const extra = gaps > 0 && ((align === 'justify' && !line.last) || shapedWidth > width) ? (width - shapedWidth) / gaps : 0;
      const drawn = shapedWidth + extra * gaps;
      const offset = align === 'right' ? width - drawn : align === 'center' ? (width - drawn) / 2 : 0;
      const segments: Segment[] = [];
      let current: Segment | undefined;
      let x = offset;
      line.words.forEach((word, i) => {
        for (const piece of word) {
          const shaped = font.shape(piece.text);
          const w = (shaped.width / 1000) * size;
          if (!current || current.link !== piece.link) {
            current = { dx: x, tj: '', width: 0, link: piece.link, text: '' };
            segments.push(current);
          }
          current.tj += shaped.tj;
          current.width += w;
          current.text += piece.text;
          x += w;
        }
        if (i < gaps) {
          // The space after a link belongs to the plain text that follows it, unless the link
          // goes on in the next word: a link of several words is one link.
          const goesOn = current?.link !== undefined && line.words[i + 1]![0]?.link === current.link;
          if (!current || (current.link && !goesOn)) {
            current = { dx: x, tj: '', width: 0, text: '' };
            segments.push(current);
          }
          current.tj += ` ${space.tj}`;
          current.text += ' ';
          if (extra) current.tj += ` ${num((-extra * 1000) / size)} `;
          current.width += spaceWidth + extra;
          x += spaceWidth + extra;
        }
      });
      laid.push({ segments, width: shapedWidth });
    }
  }
  if (!keep) return laid;
  // Bounded: a personalised paragraph is seen once, and workers have a small heap.
  if (layouts.size > 500) layouts.clear();
  layouts.set(key, laid);
  return laid;
}

/**
 * Operators that every letter repeats, made once: the same string objects from one letter to the
 * next let the content-stream cache (tagged-pdf.ts) recognise a stream by comparing references
 * instead of joining and hashing its text.
 */
const markOps = new Map<Role, string[]>();
function markOp(role: Role, mcid: number): string {
  let list = markOps.get(role);
  if (!list) markOps.set(role, (list = []));
  return (list[mcid] ??= `/${role} <</MCID ${mcid}>> BDC`);
}

/** A laid-out segment's operator where it was last drawn (most are drawn at one place). */
const drawnSegments = new WeakMap<Segment, { x: number; baseline: number; style: Style; size: number; color: string; op: string }>();

export interface TextStyle {
  style: Style;
  size: number;
  /** Fill colour operator, e.g. "0 g". */
  color: string;
}

export const rgb = (hex: string): string => {
  const v = (i: number) => num(parseInt(hex.slice(i, i + 2), 16) / 255);
  return `${v(1)} ${v(3)} ${v(5)}`;
};

/**
 * Draws into pages. Coordinates are pdfkit's (points from the top-left corner, a text's y being
 * the top of its line) so that the geometry reads like the reference layout; they are turned
 * into PDF coordinates when written.
 */
export class Composer {
  readonly pages: Page[] = [];
  page!: Page;
  private open: Node | undefined;
  y = 0;

  constructor(readonly fonts: CampaignFonts) {}

  newPage(): number {
    this.close();
    this.page = { ops: [], cuts: [], parents: [], annots: [] };
    this.pages.push(this.page);
    return this.pages.length - 1;
  }

  /** Starts (or continues) the marked content of a structure element. */
  mark(node: Node): void {
    if (this.open === node) return;
    this.close();
    const mcid = this.page.parents.length;
    this.page.parents.push(node);
    node.kids.push({ mcid, page: this.pages.length - 1 });
    this.page.ops.push(markOp(node.role, mcid));
    this.open = node;
  }

  /**
   * Ends a content stream here. A page is written as several streams, and a stream identical to
   * one already written (the header, a shared paragraph, the annex page) is not compressed again.
   */
  cut(): void {
    const at = this.page.ops.length;
    if (at > 0 && this.page.cuts.at(-1) !== at) this.page.cuts.push(at);
  }

  close(): void {
    if (this.open) this.page.ops.push('EMC');
    this.open = undefined;
  }

  /** Decoration only: rules, fold marks, table fills, page numbers. */
  artifact(ops: string, pagination = false): void {
    this.close();
    this.page.ops.push(pagination ? '/Artifact <</Type /Pagination /Subtype /Footer>> BDC' : '/Artifact BMC', ops, 'EMC');
  }

  lineHeight(t: TextStyle, gap = 0): number {
    return this.fonts[t.style].lineHeight(t.size) + gap;
  }

  /** One laid-out line at (x, top of line): its segments, links as Link elements with annotations. */
  drawLine(node: Node, line: LaidLine, t: TextStyle, x: number, top: number, linkColor?: string): void {
    const baseline = PAGE.height - top - (this.fonts[t.style].ascender / 1000) * t.size;
    const font = `/${FONT_RESOURCE[t.style]} ${t.size} Tf`;
    for (const seg of line.segments) {
      if (!seg.tj) continue;
      let target = node;
      if (seg.link) {
        target = { role: 'Link', kids: [] };
        node.kids.push(target);
      }
      this.mark(target);
      let drawn = drawnSegments.get(seg);
      if (!drawn || drawn.x !== x || drawn.baseline !== baseline || drawn.style !== t.style || drawn.size !== t.size || drawn.color !== t.color) {
        drawn = { x, baseline, style: t.style, size: t.size, color: t.color, op: `BT ${font} ${t.color} 1 0 0 1 ${num(x + seg.dx)} ${num(baseline)} Tm [${seg.tj}] TJ ET` };
        drawnSegments.set(seg, drawn);
      }
      this.page.ops.push(drawn.op);
      if (seg.link) {
        this.close();
        const annot: Annot = { rect: [x + seg.dx, PAGE.height - top - t.size * 1.2, x + seg.dx + seg.width, PAGE.height - top], url: seg.link, contents: `${seg.text} (${seg.link})`, node: target };
        this.page.annots.push(annot);
        target.kids.push({ annot, page: this.pages.length - 1 });
        if (linkColor) {
          const uy = num(PAGE.height - top - t.size * 1.1);
          this.artifact(`q 0.5 w ${linkColor} RG ${num(x + seg.dx)} ${uy} m ${num(x + seg.dx + seg.width)} ${uy} l S Q`);
        }
      }
    }
  }

  /** A block of text at (x, y), no page break: returns the y under it. */
  text(node: Node, lines: LaidLine[], t: TextStyle, x: number, y: number, gap = 0, linkColor?: string): number {
    const lh = this.lineHeight(t, gap);
    for (const line of lines) {
      this.drawLine(node, line, t, x, y, linkColor);
      y += lh;
    }
    return y;
  }

  /**
   * A paragraph from this.y with page breaks, never leaving one line alone at the foot or the
   * head of a page: the break moves a line down (or the whole paragraph when it is that short).
   */
  paragraph(node: Node, lines: LaidLine[], t: TextStyle, x: number, lineHeight: number, bottom: number, top: number, linkColor?: string): void {
    let i = 0;
    while (i < lines.length) {
      const left = lines.length - i;
      let fit = Math.max(0, Math.floor((bottom - this.y) / lineHeight + 1e-9));
      if (fit < left) {
        if (left - fit === 1) fit -= 1;
        // A page does not end on a word cut in two (« La com- / mune »): its line moves on too.
        if (fit > 2 && CUT.test(lines[i + fit - 1]!.segments.at(-1)?.text ?? '')) fit -= 1;
        // An orphan (one line before the break) moves on; so does a two-line paragraph split 1/1.
        if (fit === 1) fit = 0;
        if (fit <= 0) {
          // Already at the top of a page: nothing better can be done than filling it.
          if (this.y <= top + 1e-6) fit = Math.max(1, Math.floor((bottom - this.y) / lineHeight));
          else {
            this.newPage();
            this.y = top;
            continue;
          }
        }
      } else fit = left;
      for (let k = 0; k < fit; k++) {
        this.drawLine(node, lines[i + k]!, t, x, this.y, linkColor);
        this.y += lineHeight;
      }
      i += fit;
      if (i < lines.length) {
        this.newPage();
        this.y = top;
      }
    }
  }

  /** An image XObject placed in a box, as pdfkit's `fit` with optional centring. */
  image(node: Node, name: string, size: { width: number; height: number }, x: number, y: number, box: [number, number], center = false): void {
    const scale = Math.min(box[0] / size.width, box[1] / size.height);
    const w = size.width * scale;
    const h = size.height * scale;
    const ix = center ? x + (box[0] - w) / 2 : x;
    const iy = center ? y + (box[1] - h) / 2 : y;
    this.mark(node);
    this.page.ops.push(`q ${num(w)} 0 0 ${num(h)} ${num(ix)} ${num(PAGE.height - iy - h)} cm /${name} Do Q`);
    this.close();
  }
}
