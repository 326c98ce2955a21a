import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'relais.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (the compiled one, as users get it) in a child process. */
export function relais(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<RunResult> {
  // Counted for RELAIS_TEST_CPU (tests/helpers/cpu.ts): spawns are what a CLI test file costs.
  const counter = globalThis as { relaisSpawns?: number };
  counter.relaisSpawns = (counter.relaisSpawns ?? 0) + 1;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** Runs with --json and parses the single document on stdout. */
export async function relaisJson<T = Record<string, unknown>>(args: string[], options: Parameters<typeof relais>[1] = {}): Promise<RunResult & { json: T }> {
  const result = await relais([...args, '--json'], options);
  let json: T;
  try {
    json = JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout n'est pas un document JSON (code ${result.code}) :\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
  return { ...result, json };
}
