import { afterAll } from 'vitest';
import { removeTempDirs } from './campaign.js';

/**
 * Run before each test file (vitest.config.ts, setupFiles). The test files of a worker share their
 * modules (no isolation: a process and its loaded modules per file cost more CPU than most files),
 * so what must happen at the end of each file is registered here, not at a helper's top level.
 */
afterAll(removeTempDirs);
