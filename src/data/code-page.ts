/**
 * Which code page a French file not in UTF-8 is in. Excel for Mac saves its plain « CSV » (not
 * « CSV UTF-8 ») in Mac Roman, Excel for Windows in Windows-1252: the same bytes are other letters
 * (é is 8E in one, E9 in the other, where the first has È), and read in the wrong one a mayor
 * « Jérôme » is printed « JŽr™me », « CRÉTEIL » « CR…TEIL ».
 *
 * Mac Roman is considered only when the bytes hold one of its French letters that a French
 * Windows-1252 file never holds (0x8E é, 0x8F è, 0x88 à, 0x8D ç, 0x90 ê, 0x9D ù, 0x99 ô, 0x83 É,
 * 0x82 Ç: there Windows-1252 has Ž, ˆ, ƒ, ‚, ™ or no character at all); a Windows-1252 file is
 * never read as Mac Roman for a « € », a « … » or a « Dušan ». Then the sample is read both ways and the reading
 * that looks like French wins — accented letters where letters are, in the case of their
 * neighbours — against signs French never holds, punctuation inside a word (« CR…TEIL »), a
 * capital after a small letter (« OrlÈans », « ComitÈ ») or a small one between capitals
 * (« HïTEL »). Ties go to Windows-1252, the French Excel's.
 */
const MAC_ONLY_FRENCH = new Uint8Array(256);
for (const b of [0x8e, 0x8f, 0x88, 0x8d, 0x90, 0x9d, 0x99, 0x83, 0x82]) MAC_ONLY_FRENCH[b] = 1;

const FRENCH_SMALL = 'àâçéèêëîïôùûüÿœæ';
const FRENCH_CAPITAL = 'ÀÂÇÉÈÊËÎÏÔÙÛÜŸŒÆ';
/**
 * Non-ASCII signs French files hold: no evidence either way, except inside a word; the apostrophe
 * and the middle dot (« l’élu », « soignant·e ») belong there too.
 */
const FRENCH_SIGNS = '’‘“”«»…–—€°•‰\u00a0\u202f·²';
const IN_WORDS = '’·';
const isAsciiLetter = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isSmall = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || FRENCH_SMALL.includes(c));
const isCapital = (c: string | undefined) => c !== undefined && ((c >= 'A' && c <= 'Z') || FRENCH_CAPITAL.includes(c));

/** How much a decoded sample looks like French text: + for each well-placed accented letter, − for each impossible character. */
function frenchScore(text: string): number {
  let score = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c.charCodeAt(0) < 0x80) continue;
    const before = text[i - 1];
    const after = text[i + 1];
    if (FRENCH_SMALL.includes(c)) score += isCapital(before) && isCapital(after) ? -2 : 1;
    else if (FRENCH_CAPITAL.includes(c)) score += isSmall(before) ? -2 : 1;
    else if (FRENCH_SIGNS.includes(c)) score += !IN_WORDS.includes(c) && isAsciiLetter(before) && isAsciiLetter(after) ? -2 : 0;
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
  if (!sample.some((b) => MAC_ONLY_FRENCH[b] === 1)) return false;
  return frenchScore(decodeWhole('macintosh', sample)) > frenchScore(decodeWhole('windows-1252', sample));
}
