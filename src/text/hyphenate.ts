import fr from 'hyphen/fr/index.js';

/**
 * French hyphenation points of a single word, from the TeX French patterns shipped by the `hyphen`
 * package (Liang's algorithm). Pure and memoised: the same few hundred words come back in every
 * letter, and a pattern walk costs far more than a map look-up.
 *
 * Only plain lowercase words are hyphenated. Capitalised names, numbers, URLs, e-mail addresses
 * and words that already hold a hyphen return no point: cutting a proper name reads badly, and a
 * line break at an existing hyphen is read back by text extraction as a word without its hyphen
 * ("Inscrivez-/vous" → "Inscrivezvous").
 */

/** Words shorter than this (in letters) are never cut. */
export const MIN_WORD = 6;
/** Letters kept before a cut and carried to the next line (French usage: 2 and 3). */
export const MIN_LEFT = 2;
export const MIN_RIGHT = 3;

/** An elided article or pronoun in front of the word ("l'", "qu’", "jusqu'"): kept, never cut. */
const ELISION = /^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]/iu;
/** The part that may be cut: lowercase letters only (accents and ligatures included). */
const LOWER_WORD = /^\p{Ll}+$/u;
/** Punctuation glued after the word ("besoin.", "sociaux),"). */
const TRAILING = /[^\p{L}]+$/u;
const SOFT = '\u00ad';

const cache = new Map<string, readonly number[]>();
const NONE: readonly number[] = Object.freeze([]);
const CACHE_LIMIT = 50_000;

/**
 * Offsets (in UTF-16 units of `word`) where the word may be cut, a hyphen being added at the end
 * of the first part: "inscription" → [3, 7] (ins-crip-tion). Empty when the word must stay whole.
 */
export function hyphenationPoints(word: string): readonly number[] {
  let points = cache.get(word);
  if (points === undefined) {
    points = compute(word);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(word, points);
  }
  return points;
}

function compute(word: string): readonly number[] {
  if (word.length < MIN_WORD) return NONE;
  const prefix = ELISION.exec(word)?.[0] ?? '';
  const trailing = TRAILING.exec(word.slice(prefix.length))?.[0] ?? '';
  const core = word.slice(prefix.length, word.length - trailing.length);
  if (core.length < MIN_WORD || !LOWER_WORD.test(core)) return NONE;
  const parts = fr.hyphenateSync(core, { hyphenChar: SOFT, minWordLength: MIN_WORD }).split(SOFT);
  if (parts.join('') !== core) return NONE; // the library normalised something: do not guess
  const out: number[] = [];
  let at = 0;
  for (const part of parts.slice(0, -1)) {
    at += part.length;
    if (at >= MIN_LEFT && core.length - at >= MIN_RIGHT) out.push(prefix.length + at);
  }
  return out.length ? Object.freeze(out) : NONE;
}

/** "ins-crip-tion": the word with its points shown, for tests and diagnostics. */
export function showHyphenation(word: string, mark = '-'): string {
  let out = '';
  let last = 0;
  for (const p of hyphenationPoints(word)) {
    out += word.slice(last, p) + mark;
    last = p;
  }
  return out + word.slice(last);
}
