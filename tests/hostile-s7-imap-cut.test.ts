import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startDovecot, type TestImap } from './servers/dovecot.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * The IMAP server goes away in the middle of `relais bounces` (a TCP proxy in front of Dovecot
 * cuts the connection once the server has sent a given number of bytes: no clock involved).
 * relais says « injoignable ou en erreur … rien n'a été modifié ; relancez la même commande » —
 * but the bounces read before the cut are already recorded in the journal: those town halls have
 * moved to the post (status counts them « revenus en erreur »). The next run finds them « déjà
 * lus ». Recording them is right; saying nothing changed is not: the user is told to trust a
 * journal that did change (src/cli/bounces.ts, the IMAP error message, and src/bounces/process.ts,
 * which records each bounce as it is read).
 */
let imap: TestImap | undefined;
let smtp: TestSmtp | undefined;
let proxy: Server | undefined;
afterAll(async () => {
  proxy?.close();
  await Promise.all([imap?.close(), smtp?.close()]);
});

function dsn(to: string, insee: string, i: number): Buffer {
  const text = `Return-Path: <>
From: MAILER-DAEMON@mx.example (Mail Delivery System)
To: communication@ars-centre-val-de-loire.example
Subject: Undelivered Mail Returned to Sender
Date: Fri, 10 Apr 2020 10:15:02 +0200
Message-Id: <dsn-${i}@mx.example>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B${i}"

--B${i}
Content-Type: text/plain; charset=us-ascii

${'The mail system could not deliver your message to its recipient.\n'.repeat(40)}
--B${i}
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example
Original-Envelope-Id: appel-a-volontaires-renfort-covid-2020-04-10.${insee}

Final-Recipient: rfc822; ${to}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--B${i}--
`;
  return Buffer.from(text.replace(/\n/g, '\r\n'));
}

/** A proxy to `port` that cuts each connection once the server has sent more than `limit` bytes. */
async function cuttingProxy(port: number, limit: number): Promise<number> {
  proxy = createServer((client: Socket) => {
    const upstream = connect(port, '127.0.0.1');
    let sent = 0;
    upstream.on('data', (d: Buffer) => {
      sent += d.length;
      if (sent > limit) {
        client.destroy();
        upstream.destroy();
      } else client.write(d);
    });
    client.on('data', (d: Buffer) => upstream.write(d));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  return (proxy.address() as AddressInfo).port;
}

interface Status {
  departements: Array<{ code: string; courriels: { serveur: Record<string, number> } }>;
}

describe('the IMAP server cut in the middle of relais bounces', () => {
  it('does not say « rien n\u2019a été modifié » when it recorded bounces before the cut', async () => {
    [imap, smtp] = await Promise.all([startDovecot(), startSmtp()]);
    const dir = sampleCampaign();
    const send = await relaisJson<{ sent: number }>(['-C', dir, 'send', '--dep', '45', '--limit', '40', '--yes'], { env: { RELAIS_SMTP_URL: smtp.url } });
    expect(send.json.sent).toBe(40);
    const notices = smtp.received.map((r, i) => dsn(r.to, /\.(\d{5})\.[0-9a-f]{12}@/.exec(r.messageId!)![1]!, i));
    await imap.append('INBOX', notices);
    const total = notices.reduce((n, m) => n + m.length, 0);
    const port = await cuttingProxy(imap.port, Math.floor(total * 0.85));
    const env = { RELAIS_IMAP_URL: `imap://127.0.0.1:${port}`, RELAIS_IMAP_USER: imap.user, RELAIS_IMAP_PASSWORD: imap.password, RELAIS_IMAP_CA_FILE: imap.caFile };

    const cut = await relais(['-C', dir, 'bounces', '--move-to', 'Traites'], { env });
    expect(cut.code).toBe(1);
    const status = await relaisJson<Status>(['-C', dir, 'status']);
    const bounced = status.json.departements.find((d) => d.code === '45')!.courriels.serveur.bounced!;
    // The cut run recorded some of them (16 of 40 here)...
    expect(bounced).toBeGreaterThan(0);
    // ...and says that nothing was changed.
    expect(cut.stderr).not.toMatch(/rien n.a été modifié/);
    expect(cut.stderr).toMatch(new RegExp(`${bounced}`));
  });
});
