import { defineConfig } from 'vitest/config';

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
    pool: 'forks',
    // Most tests wait on a relais process or a local server: on two cores, three files at a
    // time keep both busy (vitest's default here is a single worker).
    maxWorkers: 3,
    minWorkers: 1,
    // RELAIS_TEST_CPU=<file>: each test file's CPU seconds, to see what the suite's time goes to.
    ...(process.env.RELAIS_TEST_CPU ? { setupFiles: ['tests/helpers/cpu.ts'] } : {}),
  },
});
