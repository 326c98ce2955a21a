/**
 * Bench task: `relais -C <copy of the sample> letters --force --json` as a user runs it, in this
 * fresh process (measure() counts Node's start in the wall time). CPU time is that of the whole
 * process, worker threads included, since it started.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { report } from './measure.js';

const source = process.argv[2] ?? '.';
const dir = mkdtempSync(join(tmpdir(), 'relais-bench-cli-'));
for (const entry of ['campagne.yaml', 'templates', 'data', 'medias']) {
  try {
    cpSync(join(source, entry), join(dir, entry), { recursive: true });
  } catch {
    // medias/ is optional.
  }
}
// The JSON document goes to stdout: keep it from the figures line measure() reads.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (() => true) as typeof process.stdout.write;
const code = await main(['node', 'relais', '-C', dir, 'letters', '--force', '--json']);
process.stdout.write = write;
const cpu = process.cpuUsage();
rmSync(dir, { recursive: true, force: true });
report({ code, cpuMs: (cpu.user + cpu.system) / 1000 });
