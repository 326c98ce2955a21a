/**
 * Which code page a French file not in UTF-8 is in. Excel for Mac saves its plain « CSV » (not
 * « CSV UTF-8 ») in Mac Roman, Excel for Windows in Windows-1252, and its « CSV (MS-DOS) » in
 * code page 850: the same bytes are other letters (é is 8E in one, E9 in another, 82 in the
 * third), and read in the wrong one a mayor « Jérôme » is printed « JŽr™me », « CRÉTEIL »
 * « CR…TEIL », « Hôtel de Ville » « HìTEL ».
 *
 * The sample is read each way and the reading that looks like French wins: each accented letter
 * counts for it, in the case of its neighbours; against it count a sign French never writes (Ž,
 * ƒ, ™, ‰ inside a word, controls), punctuation inside a word (« CR…TEIL ») or glued before one
 * (« …vry »), a capital after a small letter (« ComitÈ »), between a capital and a small one
 * (« MÇdecin ») or standing alone (« Ç ouvert È », only
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
    // Æ and æ, rare in French (« ex æquo », « Lætitia »), are what code page 850 makes of Windows's
    // apostrophe (92): after a lone letter (« LÆIsle-Adam », « dÆun »), an elision read wrong.
    if (c === 'Æ' || c === 'æ') {
      if (isLetter(before) && !isLetter(text[i - 2])) score -= 2;
      continue;
    }
    if (FRENCH_SMALL.includes(c)) score += isCapital(after) ? -2 : 1;
    // A capital between a capital and a small letter (« MÇdecin ») begins no word and ends none.
    else if (FRENCH_CAPITAL.includes(c)) score += isSmall(before) || (isCapital(before) && isSmall(after)) || (c !== 'À' && !isLetter(before) && !isLetter(after)) ? -2 : 1;
    else if (FRENCH_SIGNS.includes(c)) score += (!IN_WORDS.includes(c) && isAsciiLetter(before) && isAsciiLetter(after)) || (CLOSING.includes(c) && isLetter(after)) ? -2 : 0;
    else score -= 2;
  }
  return score;
}

/**
 * Code page 850, the OEM code page of Western European DOS and Windows consoles: what French
 * Excel's « CSV (MS-DOS) » writes, and what DOS-era applications still export (é is 82, ô 93,
 * É 90). Not among the WHATWG encodings Node decodes: its upper half is given here.
 */
const CP850_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';
const CP850 = Uint16Array.from({ length: 256 }, (_, b) => (b < 0x80 ? b : CP850_HIGH.charCodeAt(b - 0x80)));

/** What the readers need of a decoder: TextDecoder's decode. */
export interface Decoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

/** A decoder for `name`: Node's own, or code page 850's (single-byte: nothing carried between calls). */
export function textDecoder(name: string, options?: { fatal?: boolean }): Decoder {
  if (name !== 'ibm850') return new TextDecoder(name, options);
  return {
    decode(input?: Uint8Array): string {
      if (!input || input.length === 0) return '';
      const codes = new Uint16Array(input.length);
      for (let i = 0; i < input.length; i++) codes[i] = CP850[input[i]!]!;
      return Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength).toString('utf16le');
    },
  };
}

/** Decodes bytes whole. Node 20 decodes Windows-1252's 0x80–0x9F (’ € œ…) as Latin-1 controls in a one-call decode; a streaming one reads them right. */
export function decodeWhole(decoder: string, bytes: Uint8Array): string {
  const d = textDecoder(decoder);
  return d.decode(bytes, { stream: true }) + d.decode();
}

/** The code pages a French file not in UTF-8 may be in, in the order a tie goes. */
export const CODE_PAGES = ['windows-1252', 'macintosh', 'ibm850'] as const;
export type CodePage = (typeof CODE_PAGES)[number];

/**
 * The code page whose reading of the sample looks most like French; a tie goes to the first of
 * CODE_PAGES (Windows-1252, the French Excel's). `doubt`: the runner-up, when it is within a
 * letter of the winner (a single « à » or « … » tells them apart): the guess is then said, never
 * made silently.
 */
export function codePageGuess(sample: Uint8Array): { page: CodePage; doubt?: CodePage } {
  const scored = CODE_PAGES.map((page) => ({ page, score: frenchScore(decodeWhole(page, sample)) }));
  // Stable: on a tie the earlier page stays ahead.
  scored.sort((a, b) => b.score - a.score);
  const [best, second] = scored as [{ page: CodePage; score: number }, { page: CodePage; score: number }];
  return best.score - second.score < 2 ? { page: best.page, doubt: second.page } : { page: best.page };
}

export function codePageOf(sample: Uint8Array): CodePage {
  return codePageGuess(sample).page;
}

export function isMacRoman(sample: Uint8Array): boolean {
  return codePageOf(sample) === 'macintosh';
}
