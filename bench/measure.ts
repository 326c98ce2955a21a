import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';

/**
 * Runs one measured task in a fresh Node process, so its peak memory (maxRSS) is its own.
 * The task script prints a JSON line of figures; the wall time includes Node's start-up,
 * as a user would see it.
 */
export interface Measure {
  wallMs: number;
  peakMb: number;
  figures: Record<string, number | string>;
}

export function measure(script: string, args: string[]): Measure {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [join(packageRoot(), 'dist', 'bench', script), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) throw new Error(`${script} a échoué (${child.status}) : ${child.stderr}`);
  const lastLine = child.stdout.trim().split('\n').at(-1) ?? '{}';
  const figures = JSON.parse(lastLine) as Record<string, number | string> & { maxRssKb: number };
  return { wallMs, peakMb: figures.maxRssKb / 1024, figures };
}

/** Called at the end of each task script. */
export function report(figures: Record<string, number | string>): void {
  process.stdout.write(`${JSON.stringify({ ...figures, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('fr-FR', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
