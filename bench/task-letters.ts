/**
 * Bench task: `relais letters --force` on a campaign: per-commune files, then print files.
 * `node task-letters.js DIR [identical|personalised]`: "personalised" copies the campaign and
 * puts the commune, its mayor and its population in the letter's first paragraph, so that every
 * letter differs from the others (issue 19.3); "identical" leaves the template as it is.
 * Reports wall and CPU times (CPU of every thread: the machine is shared, CPU time per letter is
 * the steadier figure).
 */
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readyCampaign } from '../src/campaign/check.js';
import { generateLetters } from '../src/letters/generate.js';
import { report } from './measure.js';
import { personalisedCampaign } from './personalised.js';
import { tuneV8 } from '../src/v8-tuning.js';

// As bin/relais.js runs relais.
tuneV8();

const source = process.argv[2] ?? '.';
const mode = process.argv[3] ?? 'identical';
const dir = mode === 'personalised' ? personalisedCampaign(source) : source;
try {
  const ready = await readyCampaign(dir);
  await rm(join(dir, 'out', 'lettres'), { recursive: true, force: true });
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await generateLetters(ready, { force: true });
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await rm(join(dir, 'out', 'lettres'), { recursive: true, force: true });
  report({
    mode,
    ms,
    cpuMs: (used.user + used.system) / 1000,
    lettersMs: result.timings.letters,
    printMs: result.timings.print,
    letters: result.written.length,
    printLetters: result.print.reduce((n, p) => n + p.letters, 0),
    workers: result.workers,
  });
} finally {
  if (dir !== source) rmSync(dir, { recursive: true, force: true });
}
