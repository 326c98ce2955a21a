import * as fontkit from 'fontkit';
import type PDFDocument from 'pdfkit';
import { pdfkit } from './pdfkit-load.js';
import QRCode from 'qrcode';
import { ANNEX_TITLE, type LetterModel } from '../campaign/letter.js';
import { CHANNEL_LABELS } from '../campaign/messages.js';
import { ADDRESS, BODY_TOP, CONTENT_WIDTH, DATE_LINE_TOP, FOLD_MARKS, FONT_SIZE, MARGIN, mm, PAGE } from './geometry.js';
import type { FontFiles } from './fonts.js';
import { drawParagraph, paragraphLines } from './paragraph.js';
import { pdfkitBytes } from './pdfkit-images.js';
import { frenchSpacing } from '../text/french.js';

/**
 * Draws a letter in the French administrative layout with pdfkit: issuer block top left, place
 * and date on the right, the address in the DL window, "Objet :", the justified body with real
 * links, the two signatures side by side, fold marks, then the annex table and its QR code.
 */
export interface Issuer {
  /** "PRÉFET DU LOIRET": the authority, in capitals, with gender agreement. */
  authority: string;
  /** The co-issuer (the ARS) under it. */
  coIssuer: string[];
  logo?: Buffer | undefined;
}

export interface LetterPages {
  first: number;
  count: number;
}

const BLUE = '#000091';
const GREY = '#666666';

/**
 * Parsed fonts and their shaping results are kept per process: parsing a TTF and shaping the same
 * words again for every letter is what makes naive pdfkit write 15 letters a second.
 */
const parsedFonts = new WeakMap<Uint8Array, { font: fontkit.Font; layoutCache: Record<string, unknown> }>();

function parsed(data: Uint8Array): { font: fontkit.Font; layoutCache: Record<string, unknown> } {
  let entry = parsedFonts.get(data);
  if (!entry) {
    entry = { font: fontkit.create(Buffer.from(data.buffer, data.byteOffset, data.byteLength)) as fontkit.Font, layoutCache: Object.create(null) as Record<string, unknown> };
    parsedFonts.set(data, entry);
  }
  return entry;
}

/** Selects a font, sharing its shaping cache across documents (pdfkit keeps one per document). */
export function useFont(doc: PDFKit.PDFDocument, name: 'regular' | 'bold' | 'italic'): PDFKit.PDFDocument {
  doc.font(name);
  const internal = doc as unknown as { _font: { layoutCache?: Record<string, unknown>; font: fontkit.Font } };
  const shared = sharedCaches.get(internal._font.font);
  if (shared && internal._font.layoutCache !== shared) internal._font.layoutCache = shared;
  return doc;
}
const sharedCaches = new WeakMap<fontkit.Font, Record<string, unknown>>();

/**
 * The shaping caches only grow (every address line is new text): the print file, which draws
 * thousands of letters in one document, starts them afresh from time to time.
 */
export function resetShapingCaches(fonts: FontFiles): void {
  for (const data of [fonts.regular, fonts.bold, fonts.italic]) {
    const entry = parsed(data);
    entry.layoutCache = Object.create(null) as Record<string, unknown>;
    sharedCaches.set(entry.font, entry.layoutCache);
  }
}

export function newDocument(fonts: FontFiles, info: { title: string; author: string; subject: string }): PDFKit.PDFDocument {
  const doc = new (pdfkit())({
    size: 'A4',
    margins: MARGIN,
    autoFirstPage: false,
    bufferPages: true,
    lang: 'fr-FR',
    displayTitle: true,
    info: { Title: info.title, Author: info.author, Subject: info.subject, Creator: 'relais' },
  });
  for (const [name, data] of [['regular', fonts.regular], ['bold', fonts.bold], ['italic', fonts.italic]] as const) {
    const { font, layoutCache } = parsed(data);
    sharedCaches.set(font, layoutCache);
    // pdfkit takes an already parsed fontkit font as well as bytes.
    doc.registerFont(name, font as unknown as Buffer);
  }
  return doc;
}

/**
 * pdfkit decodes and embeds an image given as bytes at every call, and a print file draws the same
 * logo and signatures on every letter: each is opened once per document, then placed again.
 */
const openedImages = new WeakMap<PDFKit.PDFDocument, Map<Buffer, unknown>>();

function placeImage(doc: PDFKit.PDFDocument, src: Buffer, x: number, y: number, options: PDFKit.Mixins.ImageOption): void {
  let opened = openedImages.get(doc);
  if (!opened) openedImages.set(doc, (opened = new Map()));
  let image = opened.get(src);
  if (!image) opened.set(src, (image = (doc as unknown as { openImage(src: Buffer): unknown }).openImage(src)));
  // pdfkit takes an opened image (it has a width and a height) where it takes bytes.
  doc.image(image as Buffer, x, y, options);
}

function drawHeader(doc: PDFKit.PDFDocument, issuer: Issuer, letter: LetterModel): void {
  let y = MARGIN.top;
  if (issuer.logo) {
    placeImage(doc, issuer.logo, MARGIN.left, y, { fit: [mm(40), mm(16)] });
    y += mm(18);
  }
  useFont(doc, 'bold').fontSize(FONT_SIZE.issuer).fillColor('black');
  doc.text(issuer.authority, MARGIN.left, y, { width: mm(75), lineGap: 1 });
  useFont(doc, 'italic').fontSize(FONT_SIZE.small).fillColor(GREY);
  doc.text('Liberté\nÉgalité\nFraternité', MARGIN.left, doc.y + 2, { width: mm(75), lineGap: 0 });
  useFont(doc, 'bold').fontSize(FONT_SIZE.small + 0.5).fillColor('black');
  doc.text(issuer.coIssuer.join('\n'), MARGIN.left, doc.y + mm(3), { width: mm(75) });

  useFont(doc, 'regular').fontSize(FONT_SIZE.body).fillColor('black');
  doc.text(letter.lieuDate, MARGIN.left, DATE_LINE_TOP, { width: CONTENT_WIDTH, align: 'right' });
}

/** The address block, inside the window: left-aligned from 110 mm, never wider than the window. */
export function drawAddress(doc: PDFKit.PDFDocument, lines: string[]): void {
  useFont(doc, 'regular').fontSize(ADDRESS.size).fillColor('black');
  lines.forEach((line, i) => {
    doc.text(line, mm(110), ADDRESS.top + i * ADDRESS.lineHeight, { lineBreak: false, width: mm(88) });
  });
}

function drawFoldMarks(doc: PDFKit.PDFDocument): void {
  doc.save().lineWidth(0.4).strokeColor('#999999');
  for (const y of FOLD_MARKS) doc.moveTo(mm(4), y).lineTo(mm(9), y).stroke();
  doc.restore();
}

function drawBody(doc: PDFKit.PDFDocument, letter: LetterModel): void {
  useFont(doc, 'bold').fontSize(FONT_SIZE.body).fillColor('black');
  // French spacing, as in the paragraphs (drawParagraph → words): no break before a colon.
  doc.text('Objet\u00a0: ', MARGIN.left, BODY_TOP, { continued: true });
  useFont(doc, 'regular').text(frenchSpacing(letter.objet), { width: CONTENT_WIDTH });
  doc.moveDown(1);
  const lineHeight = FONT_SIZE.body * 1.32;
  const closing = letter.paragraphs.length - 1;
  for (const [i, paragraph] of letter.paragraphs.entries()) {
    // The closing formula goes on with the signatures when both do not fit (letter-pages.ts).
    if (i === closing && letter.signatures.length) {
      const lines = paragraphLines(useFont(doc, 'regular').fontSize(FONT_SIZE.body), paragraph, CONTENT_WIDTH).length;
      const height = lines * lineHeight + lineHeight * 0.55 + signaturesHeight(doc, letter);
      const bottom = PAGE.height - MARGIN.bottom;
      if (doc.y + height > bottom && MARGIN.top + height <= bottom && doc.y > MARGIN.top) {
        doc.addPage();
        doc.y = MARGIN.top;
      }
    }
    drawParagraph(doc, paragraph, { x: MARGIN.left, width: CONTENT_WIDTH, lineHeight, bottom: PAGE.height - MARGIN.bottom, top: MARGIN.top, linkColor: BLUE });
    doc.y += lineHeight * 0.55;
  }
}

/** The height the two signature blocks need, the space above them included. */
function signaturesHeight(doc: PDFKit.PDFDocument, letter: LetterModel): number {
  const columnWidth = CONTENT_WIDTH / 2 - mm(5);
  const heightOf = (sig: LetterModel['signatures'][number]) =>
    useFont(doc, 'regular').fontSize(FONT_SIZE.body).heightOfString(sig.titre.join('\n'), { width: columnWidth }) + mm(22) + FONT_SIZE.body * 1.4;
  return Math.max(...letter.signatures.map(heightOf)) + mm(6);
}

function drawSignatures(doc: PDFKit.PDFDocument, letter: LetterModel, images: { prefet?: Buffer | undefined; ars?: Buffer | undefined }): void {
  const columnWidth = CONTENT_WIDTH / 2 - mm(5);
  const needed = signaturesHeight(doc, letter);
  if (doc.y + needed > PAGE.height - MARGIN.bottom) doc.addPage();
  const top = doc.y + mm(6);
  useFont(doc, 'regular').fontSize(FONT_SIZE.body);
  // Names on one line even when one title is longer than the other.
  const titles = Math.max(...letter.signatures.map((s) => doc.heightOfString(s.titre.join('\n'), { width: columnWidth })));
  letter.signatures.forEach((sig, i) => {
    const x = MARGIN.left + i * (columnWidth + mm(10));
    useFont(doc, 'regular').fontSize(FONT_SIZE.body).fillColor('black');
    doc.text(sig.titre.join('\n'), x, top, { width: columnWidth, align: 'center' });
    const image = i === 0 ? images.prefet : images.ars;
    const imageTop = top + titles + mm(2);
    if (image) placeImage(doc, image, x + columnWidth / 2 - mm(20), imageTop, { fit: [mm(40), mm(18)], align: 'center', valign: 'center' });
    useFont(doc, 'bold').text(sig.nom, x, imageTop + mm(20), { width: columnWidth, align: 'center' });
  });
  doc.x = MARGIN.left;
}

function drawAnnex(doc: PDFKit.PDFDocument, letter: LetterModel, platformUrl: string): void {
  doc.addPage();
  useFont(doc, 'bold').fontSize(FONT_SIZE.title).fillColor('black');
  doc.text(ANNEX_TITLE, MARGIN.left, MARGIN.top + mm(5), { width: CONTENT_WIDTH });
  doc.moveDown(1);
  const col1 = mm(34);
  const col2 = CONTENT_WIDTH - col1;
  const pad = mm(2.5);
  const bottom = PAGE.height - MARGIN.bottom;
  const header = () => {
    const y = doc.y;
    doc.rect(MARGIN.left, y, CONTENT_WIDTH, mm(8)).fillAndStroke('#ececfe', '#000091');
    doc.fillColor('black').font('bold').fontSize(FONT_SIZE.body);
    doc.text('Canal utilisé', MARGIN.left + pad, y + mm(2.2), { width: col1 - 2 * pad, lineBreak: false });
    doc.text('Proposition de message', MARGIN.left + col1 + pad, y + mm(2.2), { width: col2 - 2 * pad, lineBreak: false });
    doc.y = y + mm(8);
  };
  header();
  for (const message of letter.annexe) {
    useFont(doc, 'regular').fontSize(FONT_SIZE.body);
    const textHeight = doc.heightOfString(message.texte, { width: col2 - 2 * pad, lineGap: 1 });
    const rowHeight = Math.max(textHeight, mm(14)) + 2 * pad;
    // A row is never split: it moves to a new page with the table header repeated.
    if (doc.y + rowHeight > bottom && rowHeight < bottom - MARGIN.top - mm(10)) {
      doc.addPage();
      doc.y = MARGIN.top;
      header();
    }
    const y = doc.y;
    doc.lineWidth(0.5).strokeColor('#000091').rect(MARGIN.left, y, col1, rowHeight).stroke().rect(MARGIN.left + col1, y, col2, rowHeight).stroke();
    useFont(doc, 'bold').fillColor('black').text(CHANNEL_LABELS[message.channel], MARGIN.left + pad, y + pad, { width: col1 - 2 * pad });
    useFont(doc, 'regular').fontSize(FONT_SIZE.small).fillColor(GREY).text(message.compte, MARGIN.left + pad, doc.y + 1, { width: col1 - 2 * pad });
    useFont(doc, 'regular').fontSize(FONT_SIZE.body).fillColor('black').text(message.texte, MARGIN.left + col1 + pad, y + pad, { width: col2 - 2 * pad, lineGap: 1 });
    doc.y = y + rowHeight;
  }
  const qrSize = mm(28);
  if (doc.y + qrSize + mm(14) > bottom) doc.addPage();
  const top = doc.y + mm(8);
  drawQr(doc, platformUrl, MARGIN.left, top, qrSize);
  useFont(doc, 'regular').fontSize(FONT_SIZE.small + 1).fillColor('black');
  doc.text(`Inscription des volontaires\u00a0: ${platformUrl}`, MARGIN.left + qrSize + mm(5), top + qrSize / 2 - 5, { width: CONTENT_WIDTH - qrSize - mm(5), link: platformUrl });
  // The campaign's video: a link and its size (a file is never printed nor attached).
  doc.y = top + qrSize + mm(4);
  for (const line of letter.supports ?? []) {
    const link = /(https?:\/\/\S+)$/.exec(line)?.[1];
    doc.text(line, MARGIN.left, doc.y, { width: CONTENT_WIDTH, ...(link ? { link } : {}) });
  }
}

/** The QR code drawn as vector squares: sharp at any print resolution, a few hundred bytes. */
export function drawQr(doc: PDFKit.PDFDocument, url: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / n;
  doc.save().fillColor('black');
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) if (qr.modules.get(row, col)) doc.rect(x + col * cell, y + row * cell, cell + 0.01, cell + 0.01);
  }
  doc.fill().restore();
  doc.link(x, y, size, size, url);
}

function numberPages(doc: PDFKit.PDFDocument, pages: LetterPages): void {
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.first + i);
    useFont(doc, 'regular').fontSize(FONT_SIZE.small).fillColor(GREY);
    // Writing in the bottom margin must not trigger pdfkit's automatic page break.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.text(`${i + 1}/${pages.count}`, MARGIN.left, PAGE.height - mm(12), { width: CONTENT_WIDTH, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}

export interface DrawOptions {
  issuer: Issuer;
  platformUrl: string;
  signatureImages?: { prefet?: Buffer | undefined; ars?: Buffer | undefined };
  /** False when the address is added afterwards (see fast.ts). */
  withAddress?: boolean;
}

/** Draws one letter from the current end of the document; returns its pages. */
export async function drawLetter(doc: PDFKit.PDFDocument, letter: LetterModel, options: DrawOptions): Promise<LetterPages> {
  doc.addPage();
  const first = doc.bufferedPageRange().start + doc.bufferedPageRange().count - 1;
  drawFoldMarks(doc);
  drawHeader(doc, options.issuer, letter);
  if (options.withAddress !== false) drawAddress(doc, letter.adresse);
  drawBody(doc, letter);
  drawSignatures(doc, letter, options.signatureImages ?? {});
  drawAnnex(doc, letter, options.platformUrl);
  const range = doc.bufferedPageRange();
  const pages = { first, count: range.start + range.count - first };
  numberPages(doc, pages);
  return pages;
}

export const finish = pdfkitBytes;
