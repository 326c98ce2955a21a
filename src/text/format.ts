/**
 * French formatting of dates and numbers for documents. Pure: the date is always given.
 */
export class FormatError extends Error {}

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const WEEKDAYS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];

/** Accepts "AAAA-MM-JJ" (or a Date); refuses dates that do not exist ("2020-13-45", "2020-02-30"). */
export function parseIsoDate(value: unknown): { year: number; month: number; day: number; weekday: number } {
  let y: number, m: number, d: number;
  if (value instanceof Date && !Number.isNaN(value.getTime())) {
    [y, m, d] = [value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate()];
  } else {
    const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})/.exec(value) : null;
    if (!match) throw new FormatError(`date invalide « ${String(value)} » (AAAA-MM-JJ attendu)`);
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) throw new FormatError(`date invalide « ${String(value)} » : ce jour n'existe pas`);
  return { year: y, month: m, day: d, weekday: date.getUTCDay() };
}

/** "10 avril 2020", "1er mai 2020": Intl does not write the ordinal of the first. */
export function frenchDate(value: unknown): string {
  const { year, month, day } = parseIsoDate(value);
  return `${day === 1 ? '1er' : day} ${MONTHS[month - 1]} ${year}`;
}

/** "vendredi 10 avril 2020". */
export function frenchLongDate(value: unknown): string {
  const { weekday } = parseIsoDate(value);
  return `${WEEKDAYS[weekday]} ${frenchDate(value)}`;
}

/** "Orléans, le vendredi 10 avril 2020": the place and date line of a letter. */
export function placeAndDate(place: string, value: unknown): string {
  return `${place}, le ${frenchLongDate(value)}`;
}

/**
 * The space between groups of digits depends on where the number goes: a narrow no-break space
 * (U+202F, as Intl writes it) in documents, a no-break space on X (U+202F weighs 2 there), and a
 * plain space in SMS (neither is in the GSM-7 alphabet).
 */
export type NumberSpace = 'document' | 'x' | 'sms';
const SPACES: Record<NumberSpace, string> = { document: '\u202f', x: '\u00a0', sms: ' ' };

const NUMBER_FORMAT = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

export function frenchNumber(value: unknown, space: NumberSpace = 'document'): string {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new FormatError(`nombre attendu, reçu « ${String(value)} »`);
  return NUMBER_FORMAT.format(n).replace(/[\u202f\u00a0]/g, SPACES[space]);
}

/** Rounds down to a multiple of `step`: the "pas moins de 2 100" of a letter never overstates. */
export function roundDown(value: unknown, step: unknown = 100): number {
  const n = Number(value);
  const s = Number(step);
  if (!Number.isFinite(n)) throw new FormatError(`nombre attendu, reçu « ${String(value)} »`);
  if (!Number.isFinite(s) || s <= 0) throw new FormatError(`pas d'arrondi invalide « ${String(step)} »`);
  // « pas moins de 0 volontaires » for 57 would be untrue in spirit: below one step, the value
  // itself (already a lower bound) is kept.
  if (n > 0 && n < s) return n;
  return Math.floor(n / s) * s;
}

/** French plural: 0 and 1 are singular. */
export function plural(count: unknown, singular: string, pluralForm?: string): string {
  const n = Number(count);
  if (!Number.isFinite(n)) throw new FormatError(`nombre attendu, reçu « ${String(count)} »`);
  return Math.abs(n) < 2 ? singular : (pluralForm ?? `${singular}s`);
}

/**
 * A count and its noun, as every report and command prints it: "2 142 doublons", "1 doublon",
 * "0 doublon" — digits grouped by a narrow no-break space, the noun singular below 2.
 */
export function countOf(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${frenchNumber(count)} ${plural(count, singular, pluralForm)}`;
}

/** "26,7 %": a share (0.267) as a French percentage, the sign after a narrow no-break space. */
export function frenchPercent(share: number, digits = 1): string {
  return `${(share * 100).toLocaleString('fr-FR', { minimumFractionDigits: digits, maximumFractionDigits: digits }).replace(/[\u202f\u00a0]/g, SPACES.document)}\u202f%`;
}

/**
 * The tel: link of a French number written "02 61 91 12 34". Overseas numbers (0262 La Réunion,
 * 0590 Guadeloupe, 0694 Guyane…) belong to the national plan but not to +33 from abroad: they
 * keep their national form, which every French phone dials.
 */
export function telLink(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return /^0(?:26[239]|508|59[046]|639|69[0-7])/.test(digits) ? `tel:${digits}` : `tel:+33${digits.slice(1)}`;
}

export type Sex = 'F' | 'M';

/** "Madame la Maire" / "Monsieur le Maire" from the RNE's Code sexe; both when unknown. */
export function mayorSalutation(sex: Sex | string | null | undefined): string {
  if (sex === 'F') return 'Madame la Maire';
  if (sex === 'M') return 'Monsieur le Maire';
  return 'Madame, Monsieur le Maire';
}

/** "Préfète d'Indre-et-Loire", "Préfet du Loiret": the title agrees with the person. */
export function prefectTitle(sex: Sex, departementWithDe: string): string {
  return `${sex === 'F' ? 'Préfète' : 'Préfet'} ${departementWithDe}`;
}

/** Default title of the ARS director general, with agreement. */
export function directorTitle(sex: Sex, regionName: string | undefined): string {
  const title = sex === 'F' ? 'Directrice générale' : 'Directeur général';
  return regionName ? `${title} de l'ARS\n${regionName}` : `${title} de l'ARS`;
}

/** "www.renfort-covid.fr" from "https://www.renfort-covid.fr/": how a URL is written in prose. */
export function bareUrl(url: unknown): string {
  if (typeof url !== 'string') throw new FormatError(`adresse web attendue, reçu « ${String(url)} »`);
  return url.replace(/^https?:\/\//, '').replace(/\/$/, '');
}

/**
 * A value quoted from the data (« … ») can be a 1 MB field, or hold control characters from a
 * binary file: it is cut to its start and its size, so that a message stays one readable line
 * on a terminal and in a JSON document, whatever the file holds.
 */
export function shortenQuotes(message: string, max = 80): string {
  // eslint-disable-next-line no-control-regex
  message = message.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
  if (message.length <= max * 2) return message;
  const cut = message.replace(/«\s*([^»]{80,}?)\s*»/g, (_, inner: string) => `« ${inner.slice(0, max)}… (${inner.length.toLocaleString('fr-FR')} caractères) »`);
  // A message that still runs on (no quotes around the long part) is cut as a whole.
  return cut.length > 2000 ? `${cut.slice(0, 2000)}… (message de ${cut.length.toLocaleString('fr-FR')} caractères, coupé)` : cut;
}

/** A day written « 2020-04-10 » (ISO 8601), as « 10/04/2020 ». */
export function frenchDay(iso: string): string {
  return iso.split('-').reverse().join('/');
}

/** « 30/11/2026 à 13:44 », Paris time: when a file was written, a message sent. */
export function frenchDateTime(when: string | number | Date): string {
  return new Date(when).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }).replace(' ', ' à ');
}

/** The first names of a list, and how many more: a warning stays one line for 3,000 town halls. */
export function namedList(names: string[], shown = 10): string {
  // « et 1 autre », « et 2 autres »: the count and its noun through the one helper.
  return names.length > shown ? `${names.slice(0, shown).join(', ')} et ${countOf(names.length - shown, 'autre')}` : names.join(', ');
}
