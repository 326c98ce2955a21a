import { setFlagsFromString } from 'node:v8';

/**
 * A relais command lasts from a fraction of a second to a few: V8's default is tuned for pages and
 * servers that run for hours. It hands a function to its optimising compiler (TurboFan, on a
 * background thread, which costs CPU all the same) once the function has run for its « interrupt
 * budget » — 66 KB of bytecode in Node 20; most of those compilations never pay back in a short
 * run. With a budget fifteen times larger, measured alternately on this machine (CPU time, user +
 * system): `relais check` of the sample 0.58 → 0.45 s; `relais letters --force` (597 letters)
 * 1.60 → 1.36 s; the national check, whose loops run long enough to be optimised anyway,
 * 2.41 → 2.31 s; `track` on a million rows 0.99 → 0.92 s. Disabling the optimiser outright
 * (--no-opt) was as good on short runs and far worse on the national check (4.2 s).
 *
 * Set before the command's modules load (bin/relais.js, and the bench's tasks, so that they
 * measure relais as it runs). V8's flags hold for the whole process, worker threads included.
 */
export function tuneV8(): void {
  setFlagsFromString('--interrupt-budget=1000000');
}
