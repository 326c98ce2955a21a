import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import { RelaisError, systemReason } from '../errors.js';
import { fontNames, fontSources, type FontChoice, type FontStyle } from './font-files.js';

/**
 * The letter's fonts. relais ships Source Sans 3 (SIL Open Font License) from npm: a free family
 * with every glyph a French letter needs, U+202F included (pdfkit's built-in Helvetica cannot
 * encode it). Marianne, the State font, is not free and is never shipped; a State service that may
 * use it points `polices:` in campagne.yaml at its own TTF/OTF files.
 */
export interface FontFiles {
  regular: Buffer;
  bold: Buffer;
  italic: Buffer;
  /** For the report and the manifest: where each came from. */
  names: { regular: string; bold: string; italic: string };
}

/** Characters every letter needs: a font without them would print boxes. */
const REQUIRED = 'AaÉéèêàçôÔËœ€«»’\u202f\u00a0';

function loadFont(path: string, shown: string, field: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RelaisError(`police introuvable : ${shown}`, { file: 'campagne.yaml', field });
    throw new RelaisError(`police illisible : ${shown} (${systemReason(err) ?? code})`, { file: 'campagne.yaml', field }, { cause: err });
  }
  let font: fontkit.Font;
  try {
    const opened = fontkit.create(data);
    if ('fonts' in opened) throw new Error('collection');
    font = opened as fontkit.Font;
  } catch {
    throw new RelaisError(`${shown} n'est pas une police TrueType ou OpenType lisible (TTF/OTF attendu ; les WOFF/WOFF2 ne conviennent pas)`, { file: 'campagne.yaml', field });
  }
  // fontkit reads tables lazily: a file cut short opens, then fails in the middle of the letters.
  const tables = Object.values((font as unknown as { directory?: { tables?: Record<string, { offset: number; length: number }> } }).directory?.tables ?? {});
  if (tables.some((t) => t.offset + t.length > data.length)) {
    throw new RelaisError(`${shown} : police tronquée (fichier incomplet)`, { file: 'campagne.yaml', field });
  }
  try {
    // Drawing the letter's own characters reads their outlines, as pdfkit will.
    for (const glyph of font.glyphsForString(REQUIRED)) void glyph.path.toSVG();
  } catch {
    throw new RelaisError(`${shown} : police abîmée (les dessins de certains caractères sont illisibles)`, { file: 'campagne.yaml', field });
  }
  const missing = [...REQUIRED].filter((c) => !font.hasGlyphForCodePoint(c.codePointAt(0)!));
  if (missing.length > 0) {
    throw new RelaisError(`la police ${shown} n'a pas les caractères ${missing.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(', ')}`, { file: 'campagne.yaml', field });
  }
  return data;
}

export function loadFonts(custom: FontChoice = {}): FontFiles {
  const sources = fontSources(custom);
  const load = (style: FontStyle, field: string) => loadFont(sources[style].path, sources[style].shown, field);
  return {
    regular: load('regular', 'polices.normale'),
    bold: load('bold', 'polices.grasse'),
    italic: load('italic', 'polices.italique'),
    names: fontNames(sources),
  };
}
