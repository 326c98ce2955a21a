import { OBJECT_LABEL, type LetterModel } from '../campaign/letter.js';
import { Composer, FONT_RESOURCE, layoutText, rgb, type LaidLine, type Node, type TextStyle } from './compose.js';
import { ADDRESS, BODY_TOP, CONTENT_WIDTH, DATE_LINE_TOP, FOLD_MARKS, FONT_SIZE, MARGIN, mm, PAGE } from './geometry.js';
import type { DrawOptions } from './layout.js';
import { num } from './pdf-writer.js';
import { frenchSpacing } from '../text/french.js';
import { annex } from './letter-annex.js';
import { BLUE, BOTTOM, GREY, bold, el, regular } from './letter-style.js';

/**
 * The letter drawn for the serializer, in the same places and the same reading order as the
 * pdfkit reference (layout.ts), tagged: headings, paragraphs, the annex as a table with header
 * cells, figures with alternative text, decoration as artifacts.
 */
export interface PlacedImage {
  name: string;
  width: number;
  height: number;
}


function header(c: Composer, root: Node, letter: LetterModel, options: DrawOptions, images: Map<Buffer, PlacedImage>): void {
  const issuer = options.issuer;
  let y = MARGIN.top;
  const logo = issuer.logo && images.get(issuer.logo);
  if (logo) {
    c.image(el(root, 'Figure', { alt: `Logo : ${issuer.authority}` }), logo.name, logo, MARGIN.left, y, [mm(40), mm(16)]);
    y += mm(18);
  }
  const w = mm(75);
  const authority = bold(FONT_SIZE.issuer);
  y = c.text(el(root, 'P'), layoutText(c.fonts, 'bold', authority.size, issuer.authority, w, 'left'), authority, MARGIN.left, y, 1);
  const motto = { style: 'italic', size: FONT_SIZE.small, color: GREY } as const;
  y = c.text(el(root, 'P'), layoutText(c.fonts, 'italic', motto.size, 'Liberté\nÉgalité\nFraternité', w, 'left'), motto, MARGIN.left, y + 2);
  const co = bold(FONT_SIZE.small + 0.5);
  c.text(el(root, 'P'), layoutText(c.fonts, 'bold', co.size, issuer.coIssuer.join('\n'), w, 'left'), co, MARGIN.left, y + mm(3));
  const date = regular(FONT_SIZE.body);
  c.text(el(root, 'P'), layoutText(c.fonts, 'regular', date.size, letter.lieuDate, CONTENT_WIDTH, 'right'), date, MARGIN.left, DATE_LINE_TOP);
}

function address(c: Composer, root: Node, lines: string[]): void {
  if (!lines.length) return;
  const node = el(root, 'P');
  const t = regular(ADDRESS.size);
  lines.forEach((line, i) => {
    // One line each, never broken: the address rules keep them within the window.
    const laid = layoutText(c.fonts, 'regular', t.size, line, 10_000, 'left', false, false);
    for (const l of laid) c.drawLine(node, l, t, mm(110), ADDRESS.top + i * ADDRESS.lineHeight);
  });
}

function body(c: Composer, root: Node, letter: LetterModel): void {
  const t = regular(FONT_SIZE.body);
  const heading = el(root, 'H1');
  // "Objet :" in bold (a no-break space before the colon, as French sets it) and a space, then the
  // subject beside it (hanging, if it is long).
  const labelWidth = c.fonts.bold.measure(OBJECT_LABEL, t.size) + c.fonts.bold.measure(' ', t.size);
  const label = layoutText(c.fonts, 'bold', t.size, OBJECT_LABEL, CONTENT_WIDTH, 'left')[0]!;
  const space = c.fonts.bold.shape(' ').tj;
  c.drawLine(heading, { ...label, segments: label.segments.map((s) => ({ ...s, tj: `${s.tj} ${space}` })) }, bold(t.size), MARGIN.left, BODY_TOP);
  const y = c.text(heading, layoutText(c.fonts, 'regular', t.size, frenchSpacing(letter.objet), CONTENT_WIDTH - labelWidth, 'left'), t, MARGIN.left + labelWidth, BODY_TOP);
  c.y = y + c.lineHeight(t);
  const lineHeight = FONT_SIZE.body * 1.32;
  const closing = letter.paragraphs.length - 1;
  for (const [i, paragraph] of letter.paragraphs.entries()) {
    const lines = layoutText(c.fonts, 'regular', t.size, paragraph, CONTENT_WIDTH, 'justify', true);
    c.cut();
    // The closing formula goes with the signatures: signatures alone on a page read as detached
    // from the letter. When both do not fit on this page, the formula moves on with them.
    if (i === closing && letter.signatures.length) {
      const together = lines.length * lineHeight + lineHeight * 0.55 + signatureBlock(c, letter).needed;
      if (c.y + together > BOTTOM && MARGIN.top + together <= BOTTOM && c.y > MARGIN.top + 1e-6) {
        c.newPage();
        c.y = MARGIN.top;
      }
    }
    c.paragraph(el(root, 'P'), lines, t, MARGIN.left, lineHeight, BOTTOM, MARGIN.top, `${BLUE}`);
    c.y += lineHeight * 0.55;
  }
}

/** The signatures' columns, their titles laid out, and the height the block needs. */
function signatureBlock(c: Composer, letter: LetterModel): { columnWidth: number; titleLines: LaidLine[][]; titles: number; needed: number } {
  const columnWidth = CONTENT_WIDTH / 2 - mm(5);
  const t = regular(FONT_SIZE.body);
  const titleLines = letter.signatures.map((s) => layoutText(c.fonts, 'regular', t.size, s.titre.join('\n'), columnWidth, 'center'));
  const titles = Math.max(...titleLines.map((l) => l.length)) * c.lineHeight(t);
  return { columnWidth, titleLines, titles, needed: titles + mm(22) + FONT_SIZE.body * 1.4 + mm(6) };
}

function signatures(c: Composer, root: Node, letter: LetterModel, options: DrawOptions, images: Map<Buffer, PlacedImage>): void {
  const t = regular(FONT_SIZE.body);
  const { columnWidth, titleLines, titles, needed } = signatureBlock(c, letter);
  if (c.y + needed > BOTTOM) {
    c.newPage();
    c.y = MARGIN.top;
  }
  const top = c.y + mm(6);
  const block = el(root, 'Div');
  letter.signatures.forEach((sig, i) => {
    const x = MARGIN.left + i * (columnWidth + mm(10));
    const part = el(block, 'Div');
    c.text(el(part, 'P'), titleLines[i]!, t, x, top);
    const imageTop = top + titles + mm(2);
    const src = i === 0 ? options.signatureImages?.prefet : options.signatureImages?.ars;
    const image = src && images.get(src);
    // The image box and every line are centred on the column's own centre.
    if (image) c.image(el(part, 'Figure', { alt: `Signature de ${sig.nom}` }), image.name, image, x + columnWidth / 2 - mm(20), imageTop, [mm(40), mm(18)], true);
    c.text(el(part, 'P'), layoutText(c.fonts, 'bold', t.size, sig.nom, columnWidth, 'center'), bold(t.size), x, imageTop + mm(20));
  });
  c.y = top + titles + mm(22) + c.lineHeight(t);
}

let foldOps: string | undefined;
function foldMarks(c: Composer): void {
  foldOps ??= `q 0.4 w ${rgb('#999999')} RG ${FOLD_MARKS.map((y) => `${num(mm(4))} ${num(PAGE.height - y)} m ${num(mm(9))} ${num(PAGE.height - y)} l S`).join(' ')} Q`;
  c.artifact(foldOps);
}

function pageNumbers(c: Composer, first: number): void {
  const count = c.pages.length - first;
  const t = regular(FONT_SIZE.small, GREY);
  for (let i = 0; i < count; i++) {
    const page = c.pages[first + i]!;
    const line = layoutText(c.fonts, 'regular', t.size, `${i + 1}/${count}`, CONTENT_WIDTH, 'center')[0]!;
    const baseline = PAGE.height - (PAGE.height - mm(12)) - (c.fonts.regular.ascender / 1000) * t.size;
    page.ops.push('/Artifact <</Type /Pagination /Subtype /Footer>> BDC', `BT /F1 ${t.size} Tf ${t.color} 1 0 0 1 ${num(MARGIN.left + line.segments[0]!.dx)} ${num(baseline)} Tm [${line.segments[0]!.tj}] TJ ET`, 'EMC');
  }
}

/** Draws one letter from a new page; returns the index of its first page. */
export function composeLetter(c: Composer, root: Node, letter: LetterModel, options: DrawOptions, images: Map<Buffer, PlacedImage>, forms: ReadonlyMap<string, string> = new Map()): number {
  const first = c.newPage();
  foldMarks(c);
  header(c, root, letter, options, images);
  c.cut();
  address(c, root, letter.adresse);
  c.cut();
  body(c, root, letter);
  c.cut();
  signatures(c, root, letter, options, images);
  c.cut();
  annex(c, root, letter, options.platformUrl, forms);
  c.close();
  pageNumbers(c, first);
  return first;
}
