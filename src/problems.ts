import type { Location } from './errors.js';
import { countOf, frenchNumber, shortenQuotes } from './text/format.js';

/**
 * A problem found while validating a campaign. Batches collect them as data, so that every
 * problem is reported at once (the way GOV.UK Notify checks a whole upload) before anything acts.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Problem extends Location {
  severity: Severity;
  /** Stable identifier of the kind of problem, used to group the report. */
  kind: string;
  message: string;
  /** File-level problems (missing file, missing column) are reported before row-level ones. */
  scope: 'file' | 'row';
  /** On a summary line: how many problems of the same kind it stands for. */
  more?: number;
}

/** Row problems detailed per file, kind and severity; the rest are counted in one line. */
export const DETAILED = 1000;

/**
 * How many problems a list stands for: a summary line (`more`) counts for every problem it folds.
 * Every title, total and « N avertissements » goes through here, not through `.length`, or a
 * région's 4 446 town halls without an address would be told as « 1 001 ».
 */
export function problemCount(problems: readonly Problem[]): number {
  let n = 0;
  for (const p of problems) n += p.more ?? 1;
  return n;
}

export class ProblemList {
  private readonly detailed: Problem[] = [];
  private readonly counts = new Map<string, number>();
  /** Beyond the detailed ones: the first of the rest, and how many there are. */
  private readonly beyond = new Map<string, { first: Problem; more: number }>();

  /**
   * A file of garbage gives a problem per row: a million rows must not make a million problems
   * in memory, nor a million lines on the screen.
   */
  add(problem: Omit<Problem, 'scope'> & { scope?: Problem['scope'] }): void {
    // A 1 MB value quoted from a file must not make a 1 MB message, on screen or in --json.
    const p: Problem = { scope: 'row', ...problem, message: shortenQuotes(problem.message) };
    if (p.scope !== 'row') {
      this.detailed.push(p);
      return;
    }
    const key = `${p.severity}\0${p.kind}\0${p.file ?? ''}`;
    // A summary handed over from another list (the tracker's, in a check) merges its count.
    const weight = p.more ?? 1;
    const seen = this.counts.get(key) ?? 0;
    this.counts.set(key, seen + weight);
    if (p.more === undefined && seen < DETAILED) {
      this.detailed.push(p);
      return;
    }
    const b = this.beyond.get(key);
    if (b) b.more += weight;
    else this.beyond.set(key, { first: p, more: weight });
  }

  get items(): Problem[] {
    const summaries = [...this.beyond.values()].map(({ first, more }): Problem => ({
      severity: first.severity,
      kind: first.kind,
      scope: 'row',
      ...(first.file === undefined ? {} : { file: first.file }),
      ...(first.line === undefined ? {} : { line: first.line }),
      more,
      message: `et ${countOf(more, 'autre')} du même type (${first.kind}) dans ce fichier, à partir d'ici : seuls les ${frenchNumber(DETAILED)} premiers sont détaillés`,
    }));
    return [...this.detailed, ...summaries];
  }

  error(kind: string, message: string, loc: Location = {}, scope: Problem['scope'] = 'row'): void {
    this.add({ severity: 'error', kind, message, scope, ...loc });
  }

  warning(kind: string, message: string, loc: Location = {}, scope: Problem['scope'] = 'row'): void {
    this.add({ severity: 'warning', kind, message, scope, ...loc });
  }

  info(kind: string, message: string, loc: Location = {}, scope: Problem['scope'] = 'row'): void {
    this.add({ severity: 'info', kind, message, scope, ...loc });
  }

  get errors(): Problem[] {
    return this.items.filter((p) => p.severity === 'error');
  }

  get warnings(): Problem[] {
    return this.items.filter((p) => p.severity === 'warning');
  }

  hasErrors(): boolean {
    return this.detailed.some((p) => p.severity === 'error') || [...this.beyond.values()].some((b) => b.first.severity === 'error');
  }
}
