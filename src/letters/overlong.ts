/**
 * Where a word wider than the line itself may break — a long address in an annex message, ragged
 * text copied as written: printed whole it would run off the paper. No hyphen is added, and no
 * line ends with a dash (text extraction reads a line ending with « - » as a hyphenated word and
 * drops it): a cut comes after « / » or before « - . _ ? & = # », the address's own joints, and,
 * where a stretch between two joints is still too wide, greedily at the last character boundary
 * that fits. The letter's justified body passes its own joints (an address's usual breaks). Widths are the sum of each character's advance: a long word is not shaped slice by
 * slice (a 10,000-character address made thousands of slices, each kept by the font's cache).
 */
const graphemes = new Intl.Segmenter('fr', { granularity: 'grapheme' });
const JOINTS = '-._?&=#';
const DASHES = '-\u2010\u2011\u00ad';

export interface OverlongCuts {
  /** Offsets of the cuts, in order. */
  at: number[];
  /** Width of the text before each cut. */
  before: number[];
}

/** The annex's joints: after « / », before « - . _ ? & = # ». */
export const ANNEX_JOINT = (text: string, i: number): boolean => (text[i - 1] === '/' && text[i] !== '/') || JOINTS.includes(text[i]!);

export function overlongCuts(text: string, measure: (t: string) => number, width: number, joint: (text: string, i: number) => boolean = ANNEX_JOINT): OverlongCuts {
  // Character boundaries (between graphemes: an accent or an emoji is never split) and the width before each.
  const bounds: number[] = [];
  const x: number[] = [];
  let acc = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    if (index > 0) {
      bounds.push(index);
      x.push(acc);
    }
    acc += measure(segment);
  }
  const allowed = (i: number) => !DASHES.includes(text[i - 1]!);
  const chosen: number[] = [];
  let lastCut = 0;
  let lastAllowed = -1;
  const cut = (k: number) => {
    chosen.push(k);
    lastCut = x[k]!;
    lastAllowed = -1;
  };
  for (let k = 0; k < bounds.length; k++) {
    const b = bounds[k]!;
    if (x[k]! - lastCut > width && lastAllowed >= 0) cut(lastAllowed);
    if (!allowed(b)) continue;
    if (joint(text, b)) cut(k);
    else lastAllowed = k;
  }
  if (acc - lastCut > width && lastAllowed >= 0) cut(lastAllowed);
  return { at: chosen.map((k) => bounds[k]!), before: chosen.map((k) => x[k]!) };
}
