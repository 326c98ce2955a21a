import { describe, expect, it } from 'vitest';
import { processBounces } from '../src/bounces/process.js';
import { Journal } from '../src/delivery/journal.js';
import { CHANNEL } from '../src/delivery/send.js';
import { tempDir } from './helpers/campaign.js';
import { oneMessage, sentToOrleans } from './helpers/mbox.js';

/**
 * Hostile pass s13c: the non-delivery report of a French Exchange server (2010 wording, as it
 * lands in a préfecture's mailbox without its delivery-status part: text only), sent by
 * Exchange's system mailbox « Microsoft Exchange <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@…> »,
 * subject « Non remis : … », body « La remise aux destinataires ou groupes suivants a échoué : ».
 *
 * The README promises Exchange's text bounces, in French. What happens: the sender is not taken
 * for a mailer daemon and none of the sentences relais looks for is in the text, so the notice is
 * set aside as « autre » (like an advertisement): Orléans's email is still « sent », the town hall
 * never joins the print file, and its mayor never gets the letter.
 */
const CAMPAIGN = 'appel-a-volontaires-renfort-covid-2020-04-10';
const MESSAGE_ID = `<${CAMPAIGN}.45234.aaaaaaaaaaaa@ars-centre-val-de-loire.example>`;

const NDR = `From: Microsoft Exchange <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@prefecture.example>
To: retours@ars-centre-val-de-loire.example
Date: Fri, 10 Apr 2020 10:20:00 +0200
Subject: =?utf-8?Q?Non_remis=C2=A0:_Appel_=C3=A0_volontaires?=
Message-ID: <ndr-2010-fr-0001@prefecture.example>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

La remise aux destinataires ou groupes suivants a échoué :

mairie@orleans.example
L'adresse de messagerie que vous avez entrée est introuvable. Vérifiez l'adresse de messagerie du destinataire et essayez de renvoyer le message. Si le problème persiste, contactez votre service d'assistance.

Informations de diagnostic pour les administrateurs :

Serveur de génération : mail.prefecture.example

mairie@orleans.example
mx.orleans.example #550 5.1.1 User unknown ##

En-têtes du message d'origine :

From: ARS Centre-Val de Loire <communication@ars-centre-val-de-loire.example>
To: mairie@orleans.example
Date: Fri, 10 Apr 2020 10:05:00 +0200
Subject: Appel à volontaires
Message-ID: ${MESSAGE_ID}
`.replace(/\n/g, '\r\n');

describe('a French Exchange non-delivery report in text', () => {
  it('is read as a bounce and moves the town hall to the post', async () => {
    const dir = tempDir();
    const journal = Journal.open(dir, CAMPAIGN);
    try {
      sentToOrleans(journal, CAMPAIGN, CHANNEL, { messageId: MESSAGE_ID });
      const report = await processBounces(oneMessage(Buffer.from(NDR)), journal);
      // What a user expects: the « Non remis » is a bounce of Orléans's email; the town hall
      // is recorded « bounced » (its letter goes by post), not set aside with the advertisements.
      expect(report.setAside.others).toBe(0);
      expect(report.bounced.map((b) => b.commune)).toEqual(['45234']);
      expect(journal.all(CHANNEL, 'server').get('45234')!.status).toBe('bounced');
    } finally {
      journal.close();
    }
  });
});
