/**
 * Which characters a font can draw, read from its character map (the `cmap` table) alone: what
 * `relais check` needs to say, before the letters, that a character would vanish from the PDF,
 * without loading a font engine (fontkit and its dictionaries cost a tenth of a second to load).
 * Pure: the font's bytes in, a yes/no per code point out.
 *
 * The subtable is chosen as fontkit chooses it (full Unicode repertoire first, then the Basic
 * Multilingual Plane), so that a character the letters cannot draw is the one said here. Formats
 * 4 and 12 are read (every Unicode font has one of them); for another, or a damaged table, the
 * coverage is unknown and the letters keep the last word.
 */
export type Coverage = (codePoint: number) => boolean;

const CMAP = 0x636d6170;
/** fontkit's order (CmapProcessor.findSubtable): [platform, encoding]. */
const PREFERENCE: Array<[number, number]> = [
  [3, 10],
  [0, 6],
  [0, 4],
  [3, 1],
  [0, 3],
  [0, 2],
  [0, 1],
  [0, 0],
];

export function fontCoverage(font: Uint8Array): Coverage | undefined {
  try {
    const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
    const tables = view.getUint16(4);
    let cmap = -1;
    for (let i = 0; i < tables; i++) {
      if (view.getUint32(12 + 16 * i) === CMAP) cmap = view.getUint32(12 + 16 * i + 8);
    }
    if (cmap < 0) return undefined;
    const subtables = new Map<string, number>();
    const count = view.getUint16(cmap + 2);
    for (let i = 0; i < count; i++) {
      const at = cmap + 4 + 8 * i;
      const key = `${view.getUint16(at)},${view.getUint16(at + 2)}`;
      if (!subtables.has(key)) subtables.set(key, cmap + view.getUint32(at + 4));
    }
    for (const [platform, encoding] of PREFERENCE) {
      const offset = subtables.get(`${platform},${encoding}`);
      if (offset === undefined) continue;
      const format = view.getUint16(offset);
      if (format === 12) return format12(view, offset);
      if (format === 4) return format4(view, offset);
      return undefined;
    }
    return undefined;
  } catch {
    // A table that points outside the file: the font engine will say it, not this reader.
    return undefined;
  }
}

/** Segmented coverage: groups of consecutive code points mapped to consecutive glyphs. */
function format12(view: DataView, offset: number): Coverage {
  const groups = view.getUint32(offset + 12);
  const starts = new Uint32Array(groups);
  const ends = new Uint32Array(groups);
  const glyphs = new Uint32Array(groups);
  for (let g = 0; g < groups; g++) {
    const at = offset + 16 + 12 * g;
    starts[g] = view.getUint32(at);
    ends[g] = view.getUint32(at + 4);
    glyphs[g] = view.getUint32(at + 8);
  }
  return (cp) => {
    let lo = 0;
    let hi = groups - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cp > ends[mid]!) lo = mid + 1;
      else if (cp < starts[mid]!) hi = mid - 1;
      else return glyphs[mid]! + (cp - starts[mid]!) !== 0;
    }
    return false;
  };
}

/** Segment mapping to delta values: the Basic Multilingual Plane only. */
function format4(view: DataView, offset: number): Coverage {
  const segments = view.getUint16(offset + 6) / 2;
  const ends = offset + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  // Read once at each code point asked: a check asks for a few hundred distinct characters.
  return (cp) => {
    if (cp > 0xffff) return false;
    for (let s = 0; s < segments; s++) {
      if (view.getUint16(ends + 2 * s) < cp) continue;
      const start = view.getUint16(starts + 2 * s);
      if (start > cp) return false;
      const delta = view.getUint16(deltas + 2 * s);
      const range = view.getUint16(rangeOffsets + 2 * s);
      if (range === 0) return ((cp + delta) & 0xffff) !== 0;
      const glyph = view.getUint16(rangeOffsets + 2 * s + range + 2 * (cp - start));
      return glyph !== 0 && ((glyph + delta) & 0xffff) !== 0;
    }
    return false;
  };
}

/** Spaces and control characters are never asked: a font without U+202F still spaces the words. */
const IGNORED = /[\s\u0000-\u001f]/u;

/** Printable ASCII and the space, nothing else: a line the ASCII fast path may pass over. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Collects the distinct characters of the texts it is given and tells which of them one of the
 * fonts cannot draw. A bitmap of the Basic Multilingual Plane. When both fonts draw every
 * printable ASCII character (every font of a letter does), a text of printable ASCII alone cannot
 * hold a character they miss: it is passed over after one regular-expression test, which is what
 * most of a national campaign's 35,000 address blocks are (they are in capitals without accents).
 */
export class CharacterScan {
  private readonly seen = new Uint8Array(0x10000);
  private readonly astral = new Set<number>();
  private readonly missing: number[] = [];
  private readonly asciiDrawable: boolean;

  constructor(private readonly fonts: Coverage[]) {
    let drawable = true;
    for (let cp = 0x21; cp < 0x7f && drawable; cp++) drawable = fonts.every((covers) => covers(cp));
    this.asciiDrawable = drawable;
  }

  add(text: string): void {
    if (this.asciiDrawable && PRINTABLE_ASCII.test(text)) return;
    const { seen } = this;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        const cp = text.codePointAt(i)!;
        if (cp > 0xffff) {
          i++;
          if (!this.astral.has(cp)) {
            this.astral.add(cp);
            this.ask(cp);
          }
          continue;
        }
      }
      if (seen[c] === 0) {
        seen[c] = 1;
        // A lone surrogate is no character: nothing to draw.
        if (c < 0xd800 || c > 0xdfff) this.ask(c);
      }
    }
  }

  /** The characters found that one of the fonts cannot draw, by code point. */
  undrawable(): string[] {
    return [...this.missing].sort((a, b) => a - b).map((cp) => String.fromCodePoint(cp));
  }

  private ask(cp: number): void {
    const ch = String.fromCodePoint(cp);
    if (!IGNORED.test(ch) && this.fonts.some((covers) => !covers(cp))) this.missing.push(cp);
  }
}

/** The distinct characters of `texts` that one of the fonts cannot draw, by code point. */
export function undrawableCharacters(texts: Iterable<string>, fonts: Coverage[]): string[] {
  const scan = new CharacterScan(fonts);
  for (const text of texts) scan.add(text);
  return scan.undrawable();
}

/** « 中 » (U+4E2D): how a character is named to the user. */
export function characterName(ch: string): string {
  return `« ${ch} » (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
}
