/** Bench task: `relais letters --force` on a campaign: per-commune files, then print files. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readyCampaign } from '../src/campaign/check.js';
import { generateLetters } from '../src/letters/generate.js';
import { report } from './measure.js';

const dir = process.argv[2] ?? '.';
const ready = await readyCampaign(dir);
await rm(join(dir, 'out', 'lettres'), { recursive: true, force: true });
const start = performance.now();
const result = await generateLetters(ready, { force: true });
const ms = performance.now() - start;
await rm(join(dir, 'out', 'lettres'), { recursive: true, force: true });
report({ ms, lettersMs: result.timings.letters, printMs: result.timings.print, letters: result.written.length, printLetters: result.print.reduce((n, p) => n + p.letters, 0), workers: result.workers });
