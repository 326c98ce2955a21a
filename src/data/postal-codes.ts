import type { Commune } from './cog.js';
import { withDe } from '../text/french.js';

/**
 * Postal codes as a spreadsheet leaves them, repaired where the cause is known and checked against
 * the commune they are for: the letter by post is the only channel of a town hall without email.
 */

/**
 * A postal code that lost its leading zero ("1400" → "01400"): same cause, same repair. A code
 * shown with a thousands separator (« 45 230 », a no-break space in French Excel) is the code.
 */
export function repairPostalCode(code: string): { code: string; repaired: boolean } {
  let c = code.trim();
  const spaced = /^(\d{2})[\s\u00A0\u202F.](\d{3})$/.exec(c);
  if (spaced) c = spaced[1]! + spaced[2]!;
  return /^\d{4}$/.test(c) ? { code: `0${c}`, repaired: true } : { code: c, repaired: false };
}

/** The département a postal code belongs to, as far as its digits say (« 20… » is Corsica's two). */
function postalCodeFits(code: string, departement: string): boolean {
  if (/^2[AB]$/.test(departement)) return code.startsWith('20');
  // Overseas, La Poste's codes overlap the collectivities' numbers (Saint-Barthélemy, 977, is 97133;
  // its CEDEX 97098): a 97… code is of overseas, no more can be said.
  if (departement.startsWith('97')) return code.startsWith('97');
  return code.startsWith(departement);
}

export interface PostalCodePlaced {
  /** The postal code for the envelope: '' when the commune's own is to be used. */
  code: string;
  /** A distribution mention (« CS 40001 ») found in the postal-code cell, when the distribution column is empty. */
  distribution?: string;
  /**
   * The locality written after the code in its cell (« 45040 ORLEANS CEDEX 1 »: La Poste's whole
   * last line typed there), CEDEX included: the envelope's locality.
   */
  localite?: string;
  /** « CEDEX 1 » written after the code alone (« 45044 CEDEX 1 »): it goes after the locality, as La Poste reads it. */
  cedex?: string;
  /** A repair to say, French, for a warning naming the line (the lost zero). */
  repaired?: string;
  /** What is wrong with the cell and what was done, French, for a warning naming the line. */
  problem?: string;
}

/**
 * A town hall's postal code as written, checked against its commune: the letter by post is the
 * only channel of a town hall without email, and a wrong code sends it to another département.
 * A code of the commune's (in the reference) or of its département (a CEDEX code) is used; one of
 * another département (« 4523 » taken for 04523 in the Loiret), or no code at all, gives way to
 * the commune's own; a « BP »/« CS »/« TSA » mention typed in the column is a distribution line.
 */
export function placePostalCode(
  written: string,
  commune: Pick<Commune, 'departement' | 'codesPostaux'> & Partial<Pick<Commune, 'nom' | 'typeLiaison'>>,
  distributionColumn = '',
  /** The communes a postal code serves (the reference's): a code of the département that is another commune's own is that commune's address, not a CEDEX. */
  servedBy: (code: string) => ReadonlyArray<Pick<Commune, 'nom' | 'code' | 'typeLiaison'>> = () => [],
): PostalCodePlaced {
  const raw = written.trim();
  if (!raw) return { code: '' };
  const own = commune.codesPostaux[0];
  // A commune of several postal codes (Paris's 21, Marseille's 16): which one the town hall's is
  // cannot be known, and is not said to be.
  const several = commune.codesPostaux.length > 1 ? `la commune a ${commune.codesPostaux.length} codes postaux (${commune.codesPostaux.slice(0, 3).join(', ')}…) : le premier, ${own}, est mis faute de mieux` : undefined;
  const instead = several ?? (own ? `le code postal de la commune, ${own}, est utilisé` : 'le code postal est laissé vide');
  // A row pasted one line off gives a town hall its neighbour's postal line (« 45160 Olivet » for
  // Orléans): a code of the département, but another commune's own, takes the letter there. A
  // CEDEX code is no commune's: it stays accepted.
  const othersCode = (code: string): string | undefined => {
    if (!own || commune.codesPostaux.includes(code)) return undefined;
    const others = servedBy(code);
    if (!others.length) return undefined;
    // « d'Olivet », « du Bardon »: names said as French says them (withDe), as everywhere else.
    const names = others.slice(0, 3).map((o) => `${withDe(o.nom, o.typeLiaison)} (${o.code})`).join(', ');
    const whose = commune.nom ? withDe(commune.nom, commune.typeLiaison ?? 0) : 'de la commune';
    return `${code} est le code postal ${names}${others.length > 3 ? '…' : ''}, pas ${whose} : la lettre irait là-bas ; ${instead} ; vérifiez toute la ligne (celle d'une autre commune ?)`;
  };
  if (/^(?:B\.?\s?P\.?|C\.?\s?S\.?|TSA)\s*\d+/i.test(raw)) {
    const cedexAdvice = "(avec une mention CS ou TSA, La Poste attend d'ordinaire un code CEDEX : corrigez la ligne)";
    const column = distributionColumn.trim();
    if (!column) return { code: '', distribution: raw, problem: `code postal « ${raw} » : c'est une mention de distribution, pas un code postal ; elle est imprimée au-dessus de la ligne de la commune et ${instead} ${cedexAdvice}` };
    const same = column.replace(/[\s.]/g, '').toUpperCase() === raw.replace(/[\s.]/g, '').toUpperCase();
    // NF Z10-011 gives an address one distribution line: the column's mention keeps it.
    const kept = same ? `elle est déjà dans la colonne service de distribution, imprimée une fois` : `la colonne service de distribution porte déjà « ${column} », seule imprimée (une adresse n'a qu'une ligne de distribution) : « ${raw} » ne l'est pas`;
    return { code: '', problem: `code postal « ${raw} » : c'est une mention de distribution, pas un code postal ; ${kept} ; ${instead} ${cedexAdvice}` };
  }
  // « 45044 CEDEX 1 », « 45040 ORLEANS CEDEX 1 », « 45230 Adon »: the code with the rest of La
  // Poste's last line. The code is checked as a code alone is; the CEDEX goes after the locality.
  // (« Cédex », with its accent, is the same word.)
  const line = /^(\d{5})(?:\s+((?!C[EÉ]DEX\b)[\p{L}'’-]+(?:\s+(?!C[EÉ]DEX\b)[\p{L}'’-]+)*))?(?:\s+(C[EÉ]DEX(?:\s+\d{1,2})?))?$/iu.exec(raw);
  if (line && (line[2] || line[3])) {
    const [, code, place = '', cedex] = line as unknown as [string, string, string | undefined, string | undefined];
    const other = othersCode(code);
    if (other) return { code: '', problem: `code postal « ${raw} » : ${other}` };
    if (commune.codesPostaux.includes(code) || postalCodeFits(code, commune.departement) || !own) {
      const mention = cedex ? cedex.toUpperCase().replace('É', 'E').replace(/\s+/g, ' ') : undefined;
      return place.trim() ? { code, localite: `${place.trim()}${mention ? ` ${mention}` : ''}` } : { code, cedex: mention! };
    }
    return { code: '', problem: `code postal « ${raw} » : ${code} n'est pas un code du département ${commune.departement} de la commune ; ${instead} ; corrigez la ligne` };
  }
  // The letter O typed for a zero (« 75OO4 »): the code the writer meant, said as repaired.
  const typed = /^[\dOo]{5}$/.test(raw) && /[Oo]/.test(raw) ? raw.replace(/[Oo]/g, '0') : undefined;
  const typedOther = typed ? othersCode(typed) : undefined;
  if (typedOther) return { code: '', problem: `code postal « ${raw} » (lu ${typed}, la lettre O pour un zéro) : ${typedOther}` };
  if (typed && (commune.codesPostaux.includes(typed) || postalCodeFits(typed, commune.departement))) {
    return { code: typed, repaired: `code postal « ${raw} » lu ${typed} (la lettre O pour un zéro)` };
  }
  const { code, repaired } = repairPostalCode(raw);
  if (!/^\d{5}$/.test(code)) return { code: '', problem: `code postal « ${raw} » mal formé (5 chiffres attendus) : ${instead} ; corrigez la ligne` };
  // A commune the reference gives no postal code (a handful): nothing to check the code against.
  const other = othersCode(code);
  if (other) return { code: '', problem: `code postal « ${raw} »${repaired ? ` (lu ${code})` : ''} : ${other}` };
  if (commune.codesPostaux.includes(code) || postalCodeFits(code, commune.departement) || !own) {
    return repaired ? { code, repaired: `code postal ${raw} complété en ${code} (zéro initial perdu)` } : { code };
  }
  const read = repaired ? ` (lu ${code})` : '';
  return { code: '', problem: `code postal « ${raw} »${read} : pas un code du département ${commune.departement} de la commune ; ${instead} ; corrigez la ligne` };
}
