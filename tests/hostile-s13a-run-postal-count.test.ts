import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * The README guide, in order: step 7 sends to the local outbox (rehearsal), then through the
 * préfecture's server; step 10 reads a bounce for Orléans, whose letter joins
 * impression-45.pdf. Later the agent refreshes everything with `relais run` (« ou tout d'un
 * coup »), without RELAIS_SMTP_URL in this terminal. Its final table says, for the Loiret,
 * « Par courrier » one letter fewer than impression-45.pdf holds: Orléans is counted among the
 * « Courriels écrits » of the rehearsal, and its letter is also in the print file — counted twice,
 * once by email and once by post, and the postal figure disagrees with the file the mail room
 * prints. (In the Corsica walk-through: « 2A … Par courrier 12 », impression-2A.pdf 13 letters.)
 * A user expects « Par courrier » to be the number of letters in the print file, each town hall
 * counted once.
 */
let smtp: TestSmtp | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

// Dated when it is written, after the send it is about (a notice dated before it is an older message's).
const BOUNCE = () => `From: Mail Delivery System <MAILER-DAEMON@mx.prefecture.example>
To: communication@ars-centre-val-de-loire.example
Subject: Undelivered Mail Returned to Sender
Date: ${new Date().toUTCString()}
Message-ID: <b1@mx.prefecture.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BB"

--BB
Content-Type: text/plain; charset=utf-8

Your message could not be delivered.

--BB
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.prefecture.example

Final-Recipient: rfc822; mairie@orleans.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--BB--
`.replace(/\n/g, '\r\n');

interface RunJson {
  departements: Array<{ code: string; communes: number; courriels: { envoyes: number; parCourrier: number }; impression: number }>;
}

describe('relais run after a real send and a bounce, in rehearsal', () => {
  it('its « Par courrier » for the Loiret is the number of letters in impression-45.pdf', async () => {
    const dir = await sampleWithLetters();
    expect((await relais(['-C', dir, 'send', '--commune', '45234'])).code).toBe(0);
    smtp = await startSmtp();
    const real = await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env: { RELAIS_SMTP_URL: smtp.url } });
    expect(real.code).toBe(0);
    const bounce = join(dir, 'retour.eml');
    writeFileSync(bounce, BOUNCE());
    const read = await relais(['-C', dir, 'bounces', bounce]);
    expect(read.stdout).toMatch(/45234/);
    // Recorded against the email sent just before (not listed as an older message's).
    expect(read.stdout).toMatch(/\b1 retour définitif enregistré/);
    const run = await relaisJson<RunJson>(['-C', dir, 'run', '--dep', '45']);
    const loiret = run.json.departements.find((d) => d.code === '45')!;
    // Now: parCourrier is one fewer than the letters of impression-45.pdf (Orléans counted as an email written).
    expect(loiret.courriels.parCourrier).toBe(loiret.impression);
    // Each town hall once: written to the outbox (rehearsal) or by post, never both.
    expect(loiret.courriels.envoyes + loiret.courriels.parCourrier).toBe(loiret.communes);
    // status, which counts by the server's word, says the same of the Loiret.
    const status = await relaisJson<{ departements: Array<{ code: string; mairies: { parCourrier: number } }> }>(['-C', dir, 'status']);
    expect(status.json.departements.find((d) => d.code === '45')!.mairies.parCourrier).toBe(loiret.impression);
  });

  it('a rehearsal after the bounce writes nothing to the bounced town hall, as the real send would not', async () => {
    const dir = await sampleWithLetters();
    smtp = await startSmtp();
    expect((await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env: { RELAIS_SMTP_URL: smtp.url } })).code).toBe(0);
    const bounce = join(dir, 'retour.eml');
    writeFileSync(bounce, BOUNCE());
    expect((await relais(['-C', dir, 'bounces', bounce])).stdout).toMatch(/45234/);
    // No copy of Orléans's email in the outbox yet: a rehearsal now.
    const rehearsal = await relaisJson<{ sent: number; bounced: number; byPost: number }>(['-C', dir, 'send', '--commune', '45234']);
    expect(rehearsal.code, rehearsal.stderr).toBe(0);
    // Now: 1 written to the outbox, 0 bounced — the rehearsal writes to an address the server found unreachable.
    expect(rehearsal.json).toMatchObject({ sent: 0, bounced: 1 });
  });
});
