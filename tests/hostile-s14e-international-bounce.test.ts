import { describe, expect, it } from 'vitest';
import { processBounces } from '../src/bounces/process.js';
import { Journal } from '../src/delivery/journal.js';
import { CHANNEL } from '../src/delivery/send.js';
import { tempDir } from './helpers/campaign.js';
import { oneMessage } from './helpers/mbox.js';

/**
 * Town halls whose address is international, as the data give it: on an internationalised domain
 * (« mairie@saint-étienne.fr ») or with an accent in its local part (« élodie.mairie@… »). relais
 * sends both rightly: the first in ASCII, `RCPT TO:<mairie@xn--saint-tienne-geb.fr>` and
 * `To: mairie@xn--saint-tienne-geb.fr` (the A-label, RFC 5890/5891; nodemailer converts the
 * domain), the second in UTF-8 on an SMTPUTF8 session (RFC 6531). The mailbox does not exist:
 * 550 5.1.1, permanent, and the non-delivery report comes back with relais's own Message-ID in the
 * original headers (RET=HDRS).
 *
 * 1. For the IDN domain the report says `Final-Recipient: rfc822; mairie@xn--saint-tienne-geb.fr`
 *    (RFC 3464 § 2.3.2: the address as the reporting MTA had it). `relais bounces` matches the
 *    report by its Message-ID, compares the address with the journal's (Unicode form) and sets it
 *    aside: « adresse à laquelle relais n'a pas écrit : le courriel de la commune 45001 est parti à
 *    mairie@saint-étienne.fr … ; rien n'est changé pour cette mairie ». relais did write to it, to
 *    that very A-label. An accented domain is also what a typo gives (« mairie@orléans.fr » for
 *    orleans.fr): `check` takes it, the email goes to a domain that does not exist, and its bounce
 *    is set aside the same way.
 * 2. For the accented local part the report is the internationalised one (RFC 6533:
 *    `report-type=global-delivery-status`, `Final-Recipient: utf-8; élodie.mairie@…`); relais
 *    reads the address as « lodie.mairie@aillant.example » (its address pattern is ASCII) and sets
 *    the report aside likewise.
 *
 * Either way the town hall stays « envoyé », never joins the print file, and its mayor never gets
 * the letter. Expected: one address whatever its form (domains compared after IDNA conversion,
 * UTF-8 local parts read whole); the email recorded `bounced`, the letter sent by post.
 */
const CAMPAIGN = 'appel-a-volontaires-renfort-covid-2020-04-10';
const messageId = (commune: string) => `<${CAMPAIGN}.${commune}.aaaaaaaaaaaa@ars-centre-val-de-loire.example>`;

/** A Postfix report of a 550 5.1.1, with the original headers; `global`: the RFC 6533 form. */
function notice(commune: string, reported: string, global: boolean): Buffer {
  const boundary = '4B2C1A0F9E.1586505607/mx.ars-centre-val-de-loire.example';
  const [local, domain] = reported.split('@');
  return Buffer.from(
    `Return-Path: <>
Date: Fri, 10 Apr 2020 10:00:07 +0200 (CEST)
From: MAILER-DAEMON@mx.ars-centre-val-de-loire.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: communication@ars-centre-val-de-loire.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=${global ? 'global-delivery-status' : 'delivery-status'};
\tboundary="${boundary}"
Message-Id: <20200410080007.4B2C1A0F9E@mx.ars-centre-val-de-loire.example>

This is a MIME-encapsulated message.

--${boundary}
Content-Description: Notification
Content-Type: text/plain; charset=${global ? 'utf-8' : 'us-ascii'}

This is the mail system at host mx.ars-centre-val-de-loire.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<${reported}>: host mx.${domain}[192.0.2.10] said:
    550 5.1.1 <${reported}>: Recipient address rejected:
    User unknown (in reply to RCPT TO command)

--${boundary}
Content-Description: Delivery report
Content-Type: message/${global ? 'global-delivery-status' : 'delivery-status'}

Reporting-MTA: dns; mx.ars-centre-val-de-loire.example
X-Postfix-Queue-ID: 4B2C1A0F9E
X-Postfix-Sender: rfc822; communication@ars-centre-val-de-loire.example
Arrival-Date: Fri, 10 Apr 2020 10:00:05 +0200 (CEST)

Final-Recipient: ${global ? 'utf-8' : 'rfc822'}; ${local}@${domain}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.${domain}
Diagnostic-Code: smtp; 550 5.1.1 <${reported}>: Recipient address rejected:
    User unknown

--${boundary}
Content-Description: Undelivered Message Headers
Content-Type: ${global ? 'message/global-headers' : 'text/rfc822-headers'}

From: "ARS Centre-Val de Loire" <communication@ars-centre-val-de-loire.example>
To: ${reported}
Subject: =?UTF-8?Q?Appel_=C3=A0_volontaires_renfort-covid_?=
 =?UTF-8?Q?=3A_courrier_aux_maires_du_Loiret?=
Message-ID:
 ${messageId(commune)}
Date: Fri, 10 Apr 2020 08:05:00 +0000

--${boundary}--
`.replace(/\n/g, '\r\n'),
  );
}

describe('a permanent bounce for a town hall with an international address', () => {
  it.each([
    ['an internationalised domain', '45001', 'mairie@saint-étienne.fr', 'mairie@xn--saint-tienne-geb.fr', false],
    ['an accent in its local part', '45002', 'élodie.mairie@aillant.example', 'élodie.mairie@aillant.example', true],
  ])('%s: recorded for that town hall, whose letter then goes by post', async (_case, commune, address, reported, global) => {
    const journal = Journal.open(tempDir(), CAMPAIGN);
    try {
      // The town hall's email, sent the morning of 10 April 2020 to the address of the data.
      journal.exec(`
        INSERT INTO deliveries (campaign, channel, commune, destination, server, departement, recipient, status, attempts, last_reply, message_hash, message_id, created_at, updated_at, sent_at)
        VALUES ('${CAMPAIGN}', '${CHANNEL}', '${commune}', 'server', 'smtp.example:587', '45', '${address}', 'sent', 1, '250 2.0.0 Ok: queued',
          'aaaaaaaaaaaa0000', '${messageId(commune)}', '2020-04-10T08:00:00.000Z', '2020-04-10T08:05:00.000Z', '2020-04-10T08:05:00.000Z');
      `);
      const report = await processBounces(oneMessage(notice(commune, reported, global)), journal);
      expect(report.unmatched.map((u) => u.explanation)).toEqual([]);
      expect(report.bounced.map((b) => b.commune)).toEqual([commune]);
      expect(journal.all(CHANNEL, 'server').get(commune)!.status).toBe('bounced');
    } finally {
      journal.close();
    }
  });
});
