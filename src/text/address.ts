import { withDe } from './french.js';
import { postalWords, upper } from './postal-text.js';

/**
 * Postal address block for a town hall, per NF Z10-011 (the French standard La Poste applies):
 * at most 6 lines of at most 38 characters, no empty line, capitals, and a last line
 * "CODE POSTAL LOCALITÉ" without accents or punctuation.
 *
 * Documented rule for names that are too long, applied in this order until the line fits:
 * 1. "MAIRIE DE <NOM>" with the right contraction (MAIRIE D'ORLEANS, MAIRIE DU MANS);
 * 2. the abbreviations La Poste itself uses: SAINT → ST, SAINTE → STE, SAINTS → STS,
 *    SAINTES → STES;
 * 3. "MAIRIE" alone on line 1 and the (abbreviated) name on line 2;
 * 4. a name still longer than 38 characters: "MAIRIE DE <NOM>" broken at its spaces and after its
 *    hyphens onto as many lines as it needs (a part longer than 38 characters is cut, with a
 *    warning). Its lines are the last the block gives up: cut, with a warning, only when the
 *    postal line and the first lines of the street and distribution mention leave no room.
 * The last line is abbreviated the same way, then its locality cut at 38 characters, as La Poste
 * cuts its own routing labels (the postal code is what routes the letter).
 * If the block still has more than 6 lines, the two complement lines are joined, then the
 * function line (MADAME LA MAIRE) is dropped: the salutation of the letter carries it anyway.
 * A complement, street or distribution line over 38 characters is wrapped at a space (a word
 * longer than a line is cut), with a warning: printed whole, it would run out of the envelope's
 * window. A block that still has more than 6 lines leaves out, and names in a warning, the lines
 * NF Z10-011 ranks lowest: the complements first (the first, line 2, then the second, line 3),
 * then the continuation lines of a wrapped street or distribution mention. The organisation, the
 * first line of the street and of the distribution mention (BP, CS, TSA, lieu-dit: what a CEDEX
 * address is delivered by) and the postal line always stay (see `leaveOut`).
 */
export const MAX_LINES = 6;
export const MAX_LINE_LENGTH = 38;

export interface TownHallAddressInput {
  communeName: string;
  typeLiaison: number;
  /** Sex code of the mayor from the RNE, if a mayor is known. */
  mayorSex?: 'F' | 'M' | undefined;
  complement1?: string | undefined;
  complement2?: string | undefined;
  street?: string | undefined;
  /** Special distribution mention: BP, TSA, lieu-dit. */
  distribution?: string | undefined;
  postalCode: string;
  /** Locality of the last line; may carry CEDEX. Defaults to the commune name. */
  locality?: string | undefined;
}

export interface AddressBlock {
  lines: string[];
  /** French warnings, e.g. a line that could not be brought under 38 characters. */
  warnings: string[];
}

const ABBREVIATIONS: Array<[RegExp, string]> = [
  [/\bSAINTES\b/g, 'STES'],
  [/\bSAINTS\b/g, 'STS'],
  [/\bSAINTE\b/g, 'STE'],
  [/\bSAINT\b/g, 'ST'],
];

function abbreviate(text: string): string {
  // Every abbreviation is of a word starting SAINT: a line without it is left as it is.
  if (!text.includes('SAINT')) return text;
  return ABBREVIATIONS.reduce((s, [re, short]) => s.replace(re, short), text);
}

function fit(text: string): string {
  return text.length <= MAX_LINE_LENGTH ? text : abbreviate(text);
}

/** Last line: no punctuation at all (hyphens and apostrophes become spaces), as La Poste prints it. */
export function lastLine(postalCode: string, locality: string): string {
  const place = postalWords(upper(locality));
  // La Poste's own routing labels (base Hexasmal) are cut the same way: the postal code routes.
  return fit(`${postalCode.trim()} ${place}`).slice(0, MAX_LINE_LENGTH).trimEnd();
}

export function functionLine(sex: 'F' | 'M' | undefined): string {
  if (sex === 'F') return 'MADAME LA MAIRE';
  if (sex === 'M') return 'MONSIEUR LE MAIRE';
  return 'MADAME OU MONSIEUR LE MAIRE';
}

/** Splits a line at spaces into lines of at most 38 characters; a longer word is cut. */
export function wrapAddressLine(text: string): string[] {
  return text.length <= MAX_LINE_LENGTH ? [text] : wrapLine(text, false).lines;
}

/**
 * A line over 38 characters, broken at its spaces (dropped) and, with `afterHyphen` (a name, which
 * breaks itself there), after its hyphens (kept at the end of the line, as in a dictionary). A part
 * longer than a line is cut there, and said (`cut`).
 */
function wrapLine(text: string, afterHyphen: boolean): { lines: string[]; cut: boolean } {
  const lines: string[] = [];
  let current = '';
  let cut = false;
  for (const word of text.split(' ')) {
    for (const [i, part] of (afterHyphen ? (word.match(/[^-]*-+|[^-]+/g) ?? []) : [word]).entries()) {
      const joiner = i === 0 && current ? ' ' : '';
      if (current.length + joiner.length + part.length <= MAX_LINE_LENGTH) {
        current += joiner + part;
        continue;
      }
      if (current) lines.push(current);
      let rest = part;
      while (rest.length > MAX_LINE_LENGTH) {
        cut = true;
        lines.push(rest.slice(0, MAX_LINE_LENGTH));
        rest = rest.slice(MAX_LINE_LENGTH);
      }
      current = rest;
    }
  }
  if (current) lines.push(current);
  return { lines, cut };
}

/** A quoted line in a warning: the start of it, whatever the data holds. */
const quoted = (line: string) => `« ${line.length > 60 ? `${line.slice(0, 60)}…` : line} »`;

/** A complement, street or distribution line, in capitals, wrapped at 38 characters into `lines`: how many lines it took. */
function pushWrapped(lines: string[], line: string | undefined, warnings: string[]): number {
  if (!line) return 0;
  const text = upper(line);
  if (!text) return 0;
  if (text.length <= MAX_LINE_LENGTH) {
    lines.push(text);
    return 1;
  }
  const wrapped = wrapAddressLine(text);
  if (wrapped.length > 1) warnings.push(`ligne d'adresse de plus de ${MAX_LINE_LENGTH} caractères (${text.length}) : ${quoted(text)} répartie sur ${wrapped.length} lignes`);
  for (const w of wrapped) lines.push(w);
  return wrapped.length;
}

export function townHallAddress(input: TownHallAddressInput): AddressBlock {
  const warnings: string[] = [];
  // Built in one array, in order (a national join builds 35,000 blocks); a block over 6 lines,
  // rare, is taken apart and assembled again below.
  let lines: string[] = [];
  const full = fit(`MAIRIE ${upper(withDe(input.communeName, input.typeLiaison))}`);
  if (full.length <= MAX_LINE_LENGTH) {
    lines.push(full);
  } else {
    const nameLine = abbreviate(upper(input.communeName));
    if (nameLine.length <= MAX_LINE_LENGTH) lines.push('MAIRIE', nameLine);
    else {
      // The name has to be broken anyway: "MAIRIE DE" heads its first line, which takes no more
      // lines than MAIRIE alone above the name, and the name is broken where it breaks itself.
      const wrapped = wrapLine(full, true);
      if (wrapped.cut) warnings.push(`nom de commune trop long pour une ligne d'adresse (${nameLine.length} caractères) : mot coupé à ${MAX_LINE_LENGTH}`);
      for (const line of wrapped.lines) lines.push(line);
    }
  }
  const organisation = lines.length;
  const person = functionLine(input.mayorSex);
  lines.push(person);
  const c1Count = pushWrapped(lines, input.complement1, warnings);
  const c2Count = pushWrapped(lines, input.complement2, warnings);
  const streetCount = pushWrapped(lines, input.street, warnings);
  const distributionCount = pushWrapped(lines, input.distribution, warnings);
  const last = lastLine(input.postalCode, input.locality || input.communeName);
  lines.push(last);
  // A copy of its own length: the array grown by push keeps room for 17 lines, 35,000 times over.
  if (lines.length <= MAX_LINES) return { lines: lines.slice(), warnings };

  // A block over 6 lines, rare, is taken apart and assembled again.
  let at = organisation + 1;
  const take = (count: number) => lines.slice(at, (at += count));
  let head = lines.slice(0, organisation);
  // The organisation is whom the letter is for: it keeps every line the block has, once the
  // postal line and the first line of the street and of the distribution mention have theirs.
  const room = MAX_LINES - 1 - (streetCount > 0 ? 1 : 0) - (distributionCount > 0 ? 1 : 0);
  if (head.length > room) {
    warnings.push(`nom de commune trop long pour le bloc d'adresse (${head.length} lignes) : coupé après ${quoted(head[room - 1]!)}`);
    head = head.slice(0, room);
  }
  const c1 = take(c1Count);
  const c2 = take(c2Count);
  const street = take(streetCount);
  const distribution = take(distributionCount);
  let complements = [...c1, ...c2];
  const assemble = (withPerson: boolean) => [...head, ...(withPerson ? [person] : []), ...complements, ...street, ...distribution, last];
  // Nothing is lost yet: the two complements on one line, then the function line (the salutation
  // of the letter carries it).
  if (c1Count === 1 && c2Count === 1) {
    const joined = `${c1[0]} ${c2[0]}`;
    if (joined.length <= MAX_LINE_LENGTH) {
      complements = [joined];
      const joinedBlock = assemble(true);
      if (joinedBlock.length <= MAX_LINES) return { lines: joinedBlock, warnings };
    }
  }
  const withoutPerson = assemble(false);
  if (withoutPerson.length <= MAX_LINES) return { lines: withoutPerson, warnings };
  return { lines: leaveOut(head, c1, c2, street, distribution, last, warnings), warnings };
}

/**
 * Printed whole, the block would leave the envelope's window: lines are left out, and named, in
 * the reverse of the order NF Z10-011 ranks them. The postal line (6) routes the letter; the
 * distribution line (5: BP, CS, TSA, lieu-dit) is the box or round a CEDEX or rural address is
 * delivered by; the street (4) is the delivery point; the organisation (1) is whom it is for. The
 * complements (2 and 3) are what the standard makes optional, so they go first, and whole (half a
 * complement says nothing true). Line 2 (the recipient's identity or service) goes before line 3
 * (the building, the entrance): once the letter is in the town hall, its own mail room sends it
 * on to the service, and the letter's object and salutation say whom it is for; line 3 still
 * helps the postman find the door. The directory's first complement stands at line 2, its second
 * at line 3, in the order the standard gives them. Only a street or distribution line wrapped over
 * several lines can still leave too many: their continuation lines are cut, the street's first,
 * each keeping its first line.
 */
function leaveOut(head: string[], c1: string[], c2: string[], street: string[], distribution: string[], last: string, warnings: string[]): string[] {
  const total = head.length + c1.length + c2.length + street.length + distribution.length + 1;
  // Named by count and by the first few, however many lines a wrapped megabyte of text made.
  let count = 0;
  const named: string[] = [];
  const omit = (lines: string[], kind: string) => {
    count += lines.length;
    for (const line of lines.slice(0, 3)) named.push(`${quoted(line)} (${kind})`);
  };
  let over = total - MAX_LINES;
  const complements: string[] = [];
  for (const complement of [c1, c2]) {
    if (over > 0) {
      omit(complement, 'complément');
      over -= complement.length;
    } else complements.push(...complement);
  }
  // What the street and distribution lines may fill: the distribution's lines first, the street
  // keeping at least its first one.
  const room = MAX_LINES - head.length - complements.length - 1;
  const distributionKept = Math.min(distribution.length, street.length > 0 ? room - 1 : room);
  const streetKept = Math.min(street.length, room - distributionKept);
  omit(street.slice(streetKept), 'suite de la voie');
  omit(distribution.slice(distributionKept), 'suite de la distribution');
  warnings.push(`adresse de ${total} lignes : la norme en permet ${MAX_LINES} ; ${count > 1 ? `${count} lignes omises` : 'ligne omise'} : ${named.slice(0, 3).join(', ')}${count > 3 ? '…' : ''}`);
  return [...head, ...complements, ...street.slice(0, streetKept), ...distribution.slice(0, distributionKept), last];
}
