/** Bench task: the whole of `relais check` (load, read both files, join, validate) on a campaign. */
import { checkCampaign } from '../src/campaign/check.js';
import { checkOptions } from '../src/cli/campaign.js';
import { report } from './measure.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR } from '../src/campaign/paths.js';
import { tuneV8 } from '../src/v8-tuning.js';

// As bin/relais.js runs relais.
tuneV8();

const dir = process.argv[2] ?? '.';
// « froid » : the directory's reading kept by an earlier command is removed first.
if (process.argv[3] === 'froid') rmSync(join(dir, STATE_DIR, 'cache'), { recursive: true, force: true });
const start = performance.now();
const cpu = process.cpuUsage();
const { report: result } = await checkCampaign(dir, checkOptions());
const used = process.cpuUsage(cpu);
report({ ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, recipients: result.recipients, errors: result.errors.length, warnings: result.warnings.length });
