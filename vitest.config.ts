import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Longest files first, by the seconds each took in a whole run (tests/durations.json, written from
 * a run's report; a new file not in it counts as short). On a clean clone vitest has no timings of
 * its own and starts the largest files first: a 45-second file of waits started last kept the
 * run going alone for half a minute. A stale figure only changes the order.
 */
const durations = JSON.parse(readFileSync(new URL('./tests/durations.json', import.meta.url), 'utf8')) as Record<string, number>;

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const known = (spec: TestSpecification) => durations[relative(process.cwd(), spec.moduleId).split('\\').join('/')] ?? 0;
    return (await super.sort(files)).sort((a, b) => known(b) - known(a));
  }
}

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // CLI tests spawn the compiled relais: `npm test` builds it first.
    // A timeout only catches a hang: no test measures time. It is generous because the machines
    // are shared, and a CLI test that takes 5 s alone takes ten times that under others' load.
    // `npm run fuzz` multiplies the cases, and so the time each fuzzing test may take.
    testTimeout: 300_000 * Math.max(1, Number(process.env.RELAIS_FUZZ_RUNS ?? 1)),
    hookTimeout: 300_000,
    // A folder for the fixtures test files share (the sample campaign with its letters).
    globalSetup: ['tests/helpers/global-setup.ts'],
    // Colours off in the test processes as in the relais processes the tests spawn: picocolors turns
    // them on wherever CI is set, and a report line compared in-process then carried escape codes
    // (CI failed on it while every run here passed). A test of colours sets FORCE_COLOR itself.
    env: { NO_COLOR: '1' },
    pool: 'forks',
    // The test files of a worker run one after the other in the same process, their modules (vitest,
    // the helpers, the sources) loaded once: a new process per file, each loading and transforming
    // them again, was a quarter of a second of CPU per file, 226 files a run. What a file must undo at
    // its end is undone by tests/helpers/per-file.ts; no test mocks a module or changes the
    // environment or the working directory of the process.
    poolOptions: { forks: { isolate: false } },
    sequence: { sequencer: LongestFirst },
    // Most tests wait on a relais process or a local server: on two cores, three files at a
    // time keep both busy (vitest's default here is a single worker).
    maxWorkers: 3,
    // As many kept as started: with fewer, the pool ends a worker it finds idle while vitest still
    // holds it (isolate: false), and the run fails on « Terminating worker thread » after every test
    // passed (5 runs in 5 with 1, none in 5 with 3).
    minWorkers: 3,
    // RELAIS_TEST_CPU=<file>: each test file's CPU seconds, to see what the suite's time goes to.
    setupFiles: ['tests/helpers/per-file.ts', ...(process.env.RELAIS_TEST_CPU ? ['tests/helpers/cpu.ts'] : [])],
  },
});
