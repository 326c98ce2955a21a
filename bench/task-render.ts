/** Bench task: rendering and counting every channel (letter, email, four messages) for every commune: the campaign's plan. */
import { communeReference } from '../src/data/cog.js';
import { readyCampaign } from '../src/campaign/check.js';
import { campaignVideo } from '../src/media/facts.js';
import { planCampaign } from '../src/campaign/plan.js';
import { report } from './measure.js';
import { tuneV8 } from '../src/v8-tuning.js';

// As bin/relais.js runs relais.
tuneV8();

const ready = await readyCampaign(process.argv[2] ?? '.');
communeReference();
const video = campaignVideo(ready.campaign);
const start = performance.now();
const { plan } = planCampaign({ campaign: ready.campaign, recipients: ready.recipients, templates: ready.templates, figures: ready.figures, video });
report({ ms: performance.now() - start, recipients: ready.recipients.length, texts: (plan?.recipients.length ?? 0) * 8 });
