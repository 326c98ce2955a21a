/**
 * Bench task: the national DILA directory export read and joined, as `relais check` does it —
 * RNE and directory read, one town hall kept per commune, address blocks built.
 */
import { buildRecipients } from '../src/campaign/recipients.js';
import { loadCampaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { report } from './measure.js';
import { tuneV8 } from '../src/v8-tuning.js';

// As bin/relais.js runs relais.
tuneV8();

const dir = process.argv[2] ?? '.';
const { campaign, problems } = await loadCampaign(dir);
if (!campaign) throw new Error('campagne illisible');
const ref = communeReference();
void ref.communes;
const start = performance.now();
const cpu = process.cpuUsage();
const joined = await buildRecipients(campaign, ref, problems);
const ms = performance.now() - start;
// On a shared machine the wall time says more about the neighbours than about relais.
const { user, system } = process.cpuUsage(cpu);
const directory = joined.fichiers.find((f) => f.source === 'mairies');
report({ ms, cpuMs: (user + system) / 1000, records: directory?.lus ?? 0, townHalls: directory?.utilises ?? 0, recipients: joined.recipients.length, errors: problems.errors.length });
