import type { Location } from './errors.js';

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
}

export class ProblemList {
  readonly items: Problem[] = [];

  add(problem: Omit<Problem, 'scope'> & { scope?: Problem['scope'] }): void {
    this.items.push({ scope: 'row', ...problem });
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
    return this.items.some((p) => p.severity === 'error');
  }
}
