import type { Command } from 'commander';
import { normalizeDepartement } from '../data/cog.js';

/**
 * List options (--dep, --commune, …) are repeatable and accept commas, the same way everywhere:
 * `--dep 45 --dep 37` and `--dep 45,37` mean the same.
 */
export function collectList(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  return [...(previous ?? []), ...items];
}

/** Départements as the files' readers take them: « 2a » is the Corse-du-Sud, « 1 » the Ain (01). */
export function collectDeps(value: string, previous: string[] | undefined): string[] {
  return collectList(value, previous).map(normalizeDepartement);
}

/** The selection options every producing command shares. */
export function withSelection(command: Command): Command {
  return command
    .option('--dep <codes>', 'départements (répétable, ou séparés par des virgules)', collectDeps)
    .option('--commune <insee>', 'communes (répétable, ou séparées par des virgules)', collectList);
}
