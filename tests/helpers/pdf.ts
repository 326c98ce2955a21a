import { readFileSync } from 'node:fs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Text items of a PDF read back with pdf.js, positions in mm from the top-left corner. */
export interface TextItem {
  page: number;
  str: string;
  x: number;
  top: number;
  width: number;
  height: number;
}

export interface PdfContent {
  pages: number;
  size: { width: number; height: number };
  items: TextItem[];
  text: string[];
  info: Record<string, unknown>;
  links: Array<{ page: number; url: string }>;
}

const MM = 25.4 / 72;

export async function readPdf(pathOrBytes: string | Uint8Array): Promise<PdfContent> {
  const data = typeof pathOrBytes === 'string' ? new Uint8Array(readFileSync(pathOrBytes)) : new Uint8Array(pathOrBytes);
  const doc = await getDocument({ data, useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  const items: TextItem[] = [];
  const text: string[] = [];
  const links: Array<{ page: number; url: string }> = [];
  let size = { width: 0, height: 0 };
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const [, , w, h] = page.view as [number, number, number, number];
    if (n === 1) size = { width: w * MM, height: h * MM };
    // Without normalisation: U+202F must come back as written, not as a plain space.
    const content = await page.getTextContent({ disableNormalization: true });
    let pageText = '';
    for (const raw of content.items) {
      if (!('str' in raw)) continue;
      const t = raw.transform as number[];
      items.push({ page: n, str: raw.str, x: t[4]! * MM, top: (h - t[5]!) * MM, width: raw.width * MM, height: raw.height * MM });
      pageText += raw.str + (raw.hasEOL ? '\n' : '');
    }
    text.push(pageText);
    for (const a of await page.getAnnotations()) if (a.url) links.push({ page: n, url: a.url as string });
  }
  const meta = await doc.getMetadata();
  await doc.destroy();
  return { pages: doc.numPages, size, items, text, info: meta.info as Record<string, unknown>, links };
}

/** All the text, whitespace folded, links read as their text. */
export function flat(pdf: PdfContent): string {
  return pdf.text.join('\n').replace(/[\s\u00a0]+/g, ' ').trim();
}
