import type { ProblemList } from '../problems.js';

/**
 * Ids of digits that lost their leading zeros: the platform exports « 000101 », a spreadsheet that
 * read the column as numbers saves « 101 ». Both are one volunteer: ids are compared once their
 * leading zeros are set aside, and each match between two spellings is said, by file.
 */

/** How many leading zeros an id of digits only has (its last digit kept); 0 for any other id. */
export function leadingZeros(buf: Uint8Array, start: number, end: number): number {
  if (buf[start] !== 48 || end - start < 2) return 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) return 0;
  }
  let i = start;
  while (i < end - 1 && buf[i] === 48) i++;
  return i - start;
}

interface Match {
  count: number;
  line: number;
  short: string;
  long: string;
  field: string;
}

/** The matches between an id without its zeros and one with them, by pair of files. */
export class IdZeros {
  private readonly pairs = new Map<string, Match & { shortFile: string; longFile: string }>();

  /** The row of `shortFile` at `line` wrote `short` for the `long` of a row of `longFile`. */
  matched(shortFile: string, line: number, short: string, longFile: string, long: string, field: string): void {
    const key = `${shortFile}\u0000${longFile}`;
    const m = this.pairs.get(key);
    if (m) m.count++;
    else this.pairs.set(key, { count: 1, line, short, long, field, shortFile, longFile });
  }

  say(problems: ProblemList): void {
    for (const m of this.pairs.values()) {
      const where = m.shortFile === m.longFile ? 'd’autres lignes du même fichier' : m.longFile;
      const n = m.count > 1 ? `${m.count} identifiants écrits sans leurs zéros initiaux (ainsi « ${m.short} », ligne ${m.line})` : `l’identifiant « ${m.short} », écrit sans ses zéros initiaux,`;
      problems.warning(
        'identifiant-sans-zeros',
        `inscriptions : ${n} ${m.count > 1 ? 'sont ceux' : 'est celui'} de ${where} (« ${m.long} ») : un tableur a lu la colonne comme des nombres ; chaque volontaire n’est compté qu’une fois, par sa ligne la plus récente`,
        { file: m.shortFile, line: m.line, field: m.field },
      );
    }
  }
}
