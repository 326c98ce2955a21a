import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processBounces } from '../src/bounces/process.js';
import { Journal } from '../src/delivery/journal.js';
import { CHANNEL } from '../src/delivery/send.js';
import { BOUNCE_FIXTURES, oneMessage, sentToOrleans } from './helpers/mbox.js';
import { tempDir } from './helpers/campaign.js';

/**
 * Hostile pass s12c: the Message-ID now carries the message's hash, so that a corrected email is
 * a message of its own. A bounce read after the correction went out, about the first version
 * (its hash in the ID and the ENVID), is still taken for a bounce of the corrected email.
 */
const CAMPAIGN = 'appel-a-volontaires-renfort-covid-2020-04-10';
const FIRST = 'aaaaaaaaaaaa';
const CORRECTED = 'bbbbbbbbbbbb';

/** Postfix's DSN of the sample corpus, turned into a « message too big » of the first version. */
function tooBigNoticeOfFirstVersion(): Buffer {
  const text = readFileSync(join(BOUNCE_FIXTURES, 'postfix-dsn.eml'), 'utf8')
    .replace(`Original-Envelope-Id: ${CAMPAIGN}.45234`, `Original-Envelope-Id: ${CAMPAIGN}.45234.${FIRST}`)
    .replace(`Message-ID: <${CAMPAIGN}.45234@`, `Message-ID: <${CAMPAIGN}.45234.${FIRST}@`)
    .replace('Status: 5.1.1', 'Status: 5.3.4')
    .replace(/Diagnostic-Code: smtp; 550 5\.1\.1 [^\n]*\n[^\n]*\n/, 'Diagnostic-Code: smtp; 552 5.3.4 Message size exceeds fixed limit\n');
  expect(text).toContain(`${CAMPAIGN}.45234.${FIRST}@`);
  expect(text).toContain('Status: 5.3.4');
  return Buffer.from(text);
}

describe('a bounce of the first version of an email read after its correction was accepted', () => {
  it('does not mark the corrected email bounced (its letter would go by post as well)', async () => {
    const dir = tempDir();
    const journal = Journal.open(dir, CAMPAIGN);
    try {
      // The town hall's email as --resend-changed left it: the corrected version (a lighter
      // letter) accepted by the server, its own Message-ID.
      sentToOrleans(journal, CAMPAIGN, CHANNEL, { hash: `${CORRECTED}00000000`, messageId: `<${CAMPAIGN}.45234.${CORRECTED}@ars-centre-val-de-loire.example>`, attempts: 2, sentAt: '2020-04-10T14:00:00.000Z' });
      const report = await processBounces(oneMessage(tooBigNoticeOfFirstVersion(), 'retours.eml'), journal);
      const row = journal.all(CHANNEL, 'server').get('45234')!;
      // What happens: the notice about version aaaa… is matched by commune alone, and the
      // corrected email (bbbb…, accepted at 14:00) is recorded as bounced: the town hall joins
      // the print file and `status` says its email came back.
      expect(row.status).toBe('sent');
      expect(report.bounced).toEqual([]);
    } finally {
      journal.close();
    }
  });
});
