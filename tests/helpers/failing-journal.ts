import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect } from 'vitest';
import { relais } from './cli.js';

/**
 * A campaign whose journal exists (Adon's email sent through `env`'s server) and then refuses the
 * writes `trigger` (SQL, a trigger on `deliveries`) raises on: a journal failing mid-send, as a
 * full disk makes it, at the step a test chooses.
 */
export async function failingJournal(dir: string, env: Record<string, string>, trigger: string): Promise<void> {
  expect((await relais(['-C', dir, 'send', '--commune', '45001', '--yes'], { env })).code).toBe(0);
  const db = new Database(join(dir, '.relais', 'journal.sqlite'));
  db.exec(trigger);
  db.close();
}
