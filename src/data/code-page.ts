/**
 * Which code page a French file not in UTF-8 is in. Excel for Mac saves its plain « CSV » (not
 * « CSV UTF-8 ») in Mac Roman, Excel for Windows in Windows-1252: the same bytes are other letters
 * (é is 8E in one, E9 in the other, where the first has È), and read in the wrong one a mayor
 * « Jérôme » is printed « JŽr™me », « CRÉTEIL » « CR…TEIL ».
 *
 * The sample is read both ways and the reading that looks like French wins: each accented letter
 * counts for it, in the case of its neighbours; against it count a sign French never writes (Ž,
 * ƒ, ™, ‰ inside a word, controls), punctuation inside a word (« CR…TEIL ») or glued before one
 * (« …vry »), a capital after a small letter (« ComitÈ ») or standing alone (« Ç ouvert È », only
 * « À » does), a small one before a capital (« HïTEL », « LëLE »). Ties go to Windows-1252, the
 * French Excel's.
 */
const FRENCH_SMALL = 'àâçéèêëîïôùûüÿœæ';
const FRENCH_CAPITAL = 'ÀÂÇÉÈÊËÎÏÔÙÛÜŸŒÆ';
/**
 * Non-ASCII signs French files hold: no evidence either way, except inside a word; the apostrophe
 * and the middle dot (« l’élu », « soignant·e ») belong there too.
 */
const FRENCH_SIGNS = '’‘“”«»…–—€°•‰\u00a0\u202f·²';
const IN_WORDS = '’·';
/** Signs that end something: never glued to the letter after them. */
const CLOSING = '…»”';
const isAsciiLetter = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isSmall = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || FRENCH_SMALL.includes(c));
const isCapital = (c: string | undefined) => c !== undefined && ((c >= 'A' && c <= 'Z') || FRENCH_CAPITAL.includes(c));
const isLetter = (c: string | undefined) => isSmall(c) || isCapital(c);

/** How much a decoded sample looks like French text: + for each well-placed accented letter, − for each impossible character. */
function frenchScore(text: string): number {
  let score = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c.charCodeAt(0) < 0x80) continue;
    const before = text[i - 1];
    const after = text[i + 1];
    if (FRENCH_SMALL.includes(c)) score += isCapital(after) ? -2 : 1;
    else if (FRENCH_CAPITAL.includes(c)) score += isSmall(before) || (c !== 'À' && !isLetter(before) && !isLetter(after)) ? -2 : 1;
    else if (FRENCH_SIGNS.includes(c)) score += (!IN_WORDS.includes(c) && isAsciiLetter(before) && isAsciiLetter(after)) || (CLOSING.includes(c) && isLetter(after)) ? -2 : 0;
    else score -= 2;
  }
  return score;
}

/** Decodes bytes whole. Node 20 decodes Windows-1252's 0x80–0x9F (’ € œ…) as Latin-1 controls in a one-call decode; a streaming one reads them right. */
export function decodeWhole(decoder: string, bytes: Uint8Array): string {
  const d = new TextDecoder(decoder);
  return d.decode(bytes, { stream: true }) + d.decode();
}

export function isMacRoman(sample: Uint8Array): boolean {
  return frenchScore(decodeWhole('macintosh', sample)) > frenchScore(decodeWhole('windows-1252', sample));
}
