import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder for what the test files of one run share (see sampleWithLetters in campaign.ts). */
    sharedFixtures: string;
  }
}

/** One folder per run for shared fixtures, built there on first use and removed at the end. */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'relais-fixtures-'));
  project.provide('sharedFixtures', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
