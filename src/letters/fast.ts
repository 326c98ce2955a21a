import type { LetterModel } from '../campaign/letter.js';
import { baseKey } from './keys.js';
import { ADDRESS, mm, PAGE } from './geometry.js';
import { drawLetter, finish, newDocument, useFont, type DrawOptions } from './layout.js';
import type { FontFiles } from './fonts.js';

/**
 * Letters of one département share everything but their address block: pdfkit lays out and
 * subsets the shared letter once (the "base"), and each commune's file is that base plus a PDF
 * incremental update — a standard PDF mechanism every reader supports — that draws the address
 * in the window and retitles the document. Layout, shaping and font subsetting are done once per
 * distinct letter instead of once per commune.
 *
 * The address uses glyphs added to the base's font subset in advance (printable ASCII, as the
 * address rules produce); a line with any other character makes that letter take the full path.
 */
const PRIMER = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('') + '°';

interface Base {
  bytes: Buffer;
  pageId: number;
  pageDict: string;
  fontName: string;
  ascender: number;
  glyphs: Map<string, string>;
  size: number;
  root: string;
  info: number;
  id: string;
  startxref: number;
}

type EmbeddedFont = { id: string; ascender: number; encode(text: string): [string[], unknown[]] };
type DocInternals = { _font: EmbeddedFont; _pageBuffer: Array<{ dictionary: { id: number } }> };

/** PDF text string in UTF-16BE hex, so any title survives. */
function pdfString(text: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
  return `<${hex}>`;
}

export interface LetterMeta {
  title: string;
  author: string;
  subject: string;
}

async function buildBase(fonts: FontFiles, letter: LetterModel, options: DrawOptions, meta: LetterMeta): Promise<Base> {
  const doc = newDocument(fonts, meta);
  await drawLetter(doc, { ...letter, adresse: [] }, { ...options, withAddress: false });
  const internals = doc as unknown as DocInternals;
  useFont(doc, 'regular');
  const font = internals._font;
  const glyphs = new Map<string, string>();
  // Each character alone: no ligature or kerning can make its glyph depend on its neighbours.
  for (const ch of PRIMER) glyphs.set(ch, font.encode(ch)[0].join(''));
  const pageId = internals._pageBuffer[0]!.dictionary.id;
  const bytes = await finish(doc);
  const text = bytes.toString('latin1');
  const pageMatch = new RegExp(`\\n${pageId} 0 obj\\n(<<[\\s\\S]*?>>)\\nendobj`).exec(text);
  const trailer = /trailer\n<<([\s\S]*?)>>\nstartxref\n(\d+)\n%%EOF\n?$/.exec(text);
  if (!pageMatch || !trailer) throw new Error('unexpected pdfkit output');
  const field = (name: string) => new RegExp(`/${name} ([^\\n]+)`).exec(trailer[1]!)?.[1] ?? '';
  const pageFonts = new RegExp(`/${font.id} `).test(text);
  if (!pageFonts) throw new Error('address font missing from page resources');
  return {
    bytes,
    pageId,
    pageDict: pageMatch[1]!,
    fontName: font.id,
    ascender: font.ascender,
    glyphs,
    size: Number(field('Size')),
    root: field('Root'),
    info: Number(field('Info').split(' ')[0]),
    id: field('ID'),
    startxref: Number(trailer[2]),
  };
}

/** The incremental update: address content stream first on page 1, new page dict, new info. */
function withAddress(base: Base, lines: string[], meta: LetterMeta): Buffer | undefined {
  const ops: string[] = ['q', 'BT', `/${base.fontName} ${ADDRESS.size} Tf`, '0 g'];
  for (const [i, line] of lines.entries()) {
    let hex = '';
    for (const ch of line) {
      const g = base.glyphs.get(ch);
      if (g === undefined) return undefined;
      hex += g;
    }
    // Same baseline as pdfkit's text(): top of the line plus the font's ascender.
    const top = ADDRESS.top + i * ADDRESS.lineHeight;
    const y = PAGE.height - top - (base.ascender / 1000) * ADDRESS.size;
    ops.push(`1 0 0 1 ${mm(110).toFixed(3)} ${y.toFixed(3)} Tm`, `<${hex}> Tj`);
  }
  ops.push('ET', 'Q');
  const stream = ops.join('\n');
  const contentId = base.size;
  const pageDict = base.pageDict.replace(/\/Contents (\d+) 0 R/, `/Contents [${contentId} 0 R $1 0 R]`);
  const info = `<<\n/Title ${pdfString(meta.title)}\n/Author ${pdfString(meta.author)}\n/Subject ${pdfString(meta.subject)}\n/Creator (relais)\n/Producer (relais)\n>>`;

  const chunks: string[] = [];
  let offset = base.bytes.length;
  const offsets: Array<[number, number]> = [];
  const add = (id: number, body: string) => {
    const text = `${id} 0 obj\n${body}\nendobj\n`;
    offsets.push([id, offset]);
    chunks.push(text);
    offset += Buffer.byteLength(text, 'latin1');
  };
  add(contentId, `<<\n/Length ${Buffer.byteLength(stream, 'latin1')}\n>>\nstream\n${stream}\nendstream`);
  add(base.pageId, pageDict);
  add(base.info, info);
  const xref = ['xref', ...offsets.sort((a, b) => a[0] - b[0]).flatMap(([id, off]) => [`${id} 1`, `${String(off).padStart(10, '0')} 00000 n `])];
  chunks.push(`${xref.join('\n')}\ntrailer\n<<\n/Size ${base.size + 1}\n/Root ${base.root}\n/Info ${base.info} 0 R\n/ID ${base.id}\n/Prev ${base.startxref}\n>>\nstartxref\n${offset}\n%%EOF\n`);
  return Buffer.concat([base.bytes, Buffer.from(chunks.join(''), 'latin1')]);
}

export class LetterFactory {
  private readonly bases = new Map<string, Promise<Base>>();

  constructor(
    private readonly fonts: FontFiles,
    private readonly options: DrawOptions,
    private readonly maxBases = 32,
  ) {}

  /** One letter as PDF bytes; `key` is baseKey(letter), computed once by the caller. */
  async render(letter: LetterModel, meta: LetterMeta, key = baseKey(letter)): Promise<Buffer> {
    let base = this.bases.get(key);
    if (!base) {
      if (this.bases.size >= this.maxBases) this.bases.delete(this.bases.keys().next().value!);
      base = buildBase(this.fonts, letter, this.options, { ...meta, title: meta.subject });
      this.bases.set(key, base);
    }
    const fast = withAddress(await base, letter.adresse, meta);
    if (fast) return fast;
    const doc = newDocument(this.fonts, meta);
    await drawLetter(doc, letter, this.options);
    return finish(doc);
  }
}
