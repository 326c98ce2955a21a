/**
 * Every row of every data file is accounted for: read = used + set aside + rejected. A reader
 * keeps one FileAccount per file and puts each row in exactly one of the three, with the reason
 * for the rows it set aside; `relais check` prints them and `--json` carries them as they are.
 */
export interface FileAccount {
  fichier: string;
  /** maires, mairies or inscriptions. */
  source: string;
  /** The format recognised, e.g. "RNE (CSV)", "annuaire DILA (JSON)". */
  format: string;
  lus: number;
  utilises: number;
  ecartes: Record<string, number>;
  rejetes: number;
}

/** Set-aside reason of a line that repeats the header (one export appended to another). */
export const REPEATED_HEADER = 'en-tête répété (exports mis bout à bout)';
export const REPEATED_TITLE = 'titre d’un export mis bout à bout';
/** The « Total » row an office adds under its table: not a row of data, set aside as such. */
export const TOTAL_SET_ASIDE = 'ligne de total sous le tableau';
/** A sign-up whose day is before `track --from` or after `track --to`. */
export const OUTSIDE_PERIOD = 'hors de la période (--from/--to)';

export function newAccount(fichier: string, source: string, format: string): FileAccount {
  return { fichier, source, format, lus: 0, utilises: 0, ecartes: {}, rejetes: 0 };
}

export function setAside(account: FileAccount, reason: string, n = 1): void {
  account.ecartes[reason] = (account.ecartes[reason] ?? 0) + n;
}

export function totalSetAside(account: FileAccount): number {
  return Object.values(account.ecartes).reduce((a, b) => a + b, 0);
}

/** The invariant, for tests and for a reader's own sanity. */
export function balanced(account: FileAccount): boolean {
  return account.lus === account.utilises + totalSetAside(account) + account.rejetes;
}
