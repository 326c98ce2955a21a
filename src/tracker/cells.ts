import { normalizeDepartement, normalizeInsee, type CommuneReference } from '../data/cog.js';
import { repairPostalCode } from '../data/postal-codes.js';
import { looseKey } from '../text/french.js';
import { dayOf } from './aggregate.js';
import { isTimeOfDay, visibleTrimmed } from './bytes.js';
import { timeOffset, type ZoneDays } from './zone.js';

/**
 * What one cell of a sign-up export says, as platforms and offices write it: a withdrawn status, a
 * day, a département, an id Excel spoiled. Pure: the reader (signup-rows.ts) asks, row by row.
 */

/**
 * Statuses that mean the volunteer is no longer signed up, as platforms and offices write them:
 * « désinscrit », « Désinscription », « Annulation », « supprimé », « retiré », « Désistement » —
 * the status's first word, or the word after what is withdrawn (« Inscription annulée », « Compte
 * supprimé », « Candidature retirée »). Compared without case or accents. A status that says the
 * withdrawal did not happen or was undone (« Non retiré », « Inscrit (annulation refusée) »,
 * « Réinscrit après désinscription », « Annulé puis réactivé », « En attente d'annulation ») is
 * not one, nor one whose withdrawal was itself withdrawn (« Désinscription annulée »): the volunteer
 * is counted.
 */
const WITHDRAWN_WORD = /^(?:desinscri|annul|supprim|retir|desist)/;
const WITHDRAWN_WHAT = new Set(['inscription', 'compte', 'candidature', 'profil', 'benevole', 'volontaire']);
const NOT_WITHDRAWN = /(?:^| )(?:non|pas|refus|reinscri|reactiv|restaur|attente|demande)/;

export function isWithdrawn(status: string): boolean {
  const key = looseKey(visibleTrimmed(status));
  if (!key || NOT_WITHDRAWN.test(key)) return false;
  const words = key.split(' ');
  // Two such words undo each other: « Désinscription annulée », « Annulation de la désinscription ».
  if (words.filter((w) => WITHDRAWN_WORD.test(w)).length > 1) return false;
  const [first = '', second = ''] = words;
  return WITHDRAWN_WORD.test(first) || (WITHDRAWN_WHAT.has(first) && WITHDRAWN_WORD.test(second));
}

/**
 * "2020-03-26", "2020-03-26T10:00", "26/03/2020", "26/03/2020 10:00": the day, or undefined — also
 * for a time of day that does not exist (25:00, 23:99): the row's date is broken, not its day.
 * `monthFirst`: a slashed date is month/day/year (« 4/13/2020 », a form set to a US locale), as a
 * column that proves it is read throughout (see date-order.ts); day/month otherwise, French.
 */
export function parseDay(text: string, zone?: ZoneDays, monthFirst = false): number | undefined {
  const t = visibleTrimmed(text);
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](.*))?$/s.exec(t);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else {
    match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: +(.*))?$/s.exec(t);
    if (!match) return undefined;
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (monthFirst) [d, m] = [m, d];
  }
  const time = match[4];
  if (time !== undefined && !isTimeOfDay((i) => time.charCodeAt(i), 0, time.length)) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  const offset = time === undefined || !zone ? undefined : timeOffset(time);
  if (offset !== undefined) {
    // An instant: the day it falls on in the campaign's zone, not the day written in UTC.
    const [, hours, minutes] = /^(\d{1,2})[:hH](\d{2})?/.exec(time!.trim())!;
    return zone!.dayAt(Date.UTC(y, m - 1, d, Number(hours), Number(minutes ?? 0)) - offset * 60_000);
  }
  return dayOf(date.toISOString());
}

/** Département names compared loosely (looseKey, without a leading article): code by name. */
const depNamesByRef = new WeakMap<CommuneReference, Map<string, string>>();

/** Without its article, « St » and « Ste » written out (« Seine-St-Denis » is Seine-Saint-Denis). */
function withoutArticle(key: string): string {
  return key
    .replace(/^(?:le|la|les|l) /, '')
    .replace(/(^| )st(?= |$)/g, '$1saint')
    .replace(/(^| )ste(?= |$)/g, '$1sainte');
}

/** A département's code as written: the Métropole de Lyon's 69M and the Rhône's 69D are the INSEE's 69. */
const depCode = (written: string) => (/^69[md]$/i.test(written) ? '69' : normalizeDepartement(written));

/**
 * The département a département cell names, as forms and offices write it: « 37 »,
 * « 37 - Indre-et-Loire » (a drop-down list's label), « Indre-et-Loire », « Indre et Loire »,
 * « Indre-et-Loire (37) », or a postal code typed in that column (« 37000 ») when all its communes
 * are in one département. A code and a name that disagree (« 37 - Loiret ») name none.
 */
export function departementWritten(ref: CommuneReference, written: string): string | undefined {
  const cell = visibleTrimmed(written);
  if (!cell) return undefined;
  const code = depCode(cell);
  if (ref.departements.has(code)) return code;
  let byName = depNamesByRef.get(ref);
  if (!byName) {
    byName = new Map([...ref.departements.values()].map((d) => [withoutArticle(looseKey(d.nom)), d.code]));
    depNamesByRef.set(ref, byName);
  }
  const key = withoutArticle(looseKey(cell));
  const named = byName.get(key);
  if (named) return named;
  const words = key.split(' ');
  for (const [codeWord, rest] of [
    [words[0]!, words.slice(1)],
    [words[words.length - 1]!, words.slice(0, -1)],
  ] as const) {
    const c = depCode(codeWord);
    if (rest.length === 0 || !ref.departements.has(c)) continue;
    // The name beside the code: the code's own, or words that name no other département (« 69M -
    // Métropole de Lyon »); a code and another département's name (« 37 - Loiret ») name none.
    const other = byName.get(withoutArticle(rest.join(' ')));
    if (other === c || other === undefined) return c;
  }
  if (/^\d{5}$/.test(cell)) {
    const deps = new Set(ref.communesByPostalCode(cell).map((c) => c.departement));
    if (deps.size === 1) return [...deps][0];
  }
  return undefined;
}

/**
 * The département a postal code's first digits name, for a code no commune has (a CEDEX code):
 * two digits, three overseas. Two exceptions, checked against the commune reference:
 * - Corsica's codes begin 200–201 in Corse-du-Sud (20000 Ajaccio) and 202–206 in Haute-Corse
 *   (20200 Bastia); « 20 » itself is no département.
 * - Saint-Barthélemy (977) and Saint-Martin (978) have La Poste's 97133 and 97150: the 977xx and
 *   978xx codes are La Réunion's CEDEX codes (97743 Saint-Denis Cedex 9, the préfecture's).
 */
export function postalPrefix(postalCode: string): string {
  if (postalCode.startsWith('20')) return postalCode[2]! <= '1' ? '2A' : postalCode[2]! <= '6' ? '2B' : '20';
  if (!postalCode.startsWith('97')) return postalCode.slice(0, 2);
  const prefix = postalCode.slice(0, 3);
  return prefix === '977' || prefix === '978' ? '974' : prefix;
}

export function departementOf(ref: CommuneReference, depCell: string, postalCell: string, inseeCell: string): string | undefined {
  return placeOf(ref, depCell, postalCell, inseeCell).departement;
}

/**
 * The département of a sign-up's cells (see departementOf), and, when its postal code gave it
 * after a repair — « 45 000 » written with a space, « 6190 » that lost its zero in a spreadsheet,
 * as the town-hall list repairs them (repairPostalCode) — the code as read, to be said.
 */
export function placeOf(ref: CommuneReference, depCell: string, postalCell: string, inseeCell: string): { departement?: string; postalRepaired?: string } {
  const [dep, written, insee] = [visibleTrimmed(depCell), visibleTrimmed(postalCell), visibleTrimmed(inseeCell)];
  if (dep) {
    const code = departementWritten(ref, dep);
    if (code) return { departement: code };
    // Not a département (« 20 », Corsica before 1976, still typed): the place says which.
  }
  if (insee) {
    const code = normalizeInsee(insee);
    // A municipal arrondissement (75112, as address geocoders give it) is in its commune's département.
    const commune = ref.currentCommune(code) ?? ref.arrondissement(code)?.commune;
    if (commune) return { departement: commune.departement };
  }
  const postalCode = written ? repairPostalCode(written).code : '';
  if (/^\d{5}$/.test(postalCode)) {
    const prefix = postalPrefix(postalCode);
    const communes = ref.communesByPostalCode(postalCode);
    // A post office also serves a few villages across its département's border (52100: Saint-Dizier
    // and two communes of the Marne): the code's first digits name its own département, when some
    // of its communes are there. Saint-Martin's 97150 is not Guadeloupe's: its communes say which.
    const commune = communes.find((c) => c.departement === prefix) ?? communes[0];
    const found = commune?.departement ?? (ref.departements.has(prefix) ? prefix : undefined);
    if (found) return postalCode === written ? { departement: found } : { departement: found, postalRepaired: postalCode };
  }
  return {};
}

/**
 * An id Excel wrote in scientific notation (« 1,23457E+11 », « 1.23457e+11 »): a number of 12
 * digits or more, shown and saved with 6 significant digits. Checked only when a « + » is there.
 */
export function excelScientific(buf: Uint8Array, start: number, end: number): boolean {
  let plus = false;
  for (let i = start; i < end && !plus; i++) plus = buf[i] === 43;
  return plus && /^\d+(?:[.,]\d+)?E\+\d+$/i.test(Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1'));
}
