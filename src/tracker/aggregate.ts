import type { SignupPeriod } from './volunteers.js';

/**
 * Sums of volunteer sign-ups: by département, by day (daily and cumulative), by category and by
 * profession. Pure: it takes the de-duplicated records and returns plain figures.
 */
export interface SignupRecords {
  /**
   * Parallel typed arrays, one slot per volunteer (after de-duplication); départements,
   * categories and professions as indexes into their lists of names: a million volunteers then
   * weigh a few megabytes instead of a few hundred.
   */
  dep: Uint16Array;
  day: Int32Array;
  category: Int32Array;
  metier: Int32Array;
  inRegion: Uint8Array;
  excluded: Uint8Array;
  size: number;
  names: { dep: string[]; category: string[]; metier: string[] };
}

export interface Figures {
  total: number;
  horsRegion: number;
  exclus: number;
  /**
   * Volunteers whose sign-up day is outside --from/--to: set aside, counted here so that the rows
   * read still add up (read = used + set aside + rejected). 0 without a period.
   */
  horsPeriode: number;
  departements: Array<{ code: string; nom: string; total: number; part: number }>;
  jours: Array<{ date: string; inscrits: number; cumul: number }>;
  categories: Record<string, number>;
  metiers: Record<string, number>;
  /** Last day with a sign-up counted. */
  date: string | null;
}

export const dayOf = (iso: string): number => Math.floor(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000);
export const isoOf = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** `period`: the day numbers of --from/--to (as readSignups took them), both included. */
export function aggregate(records: SignupRecords, names: Map<string, string>, options: { period?: SignupPeriod; departements?: string[] } = {}): Figures {
  const from = options.period?.from ?? -Infinity;
  const to = options.period?.to ?? Infinity;
  // Counters indexed by the records' small numbers: one array increment per volunteer.
  const byDepIndex = new Int32Array(records.names.dep.length);
  const byCategory = new Int32Array(records.names.category.length);
  const byMetier = new Int32Array(records.names.metier.length);
  // The days span every record, filtered or not: one counter per day, no map.
  let first = Infinity;
  let span = -Infinity;
  for (let i = 0; i < records.size; i++) {
    const day = records.day[i]!;
    if (day < first) first = day;
    if (day > span) span = day;
  }
  const byDayOffset = new Int32Array(Number.isFinite(first) ? span - first + 1 : 0);
  let total = 0;
  let horsRegion = 0;
  let exclus = 0;
  let horsPeriode = 0;
  for (let i = 0; i < records.size; i++) {
    const day = records.day[i]!;
    // Outside the period first, whatever else the row is: the same order as Volunteers.settle.
    if (day < from || day > to) {
      horsPeriode++;
      continue;
    }
    if (records.excluded[i]) {
      exclus++;
      continue;
    }
    if (!records.inRegion[i]) {
      horsRegion++;
      continue;
    }
    total++;
    byDepIndex[records.dep[i]!]!++;
    byDayOffset[day - first]!++;
    byCategory[records.category[i]!]!++;
    byMetier[records.metier[i]!]!++;
  }
  const counted = (names: string[], counts: Int32Array, blank: string) => {
    const out: Record<string, number> = {};
    for (const [i, n] of counts.entries()) if (n) out[names[i] || blank] = (out[names[i] || blank] ?? 0) + n;
    return out;
  };
  const byDep = counted(records.names.dep, byDepIndex, '');
  const departements = [...new Set([...(options.departements ?? []), ...Object.keys(byDep)])].sort().map((code) => {
    const n = byDep[code] ?? 0;
    return { code, nom: names.get(code) ?? code, total: n, part: total ? n / total : 0 };
  });
  // Every day between the first and the last counted, so that the curve has no gaps.
  const start = byDayOffset.findIndex((n) => n > 0);
  const end = byDayOffset.findLastIndex((n) => n > 0);
  let cumul = 0;
  const jours: Figures['jours'] = start < 0 ? [] : Array.from(byDayOffset.subarray(start, end + 1), (n, i) => ({ date: isoOf(first + start + i), inscrits: n, cumul: (cumul += n) }));
  const sorted = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  const categories = sorted(counted(records.names.category, byCategory, 'non renseignée'));
  const metiers = sorted(counted(records.names.metier, byMetier, 'non renseigné'));
  return { total, horsRegion, exclus, horsPeriode, departements, jours, categories, metiers, date: end < 0 ? null : isoOf(first + end) };
}
