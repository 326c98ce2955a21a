import * as fontkit from 'fontkit';
import type { FontFiles } from './fonts.js';
import { pairKerning, type PairKerning } from './kerning.js';
import { streamBody } from './pdf-writer.js';

/**
 * The campaign's fonts for the letter serializer: one subset per font and per campaign, covering
 * every character any letter of the campaign uses, so that its bytes (FontFile2, widths,
 * ToUnicode) are written once and copied into every letter. Words are shaped by fontkit with
 * kerning but without glyph substitutions (ligatures, contextual alternates): every glyph is then
 * a character's own glyph, known before the first letter, and the same shaping serves measuring
 * and drawing.
 */
export type Style = 'regular' | 'bold' | 'italic';
export const STYLES: Style[] = ['regular', 'bold', 'italic'];


/** A shaped word: its TJ operand (hex glyph codes and kerning adjustments) and its advance. */
export interface Shaped {
  tj: string;
  /** Advance in thousandths of the font size. */
  width: number;
}

/** Characters a campaign always needs beyond its texts: digits and signs of page numbers, etc. */
export const BASE_CHARACTERS = ' 0123456789/:-.,;()\u00a0\u202f';

/** fontkit's subset as it behaves (its typings say includeGlyph returns a boolean). */
interface Subset {
  includeGlyph(glyph: number): number;
  encode(): Uint8Array;
}

/** See CampaignFont.prepare(). Plain data: it crosses to worker threads. */
export interface PreparedFont {
  /** Triples: first character, second character, kerning in thousandths of the size. */
  kerning: number[];
  file: Uint8Array;
}

export class CampaignFont {
  readonly name: string;
  readonly ascender: number;
  readonly descender: number;
  readonly lineGap: number;
  private readonly scale: number;
  private readonly cids = new Map<number, number>();
  private readonly glyphCids = new Map<number, number>();
  private readonly widths: number[] = [];
  private readonly unicode: number[] = [];
  private readonly subset: Subset;
  private readonly cache = new Map<string, Shaped>();

  constructor(
    private readonly font: fontkit.Font,
    characters: string,
    private readonly prepared?: PreparedFont,
  ) {
    this.scale = 1000 / font.unitsPerEm;
    this.name = font.postscriptName.replaceAll(' ', '_');
    this.ascender = font.ascent * this.scale;
    this.descender = font.descent * this.scale;
    this.lineGap = font.lineGap * this.scale;
    this.subset = font.createSubset() as unknown as Subset;
    this.widths[0] = font.getGlyph(0).advanceWidth * this.scale;
    this.unicode[0] = 0;
    // Sorted, so that every worker thread numbers the glyphs alike.
    const codes = [...new Set([...characters].map((c) => c.codePointAt(0)!))].sort((a, b) => a - b);
    for (const cp of codes) {
      const glyph = font.glyphForCodePoint(cp);
      if (!glyph || glyph.id === 0) continue;
      let cid = this.glyphCids.get(glyph.id);
      if (cid === undefined) {
        cid = this.subset.includeGlyph(glyph.id);
        this.glyphCids.set(glyph.id, cid);
        this.widths[cid] = glyph.advanceWidth * this.scale;
        this.unicode[cid] = cp;
      }
      this.cids.set(cp, cid);
    }
  }

  /** Line height as pdfkit counts it (ascender − descender + gap), for a font size. */
  lineHeight(size: number): number {
    return ((this.ascender - this.descender + this.lineGap) / 1000) * size;
  }

  has(ch: string): boolean {
    return this.cids.has(ch.codePointAt(0)!);
  }

  /** Shapes a word (no space inside is needed, but allowed); cached per font for the process. */
  shape(text: string): Shaped {
    let s = this.cache.get(text);
    if (s) return s;
    s = this.shapeUncached(text);
    // Bounded: workers have a small heap, and most new words (names) are seen once.
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(text, s);
    return s;
  }

  /**
   * A word from its characters' glyphs and the kerning of each pair, read from the font's GPOS
   * pair-positioning table (what fontkit's layout applies for `kern`): shaping a new word — each
   * commune's name, each mayor's — is then a few table look-ups, not a full OpenType layout.
   */
  private shapeUncached(text: string): Shaped {
    let tj = '<';
    let width = 0;
    let previous = -1;
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      const cid = this.cids.get(cp) ?? 0;
      if (previous >= 0) {
        const k = this.kerning(previous, cp);
        if (k !== 0) {
          tj += `> ${Math.round(-k * 100) / 100} <`;
          width += k;
        }
      }
      tj += cid.toString(16).padStart(4, '0');
      width += this.widths[cid]!;
      previous = cp;
    }
    return { tj: `${tj}>`, width };
  }

  private readonly pairs = new Map<number, number>();
  private kernTable: PairKerning | undefined | null = null;

  /**
   * The kerning of every pair of the campaign's characters and the subset's bytes: what is costly
   * to make (reading GPOS, encoding the subset) is made once by the main thread and handed to
   * every worker, which then only maps characters to glyphs.
   */
  prepare(): PreparedFont {
    const codes = [...this.cids.keys()];
    const glyphs = codes.map((cp) => this.font.glyphForCodePoint(cp)?.id ?? 0);
    const table = pairKerning(this.font);
    const kerning: number[] = [];
    if (table) {
      codes.forEach((a, i) => {
        codes.forEach((b, j) => {
          const k = table(glyphs[i]!, glyphs[j]!) * this.scale;
          if (Math.abs(k) >= 0.01) kerning.push(a, b, k);
        });
      });
    }
    return { kerning, file: this.subset.encode() };
  }

  /** Kerning between two characters, in thousandths of the size (0 when none). */
  private kerning(a: number, b: number): number {
    const key = a * 0x110000 + b;
    let k = this.pairs.get(key);
    if (k === undefined) {
      if (this.kernTable === null) {
        if (this.prepared) {
          // Every pair of the campaign's characters is in the prepared table: others are not kerned.
          const p = this.prepared.kerning;
          for (let i = 0; i < p.length; i += 3) this.pairs.set(p[i]! * 0x110000 + p[i + 1]!, p[i + 2]!);
          this.kernTable = undefined;
          k = this.pairs.get(key);
          if (k !== undefined) return k;
        } else this.kernTable = pairKerning(this.font);
      }
      const first = this.font.glyphForCodePoint(a)?.id ?? 0;
      const second = this.font.glyphForCodePoint(b)?.id ?? 0;
      k = this.kernTable && first && second ? this.kernTable(first, second) * this.scale : 0;
      this.pairs.set(key, k);
    }
    return k;
  }

  /** Width in points of a text at a size. */
  measure(text: string, size: number): number {
    return (this.shape(text).width / 1000) * size;
  }

  /** The font's objects, numbered from `first`: returns them and the Type0 font's number. */
  objects(first: number, tag: string): { objects: Array<[number, string | Buffer]>; font: number } {
    const isCFF = Boolean((this.subset as unknown as { cff?: unknown }).cff);
    const [file, descriptor, cidFont, toUnicode, type0] = [first, first + 1, first + 2, first + 3, first + 4];
    const data = Buffer.from(this.prepared?.file ?? this.subset.encode());
    const name = `${tag}+${this.name}`;
    const f = this.font;
    const familyClass = ((f['OS/2'] as { sFamilyClass?: number } | undefined)?.sFamilyClass ?? 0) >> 8;
    let flags = 4;
    if ((f as unknown as { post: { isFixedPitch: number } }).post.isFixedPitch) flags |= 1;
    if (familyClass >= 1 && familyClass <= 7) flags |= 2;
    if ((f as unknown as { head: { macStyle: { italic: boolean } } }).head.macStyle.italic) flags |= 64;
    const b = f.bbox;
    const s = this.scale;
    const r = (n: number) => Math.round(n * 1000) / 1000;
    let w = '';
    for (let cid = 0; cid < this.widths.length; cid++) w += ` ${r(this.widths[cid] ?? 0)}`;
    let cmap = '';
    for (let cid = 0; cid < this.unicode.length; cid++) {
      const cp = this.unicode[cid];
      if (cp === undefined || cid === 0) continue;
      const units = cp > 0xffff ? [0xd800 | ((cp - 0x10000) >> 10), 0xdc00 | ((cp - 0x10000) & 0x3ff)] : [cp];
      cmap += `<${cid.toString(16).padStart(4, '0')}> <${units.map((u) => u.toString(16).padStart(4, '0')).join('')}>\n`;
    }
    const lines = cmap.trimEnd().split('\n');
    let chars = '';
    for (let i = 0; i < lines.length; i += 100) chars += `${Math.min(100, lines.length - i)} beginbfchar\n${lines.slice(i, i + 100).join('\n')}\nendbfchar\n`;
    const cmapText = `/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n${chars}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend`;
    return {
      font: type0,
      objects: [
        [file, streamBody(data, isCFF ? ' /Subtype /CIDFontType0C' : ` /Length1 ${data.length}`)],
        [
          descriptor,
          `<< /Type /FontDescriptor /FontName /${name} /Flags ${flags} /FontBBox [${r(b.minX * s)} ${r(b.minY * s)} ${r(b.maxX * s)} ${r(b.maxY * s)}] /ItalicAngle ${f.italicAngle} /Ascent ${r(this.ascender)} /Descent ${r(this.descender)} /CapHeight ${r((f.capHeight || f.ascent) * s)} /XHeight ${r((f.xHeight || 0) * s)} /StemV 80 /${isCFF ? 'FontFile3' : 'FontFile2'} ${file} 0 R >>`,
        ],
        [
          cidFont,
          `<< /Type /Font /Subtype /${isCFF ? 'CIDFontType0' : 'CIDFontType2'} /BaseFont /${name} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ${descriptor} 0 R /DW 0 /W [0 [${w.trim()}]]${isCFF ? '' : ' /CIDToGIDMap /Identity'} >>`,
        ],
        [toUnicode, streamBody(cmapText)],
        [type0, `<< /Type /Font /Subtype /Type0 /BaseFont /${name} /Encoding /Identity-H /DescendantFonts [${cidFont} 0 R] /ToUnicode ${toUnicode} 0 R >>`],
      ],
    };
  }
}

const parsedFonts = new WeakMap<Uint8Array, fontkit.Font>();

export function parseFont(data: Uint8Array): fontkit.Font {
  let f = parsedFonts.get(data);
  if (!f) {
    f = fontkit.create(Buffer.from(data.buffer, data.byteOffset, data.byteLength)) as fontkit.Font;
    parsedFonts.set(data, f);
  }
  return f;
}

export type CampaignFonts = Record<Style, CampaignFont>;

export function campaignFonts(files: FontFiles, characters: string, prepared?: Record<Style, PreparedFont>): CampaignFonts {
  const all = BASE_CHARACTERS + characters;
  return {
    regular: new CampaignFont(parseFont(files.regular), all, prepared?.regular),
    bold: new CampaignFont(parseFont(files.bold), all, prepared?.bold),
    italic: new CampaignFont(parseFont(files.italic), all, prepared?.italic),
  };
}

/**
 * The characters of the letters that the body or bold font has no glyph for (an emoji, a Chinese
 * name, a mathematical sign): drawn, they would be missing from the PDF without a word. Spaces are
 * left out: a font without the narrow no-break space still spaces the words.
 */
export function undrawable(files: FontFiles, characters: string): string[] {
  const fonts = [parseFont(files.regular), parseFont(files.bold)];
  const missing: string[] = [];
  for (const ch of characters) {
    if (/[\s\u0000-\u001f]/u.test(ch)) continue;
    const cp = ch.codePointAt(0)!;
    if (fonts.some((f) => (f.glyphForCodePoint(cp)?.id ?? 0) === 0)) missing.push(ch);
  }
  return missing;
}

export function prepareFonts(files: FontFiles, characters: string): Record<Style, PreparedFont> {
  const fonts = campaignFonts(files, characters);
  return { regular: fonts.regular.prepare(), bold: fonts.bold.prepare(), italic: fonts.italic.prepare() };
}
