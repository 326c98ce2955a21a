import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readyCampaign } from '../src/campaign/check.js';
import { sendCampaign } from '../src/delivery/send.js';
import { outboxTransport } from '../src/delivery/transport.js';
import { sampleWithLetters } from './helpers/campaign.js';

/**
 * Hostile pass s12c: a corrected email gets a Message-ID of its own, made of the message's hash,
 * because Gmail and Exchange keep the first copy of a Message-ID and drop the next. A correction
 * undone (the subject put back as it was, sent again with --resend-changed) has the first
 * version's hash again, so the first version's Message-ID: the mail store drops it as a copy of
 * the first message, and the town hall's latest email is the correction the agent took back.
 */
const idOf = (eml: string) => /^Message-ID:\s*(<[^>]+>)/im.exec(readFileSync(eml, 'utf8'))![1]!;

describe('a correction undone and sent again', () => {
  it('goes with a Message-ID the town hall has not received yet', async () => {
    const dir = await sampleWithLetters();
    const outbox = join(dir, 'out', 'outbox');
    const eml = join(outbox, '45', '45234-orleans.eml');
    const subject = join(dir, 'templates', 'courriel-objet.hbs');
    const original = readFileSync(subject, 'utf8');
    const send = async () => {
      const r = await sendCampaign(await readyCampaign(dir), outboxTransport(outbox), { communes: ['45234'], workers: 1, resendChanged: true });
      expect(r.sent).toBe(1);
      return idOf(eml);
    };
    const first = await send();
    writeFileSync(subject, original.replace('courrier aux maires', 'courrier urgent aux maires'));
    const corrected = await send();
    expect(corrected).not.toBe(first);
    // The correction taken back: the subject is the first one again.
    writeFileSync(subject, original);
    const undone = await send();
    // What happens: `undone` is `first`, character for character (same hash, same ID).
    expect([first, corrected]).not.toContain(undone);
  });
});
