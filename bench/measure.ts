import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../src/paths.js';

/**
 * Runs one measured task in a fresh Node process, so its peak memory (maxRSS) is its own.
 * The task script prints a JSON line of figures; the wall time includes Node's start-up,
 * as a user would see it.
 */
/** Marks the line bench/cpu-probe.ts writes at exit. */
export const PROBE_MARK = 'relais-bench-probe ';

export interface Measure {
  wallMs: number;
  peakMb: number;
  /** CPU time of the task's process (user + system), Node's start included. */
  cpuMs: number;
  figures: Record<string, number | string>;
}

export function measure(script: string, args: string[]): Measure {
  const run = command([join(packageRoot(), 'dist', 'bench', script), ...args]);
  if (run.code !== 0) throw new Error(`${script} a échoué (${run.code}) : ${run.stderr}`);
  const lastLine = run.stdout.trim().split('\n').at(-1) ?? '{}';
  const figures = JSON.parse(lastLine) as Record<string, number | string>;
  return { wallMs: run.wallMs, peakMb: run.peakMb, cpuMs: run.cpuMs, figures };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  cpuMs: number;
  peakMb: number;
}

/**
 * Runs `node <args>` as a user would (a fresh process), with the CPU probe loaded in front: the
 * wall time as seen from outside, the CPU time and peak memory as the process itself counts them.
 */
export function command(args: string[], options: { cwd?: string; input?: string } = {}): Run {
  const probe = pathToFileURL(join(packageRoot(), 'dist', 'bench', 'cpu-probe.js')).href;
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--import', probe, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' }, ...options });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const lines = child.stderr.split('\n');
  const probed = lines.findLast((l) => l.startsWith(PROBE_MARK));
  const usage = probed ? (JSON.parse(probed.slice(PROBE_MARK.length)) as { cpuMs: number; maxRssKb: number }) : { cpuMs: Number.NaN, maxRssKb: Number.NaN };
  const stderr = lines.filter((l) => !l.startsWith(PROBE_MARK)).join('\n').trimEnd();
  return { code: child.status, stdout: child.stdout, stderr, wallMs, cpuMs: usage.cpuMs, peakMb: usage.maxRssKb / 1024 };
}

/** The median run of `n` (by wall time), and the median CPU time apart. */
export function median(runs: Run[]): { wallMs: number; cpuMs: number; peakMb: number } {
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wallMs: mid(runs.map((r) => r.wallMs)), cpuMs: mid(runs.map((r) => r.cpuMs)), peakMb: Math.max(...runs.map((r) => r.peakMb)) };
}

/** Called at the end of each task script (the probe adds the process's CPU time and peak memory). */
export function report(figures: Record<string, number | string>): void {
  process.stdout.write(`${JSON.stringify({ ...figures, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('fr-FR', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
