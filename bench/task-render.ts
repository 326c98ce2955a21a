/** Bench task: rendering and counting every channel (letter, email, four messages) for every commune. */
import { readyCampaign } from '../src/campaign/check.js';
import { departementContext, recipientContext } from '../src/campaign/context.js';
import { buildLetter } from '../src/campaign/letter.js';
import { renderEmail, renderMessages, withMessages } from '../src/campaign/messages.js';
import { report } from './measure.js';

const ready = await readyCampaign(process.argv[2] ?? '.');
const start = performance.now();
let texts = 0;
for (const dep of ready.campaign.departements) {
  const depContext = departementContext(ready.campaign, dep, ready.figures);
  for (const r of ready.recipients) {
    if (r.departement.code !== dep.code) continue;
    const context = recipientContext(depContext, r);
    const messages = renderMessages(ready.templates, context);
    buildLetter(ready.templates, context, messages);
    renderEmail(ready.templates, withMessages(context, messages));
    texts += 8;
  }
}
report({ ms: performance.now() - start, recipients: ready.recipients.length, texts });
