import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readyCampaign } from '../src/campaign/check.js';
import { prepareEmail } from '../src/delivery/message.js';
import { sampleCampaign } from './helpers/campaign.js';

/**
 * The préfecture sends, then finds a mistake (a wrong date in the subject, a corrected letter) and
 * sends the corrected email with `relais send --resend-changed`, as README says (« Si le courriel
 * a changé depuis un premier envoi, relais le signale et ne renvoie qu'avec --resend-changed »).
 * The corrected message carries the Message-ID of the first one: it is fixed per campaign and
 * commune (src/campaign/plan.ts, `<campaign.commune@domain>`). A Message-ID names one message;
 * mail stores deduplicate on it — Gmail / Google Workspace keep the first copy of a Message-ID
 * and drop later ones, Exchange's duplicate detection does the same in a mailbox — so the town
 * hall may never see the correction, while the journal says it was sent. (A resend of the *same*
 * message, --resend-unconfirmed, rightly keeps its Message-ID: a duplicate is then recognised.)
 */
describe('an email corrected after it was sent', () => {
  it('goes out with a Message-ID of its own, not the first version’s', async () => {
    const dir = sampleCampaign();
    const first = await readyCampaign(dir);
    const pick = (r: typeof first) => r.plan.recipients.find((p) => p.recipient.commune.code === '45234')!;
    const letter = { path: join(dir, 'out', 'lettre.pdf'), hash: 'same-letter' };
    mkdirSync(join(dir, 'out'), { recursive: true });
    writeFileSync(letter.path, '%PDF-1.4\n');
    const before = prepareEmail(pick(first), letter, []);

    const subject = join(dir, 'templates', 'courriel-objet.hbs');
    writeFileSync(subject, `${readFileSync(subject, 'utf8').trimEnd()} (version corrigée)\n`);
    const after = prepareEmail(pick(await readyCampaign(dir)), letter, []);

    expect(after.hash, 'the corrected email must differ from the first').not.toBe(before.hash);
    expect(after.messageId, `both versions are ${before.messageId}`).not.toBe(before.messageId);
  });
});
