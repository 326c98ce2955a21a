import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * Outlook saves each notice as « <subject>.eml »: a folder of .eml is read in name order, so the
 * failure « Non remis _ … » comes before the earlier delay « Remise différée _ … » of the same
 * message. The journal keeps the town hall bounced (right), but the summary lists it twice: gone
 * for good and « (le serveur réessaie) » — the server gave up hours before. (src/bounces/process.ts
 * reports every delay read, without looking at what the same run or the journal already says of
 * that delivery.)
 */
let server: TestSmtp;
let dir: string;
let sent: { to: string; id: string; from: string };

beforeAll(async () => {
  server = await startSmtp();
  dir = sampleCampaign();
  const send = await relais(['-C', dir, 'send', '--commune', '45002', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
  if (send.code !== 0) throw new Error(send.stderr);
  const r = server.received[0]!;
  sent = { to: r.to, id: r.messageId!, from: r.mailFrom };
});
afterAll(async () => {
  await server.close();
});

function dsn(action: 'failed' | 'delayed', date: string, status: string, diagnostic: string, subject: string): string {
  return `From: Mail Delivery System <MAILER-DAEMON@mx.aillant.example>
To: ${sent.from}
Subject: ${subject}
Date: ${date}
Message-ID: <${action}-1@mx.aillant.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BB"

--BB
Content-Type: text/plain; charset=us-ascii

${action === 'failed' ? 'Delivery to the following recipient failed permanently.' : 'This is a warning only. The message will be retried.'}

--BB
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.aillant.example

Final-Recipient: rfc822; ${sent.to}
Action: ${action}
Status: ${status}
Diagnostic-Code: smtp; ${diagnostic}

--BB
Content-Type: text/rfc822-headers

To: ${sent.to}
Message-ID: ${sent.id}

--BB--
`.replace(/\n/g, '\r\n');
}

describe('a delay notice read after the failure of the same message', () => {
  it('is not reported as « le serveur réessaie » for a town hall just recorded as bounced for good', async () => {
    const folder = join(tempDir(), 'retours');
    mkdirSync(folder);
    writeFileSync(join(folder, 'Non remis _ Appel.eml'), dsn('failed', 'Fri, 10 Apr 2020 14:31:00 +0200', '5.2.2', '552 5.2.2 Mailbox full', 'Undelivered Mail Returned to Sender'));
    writeFileSync(join(folder, 'Remise différée _ Appel.eml'), dsn('delayed', 'Fri, 10 Apr 2020 10:31:00 +0200', '4.2.2', '452 4.2.2 Mailbox full', 'Delayed Mail (still being retried)'));
    const r = await relais(['-C', dir, 'bounces', folder]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 retour définitif enregistré');
    // It also says « 1 remise retardée » and « … 45 45002 mairie@aillant-sur-milleron.example —
    // 452 4.2.2 Mailbox full (le serveur réessaie) ».
    expect(r.stdout).not.toMatch(/45002[^\n]*le serveur réessaie/);
  });
});
