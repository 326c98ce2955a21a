import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

/**
 * A relais command lasts from a fraction of a second to a few: V8's default is tuned for pages and
 * servers that run for hours. It hands a function to its optimising compiler (TurboFan, on a
 * background thread, which costs CPU all the same) once the function has run for its « interrupt
 * budget » — 66 KB of bytecode in Node 20; most of those compilations never pay back in a short
 * run. With a budget fifteen times larger, measured alternately on this machine (CPU time, user +
 * system): `relais check` of the sample 0.58 → 0.45 s; `relais letters --force` (597 letters)
 * 1.60 → 1.36 s; `track` on a million rows 0.99 → 0.92 s. Disabling the optimiser outright
 * (--no-opt) was as good on short runs and far worse on the national check (4.2 s).
 *
 * Set before the command's modules load (bin/relais.js, and the bench's tasks, so that they
 * measure relais as it runs). V8's flags hold for the whole process, worker threads included.
 */
export function tuneV8(): void {
  setFlagsFromString(`--interrupt-budget=${SHORT_RUN_BUDGET}`);
}

const SHORT_RUN_BUDGET = 1_000_000;
const LONG_RUN_BUDGET = 200_000;

/** Data files past this size (all together) make a run whose loops are worth optimising early. */
const LARGE_INPUT = 4 << 20;

/**
 * Files as large as a national RNE (4 MB, 35,000 rows) or directory (77 MB) keep the same few
 * loops busy for the better part of a second while they are read and joined: there, the short
 * runs' budget only delays the optimised code, and the compiling thread has the second core to
 * itself. A smaller budget while they are (V8 reads it again at each function's next count),
 * measured alternately on the national check: first reading 0.91 → 0.84 s, kept reading 0.68 →
 * 0.62 s. Only while they are: kept for the rest of the command, it cost the letters' workers 7 %
 * (personalised letters of ten départements read from the national files, 4.1 → 4.4 s). The
 * sample (2 MB of data) keeps the short runs' budget throughout, which the smaller one would cost
 * 0.19 → 0.22 s.
 * @returns what puts the short runs' budget back.
 */
export function longRunBudget(paths: string[]): () => void {
  if (!isLargeInput(paths)) return () => undefined;
  setFlagsFromString(`--interrupt-budget=${LONG_RUN_BUDGET}`);
  return tuneV8;
}

/** Whether these data files, all together, reach LARGE_INPUT; a file that is not there counts for nothing (its reader says so). */
export function isLargeInput(paths: string[]): boolean {
  let size = 0;
  for (const path of paths) {
    try {
      size += statSync(path).size;
    } catch {
      // Said by the file's reader.
    }
  }
  return size >= LARGE_INPUT;
}
