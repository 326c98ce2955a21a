import { result, type ChannelProblem, type ChannelResult } from './types.js';

/**
 * SMS length per GSM 03.38. The 7-bit default alphabet holds 160 characters in one message and
 * 153 per part once concatenated (the user-data header takes 7); the extension characters cost
 * two septets and are never split across parts. One character outside it switches the whole
 * message to UCS-2: 70 UTF-16 units alone, 67 per part, surrogate pairs never split.
 */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export const SMS_SINGLE = { 'GSM-7': 160, 'UCS-2': 70 } as const;
export const SMS_PART = { 'GSM-7': 153, 'UCS-2': 67 } as const;
/** Beyond this, phones and SMS gateways start to refuse or mangle the message. */
export const SMS_MAX_PARTS = 6;

export function isGsm7(ch: string): boolean {
  return GSM_BASIC.has(ch) || GSM_EXTENSION.has(ch);
}

/** Characters that force UCS-2, each once, in order of appearance. */
export function nonGsmCharacters(text: string): string[] {
  return [...new Set([...text].filter((ch) => !isGsm7(ch)))];
}

/** Packs units into parts without splitting an escape pair or a surrogate pair. */
function countParts(units: number[], single: number, part: number): number {
  const total = units.reduce((a, b) => a + b, 0);
  if (total <= single) return total === 0 ? 0 : 1;
  let parts = 1;
  let used = 0;
  for (const u of units) {
    if (used + u > part) {
      parts++;
      used = 0;
    }
    used += u;
  }
  return parts;
}

export interface SmsCount {
  encoding: 'GSM-7' | 'UCS-2';
  length: number;
  parts: number;
}

export function countSms(text: string): SmsCount {
  const chars = [...text];
  if (chars.every(isGsm7)) {
    const units = chars.map((ch) => (GSM_EXTENSION.has(ch) ? 2 : 1));
    return { encoding: 'GSM-7', length: units.reduce((a, b) => a + b, 0), parts: countParts(units, SMS_SINGLE['GSM-7'], SMS_PART['GSM-7']) };
  }
  const units = chars.map((ch) => ch.length);
  return { encoding: 'UCS-2', length: text.length, parts: countParts(units, SMS_SINGLE['UCS-2'], SMS_PART['UCS-2']) };
}

/** Common typographic characters and French letters outside GSM-7, with their closest GSM-7 form. */
const GSM_REPLACEMENTS: Record<string, string> = {
  '’': "'", '‘': "'", '‚': "'", '′': "'", '“': '"', '”': '"', '„': '"', '«': '"', '»': '"', '″': '"',
  '–': '-', '—': '-', '‐': '-', '‑': '-', '−': '-', '…': '...', '•': '-', '·': '.',
  '\u00a0': ' ', '\u202f': ' ', '\u2009': ' ', '\u2007': ' ', '\t': ' ',
  ê: 'e', ë: 'e', â: 'a', î: 'i', ï: 'i', ô: 'o', û: 'u', ç: 'c', œ: 'oe', ÿ: 'y', á: 'a', í: 'i', ó: 'o', ú: 'u',
  Ê: 'E', Ë: 'E', Â: 'A', Î: 'I', Ï: 'I', Ô: 'O', Û: 'U', È: 'E', À: 'A', Ù: 'U', Œ: 'OE',
};

/** The GSM-7 version of a text, or undefined when some character has no GSM-7 equivalent (emoji). */
export function toGsm7(text: string): string | undefined {
  let out = '';
  for (const ch of text) {
    if (isGsm7(ch)) out += ch;
    else if (GSM_REPLACEMENTS[ch] !== undefined) out += GSM_REPLACEMENTS[ch];
    else return undefined;
  }
  return out;
}

const EMOJI = /\p{Extended_Pictographic}/u;

export function checkSms(text: string): ChannelResult {
  const count = countSms(text);
  const problems: ChannelProblem[] = [];
  if (text.trim() === '') problems.push({ severity: 'error', message: 'SMS vide' });
  const emoji = [...text].filter((ch) => EMOJI.test(ch));
  if (emoji.length > 0) {
    problems.push({
      severity: 'error',
      message: `émoji dans un SMS (${[...new Set(emoji)].join(' ')}) : le message passe en UCS-2 (70 caractères par SMS) et beaucoup de téléphones et de services d'alerte ne l'affichent pas`,
    });
  }
  let suggestion: ChannelResult['suggestion'];
  if (count.encoding === 'UCS-2' && emoji.length === 0) {
    const others = nonGsmCharacters(text);
    const gsm = toGsm7(text);
    if (gsm !== undefined) {
      const c = countSms(gsm);
      suggestion = { text: gsm, length: c.length, parts: c.parts };
    }
    problems.push({
      severity: 'warning',
      // What the switch costs here: more parts when it does, else the room left in each.
      message: `caractères hors de l'alphabet GSM (${others.map((c) => `« ${c} »`).join(' ')}) : le SMS passe en UCS-2, ${suggestion && suggestion.parts < count.parts ? `${count.parts} SMS au lieu de ${suggestion.parts}` : count.parts > 1 ? `67 caractères par partie au lieu de 153 (${count.parts} SMS ici)` : `70 caractères par SMS au lieu de 160 (${count.parts} SMS ici)`}`,
    });
  }
  if (count.parts > SMS_MAX_PARTS) {
    problems.push({ severity: 'warning', message: `${count.parts} SMS : au-delà de ${SMS_MAX_PARTS}, beaucoup d'opérateurs refusent ou coupent le message` });
  }
  return result('sms', count.length, SMS_SINGLE[count.encoding], problems, {
    encoding: count.encoding,
    parts: count.parts,
    ...(suggestion ? { suggestion } : {}),
  });
}
