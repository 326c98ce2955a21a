import { describe, expect, it } from 'vitest';
import { processBounces } from '../src/bounces/process.js';
import { Journal } from '../src/delivery/journal.js';
import { CHANNEL } from '../src/delivery/send.js';
import { tempDir } from './helpers/campaign.js';
import { oneMessage, sentToOrleans } from './helpers/mbox.js';

/**
 * Hostile pass s13c: a Postfix DSN that did not return the original headers (the receiving
 * server ignored RET=HDRS, or the sender's server does not include them), sitting in the
 * préfecture's bounce mailbox since March: the notice of an earlier newsletter sent from the
 * same mailbox to the same town-hall address (its box was full in March, emptied since).
 *
 * The README promises that a « retour d'un message plus ancien envoyé de la même adresse » is
 * listed, never taken for the campaign's. Here the notice itself (its Date, and its DSN's
 * Arrival-Date) is dated five weeks before relais ever wrote to that town hall: it cannot be
 * about relais's email. What happens: with no original headers, only the address is compared,
 * the dates of the notice are not looked at, and the town hall's email — delivered — is recorded
 * `bounced`: the town hall joins the print file and gets its letter twice (email and post), and
 * `status` says its email came back when it did not.
 */
const CAMPAIGN = 'appel-a-volontaires-renfort-covid-2020-04-10';

const OLD_NOTICE = `Return-Path: <>
Date: Mon, 2 Mar 2020 09:00:07 +0100 (CET)
From: MAILER-DAEMON@mx.ars-centre-val-de-loire.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: retours@ars-centre-val-de-loire.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="7C1D2E3F4A.1583136007/mx.ars-centre-val-de-loire.example"
Message-Id: <20200302080007.7C1D2E3F4A@mx.ars-centre-val-de-loire.example>

This is a MIME-encapsulated message.

--7C1D2E3F4A.1583136007/mx.ars-centre-val-de-loire.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.ars-centre-val-de-loire.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<mairie@orleans.example>: host mx.orleans.example[192.0.2.10] said: 552 5.2.2
    <mairie@orleans.example>: Mailbox full (in reply to RCPT TO command)

--7C1D2E3F4A.1583136007/mx.ars-centre-val-de-loire.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.ars-centre-val-de-loire.example
X-Postfix-Queue-ID: 7C1D2E3F4A
X-Postfix-Sender: rfc822; retours@ars-centre-val-de-loire.example
Arrival-Date: Mon,  2 Mar 2020 09:00:05 +0100 (CET)

Final-Recipient: rfc822; mairie@orleans.example
Original-Recipient: rfc822;mairie@orleans.example
Action: failed
Status: 5.2.2
Remote-MTA: dns; mx.orleans.example
Diagnostic-Code: smtp; 552 5.2.2 <mairie@orleans.example>: Mailbox full

--7C1D2E3F4A.1583136007/mx.ars-centre-val-de-loire.example--
`.replace(/\n/g, '\r\n');

describe('a bounce notice dated before relais wrote to the town hall, without the original headers', () => {
  it('is not recorded as a bounce of the campaign’s email (the town hall would get its letter twice)', async () => {
    const dir = tempDir();
    const journal = Journal.open(dir, CAMPAIGN);
    try {
      // relais wrote to Orléans on 10 April 2020, and the server accepted the email.
      sentToOrleans(journal, CAMPAIGN, CHANNEL, { messageId: `<${CAMPAIGN}.45234.aaaaaaaaaaaa@ars-centre-val-de-loire.example>` });
      const report = await processBounces(oneMessage(Buffer.from(OLD_NOTICE)), journal);
      // What a user expects: the March notice is listed as about an earlier message (or at least
      // not matched), and Orléans's email of 10 April stays « sent ».
      expect(journal.all(CHANNEL, 'server').get('45234')!.status).toBe('sent');
      expect(report.bounced).toEqual([]);
    } finally {
      journal.close();
    }
  });
});
