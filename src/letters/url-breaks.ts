/**
 * Where a web address printed in a letter's justified text may break (linebreak.ts): at its usual
 * joints, never with a hyphen, which would read as part of the address. Kept apart from the
 * breaking itself: what an address is, and where it breaks, is a rule of its own.
 */

/** A printed address ("(www.exemple.fr/page)"): the only words cut at a slash. */
const ADDRESS_LIKE = /[\p{L}\d-]\.[a-z]{2,}\//iu;
/** An address, with or without a path: the only words of justified text cut where they do not fit. */
export const isAddress = (text: string): boolean => ADDRESS_LIKE.test(text) || /^[(«\s]*(?:https?:\/\/|www\.)/iu.test(text);

/** An address's usual breaks: after a single « / », before « ? & = # » (the query string's joints). */
const URL_JOINTS = '?&=#';
export const urlJoint = (text: string, i: number): boolean => (text[i - 1] === '/' ? text[i - 2] !== '/' && text[i] !== '/' : URL_JOINTS.includes(text[i]!));

/**
 * Where a printed address may break: at its joints (urlJoint), at least 4 characters on each side,
 * and without a hyphen (a hyphen would read as part of the address). A long address otherwise
 * leaves the lines above it gaping.
 */
export function addressBreaks(text: string): number[] {
  if (!text.includes('/') || !ADDRESS_LIKE.test(text)) return [];
  const out: number[] = [];
  for (let i = 4; i <= text.length - 4; i++) if (urlJoint(text, i)) out.push(i);
  return out;
}
