import QRCode from 'qrcode';
import { ANNEX_TITLE, type LetterModel } from '../campaign/letter.js';
import { CHANNEL_LABELS } from '../campaign/messages.js';
import { Composer, FONT_RESOURCE, layoutText, rgb, type LaidLine, type Node, type TextStyle } from './compose.js';
import { CONTENT_WIDTH, FONT_SIZE, MARGIN, mm, PAGE } from './geometry.js';
import { num } from './pdf-writer.js';
import { BLUE, BOTTOM, GREY, bold, el, regular } from './letter-style.js';

/**
 * The letter's annex, drawn for the serializer: the messages ready to post, as a table (a
 * message taller than a page goes on over the next, its channel named again), then the QR code
 * and the links of the campaign.
 */

/** The QR code as vector squares, relative to its top-left corner, once per address. */
const qrOps = new Map<string, string>();
function qr(url: string, size: number): string {
  let ops = qrOps.get(url);
  if (!ops) {
    const code = QRCode.create(url, { errorCorrectionLevel: 'M' });
    const n = code.modules.size;
    const cell = size / n;
    const parts: string[] = [];
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) if (code.modules.get(row, col)) parts.push(`${num(col * cell)} ${num(-(row + 1) * cell)} ${num(cell + 0.01)} ${num(cell + 0.01)} re`);
    }
    ops = `${parts.join('\n')}\nf`;
    qrOps.set(url, ops);
  }
  return ops;
}

const QR_SIZE = mm(28);

/** Under the channel of an annex message continued from the page before. */
export const CONTINUED = '(suite)';

/**
 * The QR code as a form XObject the file's shared objects hold: drawn once per campaign, not
 * copied into each letter's annex page, whose content stream is then a fifth of its size (cheaper
 * to assemble, to recognise as already compressed, and to read).
 */
export function qrForm(url: string): { key: string; ops: string; bbox: [number, number, number, number] } {
  return { key: url, ops: `0 g\n${qr(url, QR_SIZE)}`, bbox: [0, -QR_SIZE - 1, QR_SIZE + 1, 1] };
}

export function annex(c: Composer, root: Node, letter: LetterModel, platformUrl: string, forms: ReadonlyMap<string, string>): void {
  c.newPage();
  const title = bold(FONT_SIZE.title);
  let y = c.text(el(root, 'H1'), layoutText(c.fonts, 'bold', title.size, ANNEX_TITLE, CONTENT_WIDTH, 'left'), title, MARGIN.left, MARGIN.top + mm(5));
  y += c.lineHeight(title);
  const col1 = mm(34);
  const col2 = CONTENT_WIDTH - col1;
  const pad = mm(2.5);
  const table = el(root, 'Table');
  const t = regular(FONT_SIZE.body);
  const b = bold(FONT_SIZE.body);
  const small = regular(FONT_SIZE.small, GREY);
  const headerRow = (first: boolean) => {
    c.artifact(`q ${rgb('#ececfe')} rg ${BLUE} RG ${num(MARGIN.left)} ${num(PAGE.height - y - mm(8))} ${num(CONTENT_WIDTH)} ${num(mm(8))} re B Q`);
    // A header repeated on a new page is decoration: the table has one header row.
    const row = first ? el(table, 'TR') : undefined;
    const cells = ['Canal utilisé', 'Proposition de message'];
    cells.forEach((text, i) => {
      const lines = layoutText(c.fonts, 'bold', b.size, text, 10_000, 'left');
      const x = MARGIN.left + (i ? col1 : 0) + pad;
      if (row) c.text(el(row, 'TH', { attributes: '<< /O /Table /Scope /Column >>' }), lines, b, x, y + mm(2.2));
      else decoration(c, lines, b, x, y + mm(2.2));
    });
    y += mm(8);
    afterHeader = y;
  };
  let afterHeader = 0;
  headerRow(true);
  const lh = c.lineHeight(t, 1);
  const minRow = mm(14);
  // Below the repeated header, a page holds this many lines of one message.
  const pageLines = Math.floor((BOTTOM - MARGIN.top - mm(8) - 2 * pad) / lh);
  const continuePage = () => {
    c.newPage();
    y = MARGIN.top;
    headerRow(false);
  };
  for (const message of letter.annexe) {
    // Bound as the body is (no line starts with « : »), its characters those to be posted.
    const textLines = layoutText(c.fonts, 'regular', t.size, message.texte, col2 - 2 * pad, 'left', 'bound');
    const rowHeight = Math.max(textLines.length * lh, minRow) + 2 * pad;
    // A message that fits on a page is kept whole, to be copied at once: it moves to the next page
    // (unless that would leave the header alone under the title).
    if (y + rowHeight > BOTTOM && textLines.length <= pageLines && y > afterHeader + 1e-6) continuePage();
    const row = el(table, 'TR');
    const channel = el(row, 'TD');
    const cell = el(el(row, 'TD'), 'P');
    // A longer one goes on over the next pages, a part per page under the repeated header, the
    // channel named again « (suite) »; never one line alone at the foot or the head of a page.
    let from = 0;
    for (;;) {
      const left = textLines.length - from;
      const room = BOTTOM - y - 2 * pad;
      let fit = from === 0 && room < minRow ? 0 : Math.max(0, Math.floor(room / lh + 1e-9));
      if (fit < left) {
        if (left - fit === 1) fit -= 1;
        // Right under a header already, a lone line is better than no end.
        if (fit < 2 && y > afterHeader + 1e-6) {
          continuePage();
          continue;
        }
        fit = Math.max(fit, 1);
      } else fit = left;
      const part = textLines.slice(from, from + fit);
      const height = from === 0 ? Math.max(part.length * lh, minRow) + 2 * pad : part.length * lh + 2 * pad;
      const py = (v: number) => num(PAGE.height - v);
      c.artifact(`q 0.5 w ${BLUE} RG ${num(MARGIN.left)} ${py(y + height)} ${num(col1)} ${num(height)} re S ${num(MARGIN.left + col1)} ${py(y + height)} ${num(col2)} ${num(height)} re S Q`);
      const label = layoutText(c.fonts, 'bold', b.size, CHANNEL_LABELS[message.channel], col1 - 2 * pad, 'left');
      if (from === 0) {
        const labelBottom = c.text(el(channel, 'P'), label, b, MARGIN.left + pad, y + pad);
        if (message.compte) c.text(el(channel, 'P'), layoutText(c.fonts, 'regular', small.size, message.compte, col1 - 2 * pad, 'left'), small, MARGIN.left + pad, labelBottom + 1);
      } else {
        // A reminder for the reader, not a second cell: drawn as decoration, as the repeated header is.
        const under = decoration(c, label, b, MARGIN.left + pad, y + pad);
        decoration(c, layoutText(c.fonts, 'regular', small.size, CONTINUED, col1 - 2 * pad, 'left'), small, MARGIN.left + pad, under + 1);
      }
      c.text(cell, part, t, MARGIN.left + col1 + pad, y + pad, 1);
      from += fit;
      y += height;
      if (from >= textLines.length) break;
      continuePage();
    }
  }
  const qrSize = QR_SIZE;
  if (y + qrSize + mm(14) > BOTTOM) {
    c.newPage();
    y = MARGIN.top;
  }
  const top = y + mm(8);
  const figure = el(root, 'Figure', { alt: `Code QR menant à ${platformUrl}` });
  c.mark(figure);
  const form = forms.get(platformUrl);
  c.page.ops.push(`q 0 g 1 0 0 1 ${num(MARGIN.left)} ${num(PAGE.height - top)} cm\n${form ? `/${form} Do` : qr(platformUrl, qrSize)}\nQ`);
  c.close();
  const note = regular(FONT_SIZE.small + 1);
  const inscription = `Inscription des volontaires\u00a0: ${platformUrl}`;
  const noteWidth = CONTENT_WIDTH - qrSize - mm(5);
  linkedText(c, el(root, 'P'), inscription, platformUrl, note, MARGIN.left + qrSize + mm(5), top + qrSize / 2 - 5, noteWidth);
  // The QR code is a link too: its annotation belongs to a Link element after the figure.
  const qrLink = el(root, 'Link');
  const annot = { rect: [MARGIN.left, PAGE.height - top - qrSize, MARGIN.left + qrSize, PAGE.height - top] as [number, number, number, number], url: platformUrl, contents: `Code QR : ${platformUrl}`, node: qrLink };
  c.page.annots.push(annot);
  qrLink.kids.push({ annot, page: c.pages.length - 1 });
  y = top + qrSize + mm(4);
  for (const line of letter.supports ?? []) {
    const link = /(https?:\/\/\S+)$/.exec(line)?.[1];
    y = linkedText(c, el(root, 'P'), line, link, note, MARGIN.left, y, CONTENT_WIDTH);
  }
}

/** Lines drawn as decoration (an artifact, out of the structure tree): returns the y under them. */
function decoration(c: Composer, lines: LaidLine[], t: TextStyle, x: number, y: number): number {
  const ascent = (c.fonts[t.style].ascender / 1000) * t.size;
  const ops: string[] = [];
  for (const line of lines) {
    for (const s of line.segments) if (s.tj) ops.push(`BT /${FONT_RESOURCE[t.style]} ${t.size} Tf ${t.color} 1 0 0 1 ${num(x + s.dx)} ${num(PAGE.height - y - ascent)} Tm [${s.tj}] TJ ET`);
    y += c.lineHeight(t);
  }
  c.artifact(ops.join('\n'));
  return y;
}

/** A text that is all one link (pdfkit's `link` option): a Link element over its lines. */
function linkedText(c: Composer, node: Node, text: string, url: string | undefined, t: TextStyle, x: number, y: number, width: number): number {
  const plain = (s: string) => s.replaceAll('[', '(').replaceAll(']', ')');
  // A text that ends with its address links that address, printed once.
  const markup = !url ? text : text.endsWith(url) ? `${plain(text.slice(0, -url.length))}[${url}](${url})` : `[${plain(text)}](${url})`;
  const lines = layoutText(c.fonts, 'regular', t.size, markup, width, 'left', Boolean(url));
  return c.text(node, lines, t, x, y);
}
