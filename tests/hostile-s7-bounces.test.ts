import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleWithLetters, tempDir, setTownHallEmails } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * Bounces as real servers write them, read from a folder of .eml after a real send:
 * - qmail's "failure notice" that quotes the original message's headers only (its Return-Path —
 *   the campaign's own envelope sender — and its Message-ID);
 * - Microsoft Exchange's delayed-delivery notice in French, text only, which names the original
 *   Message-ID ("Message-ID d'origine : <…>").
 * Both are understood (one bounce recorded, one delay). But each quoted Message-ID
 * (<…45001@ars-centre-val-de-loire.example>) is also taken for a recipient address and listed as
 * « retours sans envoi correspondant — adresse à laquelle cette campagne n'a rien envoyé »: two
 * unmatched "bounces" that do not exist, for a person to chase. (src/bounces/: the text forms
 * collect every address-like string of the body, a Message-ID in angle brackets included.)
 *
 * Then `status` counts the bounced town hall both among the 301 "par courriel" and the
 * "par courrier": 302 + 24 > 325 town halls (src/cli/status.ts).
 *
 * And once a new directory export gives the bounced town hall a new address, `letters` takes it
 * out of the print file and `send` writes to the new address, but `status` still shows it
 * « lettre par courrier » and not among those « à envoyer » (status reads the bounce from the
 * journal without comparing its address with the current data, as letters and send do).
 */
let server: TestSmtp;
let dir: string;
let sent: Array<{ to: string; id: string; from: string }>;

beforeAll(async () => {
  server = await startSmtp();
  // The sample with its letters drawn, as after `relais letters`: a print file is read below.
  dir = await sampleWithLetters();
  const send = await relais(['-C', dir, 'send', '--commune', '45001,45002', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
  if (send.code !== 0) throw new Error(send.stderr);
  sent = server.received
    .map((r) => ({ to: r.to, id: r.messageId!.replace(/^<|>$/g, ''), from: r.mailFrom }))
    .sort((a, b) => a.id.localeCompare(b.id));
});
afterAll(async () => {
  await server.close();
});

function bounceFolder(): string {
  const [adon, aillant] = sent;
  const folder = join(tempDir(), 'retours');
  mkdirSync(folder);
  writeFileSync(
    join(folder, 'qmail.eml'),
    `Return-Path: <>
From: MAILER-DAEMON@mail.adon.example
To: ${adon!.from}
Subject: failure notice
Date: Fri, 10 Apr 2020 10:30:00 +0200
Message-ID: <qmail-1@mail.adon.example>
Content-Type: text/plain; charset=us-ascii

Hi. This is the qmail-send program at mail.adon.example.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<${adon!.to}>:
mailbox is full (#5.2.2)

--- Below this line is the original message header only.

Return-Path: <${adon!.from}>
From: "ARS Centre-Val de Loire" <communication@ars-centre-val-de-loire.example>
To: ${adon!.to}
Message-ID: <${adon!.id}>
`,
  );
  writeFileSync(
    join(folder, 'exchange-retard.eml'),
    `From: Microsoft Outlook <postmaster@aillant-sur-milleron.example>
To: ${aillant!.from}
Subject: =?utf-8?Q?Remise_diff=C3=A9r=C3=A9e_:_Appel_=C3=A0_volontaires?=
Date: Sat, 11 Apr 2020 14:20:00 +0200
Message-ID: <delay-fr-1@aillant-sur-milleron.example>
Auto-Submitted: auto-generated
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

La remise à ces destinataires ou groupes n'est pas encore terminée :

${aillant!.to}

Aucune action n'est requise de votre part. Le système continuera d'essayer de remettre ce message pendant encore 1 jour, 19 heures et 54 minutes.

Informations de diagnostic pour les administrateurs :
Serveur distant : 451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped due to SocketError."
Message-ID d'origine : <${aillant!.id}>
`,
  );
  return folder;
}

interface Bounces {
  retours: unknown[];
  retards: unknown[];
  sansCorrespondance: Array<{ ref: string; address: string; explanation: string }>;
}
interface Status {
  departements: Array<{ code: string; mairies: { total: number; parCourriel: number; parCourrier: number } }>;
}

describe('bounces as real servers write them, after a real send', () => {
  it('are understood without listing the original Message-IDs as bounces with no send', async () => {
    expect(sent.map((s) => s.id)).toEqual([expect.stringMatching(/\.45001\.[0-9a-f]{12}@/), expect.stringMatching(/\.45002\.[0-9a-f]{12}@/)]);
    const { json, code } = await relaisJson<Bounces>(['-C', dir, 'bounces', bounceFolder()]);
    expect(code).toBe(0);
    expect(json.retours).toHaveLength(1);
    expect(json.retards).toHaveLength(1);
    // Today: the Message-IDs of both originals, « adresse à laquelle cette campagne n'a rien envoyé ».
    expect(json.sansCorrespondance).toEqual([]);
  });

  it('status counts the bounced town hall by post only, not by email as well', async () => {
    const status = await relaisJson<Status>(['-C', dir, 'status']);
    const loiret = status.json.departements.find((d) => d.code === '45')!.mairies;
    expect(loiret.parCourrier).toBe(25); // the 24 without an address, and Adon
    expect(loiret.parCourriel + loiret.parCourrier).toBe(loiret.total);
  });

  it('once the directory gives the bounced town hall a new address, status says one email is left to send, as send then sends it', async () => {
    await relais(['-C', dir, 'bounces', bounceFolder()]); // idempotent: Adon is bounced
    setTownHallEmails(dir, '45001', ['secretariat@adon.example']);

    const letters = await relaisJson<{ impression: Array<{ departement: string; lettres: number }> }>(['-C', dir, 'letters', '--dep', '45']);
    expect(letters.json.impression.find((p) => p.departement === '45')!.lettres).toBe(24); // Adon left the print file
    const status = await relaisJson<Status & { departements: Array<{ mairies: { aEnvoyer: number } }> }>(['-C', dir, 'status']);
    const loiret = status.json.departements.find((d) => d.code === '45')!.mairies as { total: number; parCourriel: number; parCourrier: number; aEnvoyer: number };
    // 301 by email in the Loiret, Aillant sent: 299 never sent, and Adon at its new address.
    // Today: 299 to send and 25 by post, Adon still shown « lettre par courrier ».
    expect(loiret.aEnvoyer).toBe(300);
    expect(loiret.parCourrier).toBe(24);

    const before = server.received.length;
    const send = await relais(['-C', dir, 'send', '--commune', '45001', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(send.code, send.stderr).toBe(0);
    expect(server.received.slice(before).map((r) => r.to)).toEqual(['secretariat@adon.example']);
  });

  it('a DSN for a forwarded copy (our ENVID, an address never written) is not said to be about an address « corrigée » since', async () => {
    // The town hall forwards its mail to the secretary's own box, which bounces: the DSN carries
    // our ENVID and the forwarding target as Final-Recipient. relais never wrote to that address
    // and never sent the letter again; today it says both (src/bounces/match.ts takes any
    // other address for an "old-address", src/bounces/process.ts words it).
    const aillant = sent[1]!;
    const folder = join(tempDir(), 'retours-suivi');
    mkdirSync(folder);
    writeFileSync(
      join(folder, 'orange.eml'),
      `Return-Path: <>
From: MAILER-DAEMON@smtp.orange.fr (Mail Delivery System)
To: ${aillant.from}
Subject: Undelivered Mail Returned to Sender
Date: Mon, 13 Apr 2020 10:00:00 +0200
Message-Id: <fwd-1@smtp.orange.fr>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="Q1"

--Q1
Content-Type: text/plain; charset=us-ascii

<secretaire.aillant@orange.fr>: mailbox unavailable

--Q1
Content-Type: message/delivery-status

Reporting-MTA: dns; smtp.orange.fr
Original-Envelope-Id: ${aillant.id.replace(/@.*$/, '')}

Final-Recipient: rfc822; secretaire.aillant@orange.fr
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable

--Q1--
`,
    );
    const { json } = await relaisJson<Bounces>(['-C', dir, 'bounces', folder]);
    expect(json.sansCorrespondance).toHaveLength(1);
    // Today: « ancienne adresse de la commune 45002 : la lettre a été renvoyée depuis à l'adresse corrigée ».
    expect(json.sansCorrespondance[0]!.explanation).not.toMatch(/renvoyée|corrigée|ancienne adresse/);
  });
});
