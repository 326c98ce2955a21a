import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { sentToAdon } from './helpers/sent-adon.js';

/**
 * The sender's mailbox holds more than this campaign's bounces: the ARS sends its newsletter from
 * the same address. A qmail notice of 2 March (mailbox full, since emptied) about the March
 * newsletter to the same town hall quotes that message's headers: its Message-ID is not one of
 * this campaign's (`<campaign.commune@domain>`), its subject and date are another message's.
 *
 * src/bounces/match.ts only sets a notice aside when a quoted identifier parses as
 * `campaign.commune` of another campaign; a Message-ID of any other shape is dropped by
 * parseIdentifier, and the notice is then matched by the quoted To (« original-to »): Adon,
 * whose email of this campaign was accepted and never bounced, is recorded « bounced », moved to
 * the print file and counted « par courrier » — its mayor gets the letter a second time, by post.
 */
const sent = sentToAdon();

describe('a bounce of another message from the same sender (the March newsletter)', () => {
  it('is not recorded as a bounce of this campaign’s email to the same town hall', async () => {
    const file = join(tempDir(), 'failure-notice.eml');
    writeFileSync(
      file,
      `Return-Path: <>
From: MAILER-DAEMON@mail.adon.example
To: ${sent.adon().from}
Subject: failure notice
Date: Mon, 02 Mar 2020 10:30:00 +0100
Message-ID: <qmail-old@mail.adon.example>
Content-Type: text/plain; charset=us-ascii

Hi. This is the qmail-send program at mail.adon.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<${sent.adon().to}>:
mailbox is full (#5.2.2)

--- Below this line is the original message header only.

Return-Path: <${sent.adon().from}>
From: "ARS Centre-Val de Loire" <${sent.adon().from}>
To: ${sent.adon().to}
Subject: Lettre d'information de l'ARS - mars 2020
Message-ID: <5e5cd1a2.1c69fb81.4f2e3.7a1b@ars-centre-val-de-loire.example>
Date: Mon, 02 Mar 2020 10:15:00 +0100
`,
    );
    const before = (await relaisJson<{ departements: Array<{ code: string; mairies: { parCourrier: number } }> }>(['-C', sent.dir(), 'status'])).json.departements.find((d) => d.code === '45')!;
    const r = await relais(['-C', sent.dir(), 'bounces', file]);
    expect(r.code, r.stderr).toBe(0);
    // It says « 1 retour définitif enregistré (ces mairies passent au courrier postal) …
    // ✖ 45 45001 accueil@adon.example — mailbox is full (#5.2.2) ».
    expect(r.stdout).not.toContain('1 retour définitif enregistré');
    const after = (await relaisJson<{ departements: Array<{ code: string; mairies: { parCourrier: number } }> }>(['-C', sent.dir(), 'status'])).json.departements.find((d) => d.code === '45')!;
    expect(after.mairies.parCourrier).toBe(before.mairies.parCourrier);
  });
});
