import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { readyCampaign } from '../src/campaign/check.js';
import { parseIdentifier } from '../src/bounces/match.js';
import { messageIdOf } from '../src/delivery/message.js';
import { sendCampaign } from '../src/delivery/send.js';
import { outboxTransport } from '../src/delivery/transport.js';
import { sampleWithLetters } from './helpers/campaign.js';

/**
 * A Message-ID names the campaign, the commune and the message's own hash: a corrected email is a
 * message of its own (tests/hostile-s12-resent-message-id.test.ts), the same one sent again is its
 * duplicate, and a bounce of either form leads back to the commune.
 */
describe('Message-IDs', () => {
  it('read back to the campaign and the commune, with the hash or without (an older relais)', () => {
    const id = messageIdOf('<appel-2020.45234@ars.example>', '0123456789abcdef0123');
    expect(id).toBe('<appel-2020.45234.0123456789ab@ars.example>');
    expect(parseIdentifier(id)).toEqual({ campaign: 'appel-2020', commune: '45234', hash: '0123456789ab' });
    expect(parseIdentifier('appel-2020.2A004.0123456789ab')).toEqual({ campaign: 'appel-2020', commune: '2A004', hash: '0123456789ab' });
    expect(parseIdentifier('<appel-2020.45234@ars.example>')).toEqual({ campaign: 'appel-2020', commune: '45234' });
    // Not ours: a hash-like tail after no commune, or a commune-like one after no campaign.
    expect(parseIdentifier('<appel-2020.0123456789ab@ars.example>')).toBeNull();
    expect(parseIdentifier('<45234.0123456789ab@ars.example>')).toBeNull();
    expect(parseIdentifier('<CAF1234@mail.gmail.com>')).toBeNull();
  });

  it('an unconfirmed email sent again keeps the Message-ID it first went with, even one written without the hash', async () => {
    const dir = await sampleWithLetters();
    const ready = await readyCampaign(dir);
    const outbox = join(dir, 'out', 'outbox');
    await sendCampaign(ready, outboxTransport(outbox), { communes: ['45234'], workers: 1 });
    const eml = join(outbox, '45', '45234-orleans.eml');
    const first = /^Message-ID:\s*(<[^>]+>)/im.exec(readFileSync(eml, 'utf8'))![1]!;
    expect(parseIdentifier(first)?.commune).toBe('45234');
    // As an older relais left it: unconfirmed, its Message-ID without the hash.
    const older = first.replace(/\.[0-9a-f]{12}@/, '@');
    const db = new Database(join(dir, '.relais', 'journal.sqlite'));
    db.prepare("UPDATE deliveries SET status = 'unconfirmed', message_id = ? WHERE commune = '45234'").run(older);
    db.close();
    const again = await sendCampaign(ready, outboxTransport(outbox), { communes: ['45234'], workers: 1, resendUnconfirmed: true });
    expect(again.sent).toBe(1);
    expect(/^Message-ID:\s*(<[^>]+>)/im.exec(readFileSync(eml, 'utf8'))![1]).toBe(older);
  });
});
