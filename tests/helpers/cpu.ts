import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, expect } from 'vitest';

/**
 * Measuring the suite (RELAIS_TEST_CPU=<file>, see vitest.config.ts): the CPU seconds each test
 * file used, its own and its relais children's, appended as one JSON line per file. The machine is
 * shared, so CPU time says more than the wall clock about what a file costs.
 * Which relais commands cost: tests/helpers/spawn-cpu.mjs.
 */
function cpuSeconds(): { self: number; children: number } {
  // /proc/self/stat: utime, stime, cutime, cstime (fields 14 to 17) in clock ticks; the command
  // name (field 2) may hold spaces, so fields are counted after its closing parenthesis.
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ').map(Number);
  const tick = 100;
  return { self: (fields[11]! + fields[12]!) / tick, children: (fields[13]! + fields[14]!) / tick };
}

// Taken when the setup file loads, before the test file is imported (some build fixtures then).
// The files of a worker share its process (vitest.config.ts): each counts from its own start.
const start = cpuSeconds();
const spawnsBefore = (globalThis as { relaisSpawns?: number }).relaisSpawns ?? 0;
const wall = performance.now();
afterAll(() => {
  const end = cpuSeconds();
  const file = expect.getState().testPath ?? '?';
  appendFileSync(process.env.RELAIS_TEST_CPU!, `${JSON.stringify({ file: file.replace(/^.*\/tests\//, 'tests/'), self: +(end.self - start.self).toFixed(2), children: +(end.children - start.children).toFixed(2), wall: +((performance.now() - wall) / 1000).toFixed(1), spawns: ((globalThis as { relaisSpawns?: number }).relaisSpawns ?? 0) - spawnsBefore })}\n`);
});
