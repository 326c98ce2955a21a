import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Fuzzing runs: a few thousand cases per reader in `npm test`, RELAIS_FUZZ_RUNS times more in
 * `npm run fuzz`. Seeded, so a failure reproduces. Each test file records what it tried in
 * RELAIS_FUZZ_REPORT, for the table `npm run fuzz` prints at the end.
 */
const SCALE = Number(process.env.RELAIS_FUZZ_RUNS ?? 1);

/**
 * `npm run fuzz` (RELAIS_FUZZ_RUNS above 1): the sweeps that spawn relais for every combination
 * try them all; `npm test` keeps a representative case of each kind.
 */
export const FULL_STRENGTH = SCALE > 1;

/**
 * `n` cases, times RELAIS_FUZZ_RUNS in `npm run fuzz`. `test`: fewer cases for `npm test` where
 * each case is costly (a workbook written then read eleven times, a whole campaign checked), the
 * strength of `npm run fuzz` unchanged.
 */
export const fuzzRuns = (n: number, options: { test?: number } = {}) => ({
  numRuns: Math.max(1, Math.round(FULL_STRENGTH ? n * SCALE : (options.test ?? n) * SCALE)),
  seed: 20200410,
  endOnFailure: true,
});

/** Rows of (what was tried, how many times). */
export function recordTally(name: string, rows: Array<[string, number]>): void {
  const dir = process.env.RELAIS_FUZZ_REPORT;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(rows));
}

/**
 * A test file's tally: each test pushes what it tried once its assertions held, and the rows are
 * recorded when the file ends (a failed test leaves no row).
 */
export function tallyFor(name: string): Array<[string, number]> {
  const rows: Array<[string, number]> = [];
  afterAll(() => recordTally(name, rows));
  return rows;
}
