import { describe, expect, it } from 'vitest';
import { processBounces } from '../src/bounces/process.js';
import { Journal } from '../src/delivery/journal.js';
import { CHANNEL } from '../src/delivery/send.js';
import { tempDir } from './helpers/campaign.js';
import { oneMessage, sentToOrleans } from './helpers/mbox.js';

/**
 * Hostile pass s13c: an Exchange non-delivery report in text (no delivery-status part) ends with
 * the original message's headers under a title relais does not know: « Original message
 * headers: » (Exchange in English) or « En-têtes du message d’origine : » (French, typographic
 * apostrophe; the straight one is recognised). Those headers are then read as part of the notice,
 * and every address in them that is not the notice's own From/To — the original's From (the
 * ARS's sending address, when bounces are routed to a separate « retours@ » box) and its
 * Reply-To — is taken for a recipient that failed.
 *
 * What happens: beside Orléans's bounce (right), the report lists « sans correspondance » a
 * failure of « our message at another address » for communication@ and volontaires@ — the ARS's
 * own addresses — which never failed: the report says something untrue, and an agent reading it
 * is sent looking for a town hall that forwards to the ARS. What a user expects: only
 * mairie@orleans.example is reported; the original's headers only serve to find the email.
 */
const CAMPAIGN = 'appel-a-volontaires-renfort-covid-2020-04-10';
const MESSAGE_ID = `<${CAMPAIGN}.45234.aaaaaaaaaaaa@ars-centre-val-de-loire.example>`;

const ndr = (intro: string, title: string) =>
  Buffer.from(
    `From: postmaster@prefecture.example
To: retours@ars-centre-val-de-loire.example
Date: Fri, 10 Apr 2020 10:20:00 +0200
Subject: Undeliverable: Appel
Message-ID: <ndr-text-${title.length}@prefecture.example>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

${intro}

mairie@orleans.example
mx.orleans.example #550 5.1.1 User unknown ##

${title}

Received: from mail.ars-centre-val-de-loire.example by mail.prefecture.example; Fri, 10 Apr 2020 10:05:01 +0200
From: ARS Centre-Val de Loire <communication@ars-centre-val-de-loire.example>
Reply-To: volontaires@ars-centre-val-de-loire.example
To: mairie@orleans.example
Date: Fri, 10 Apr 2020 10:05:00 +0200
Subject: Appel à volontaires
Message-ID: ${MESSAGE_ID}
`.replace(/\n/g, '\r\n'),
    'utf8',
  );

describe('an Exchange text bounce quoting the original message’s headers', () => {
  it.each([
    ['English', 'Delivery has failed to these recipients or groups:', 'Original message headers:'],
    ['French', 'La remise aux destinataires ou groupes suivants a échoué :', 'En-têtes du message d’origine :'],
  ])('(%s) reports Orléans only, not the ARS’s own addresses found in the quoted headers', async (_language, intro, title) => {
    const dir = tempDir();
    const journal = Journal.open(dir, CAMPAIGN);
    try {
      sentToOrleans(journal, CAMPAIGN, CHANNEL, { messageId: MESSAGE_ID });
      const report = await processBounces(oneMessage(ndr(intro, title)), journal);
      expect(report.bounced.map((b) => b.commune)).toEqual(['45234']);
      expect(report.unmatched.map((u) => u.address)).toEqual([]);
    } finally {
      journal.close();
    }
  });
});
