import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { sentToAdon } from './helpers/sent-adon.js';

/**
 * A non-delivery report in text only, in another language than English or French, as an Exchange
 * server set up in German writes it (« Unzustellbar: … », from postmaster, the SMTP answer
 * « 550 5.1.1 User unknown » in it), saved from Outlook as .eml (CRLF).
 *
 * src/bounces/read.ts takes a text message for a bounce only through its subject
 * (BOUNCE_SUBJECT: English and French words), or X-Failed-Recipients, or a multipart/report:
 * this one is set aside as « 1 autre message », like an advertisement. The town hall whose
 * address does not exist stays « envoyé » and never gets its letter by post.
 */
const sent = sentToAdon();

describe('a text-only bounce in German (Exchange « Unzustellbar »)', () => {
  it('is recorded as a bounce of the town hall it names, not set aside as « autre message »', async () => {
    const folder = join(tempDir(), 'retours');
    mkdirSync(folder);
    const ndr = `From: postmaster@adon.example
To: ${sent.adon().from}
Subject: Unzustellbar: Appel a volontaires renfort-covid : courrier aux maires du Loiret
Date: Fri, 10 Apr 2020 10:30:00 +0200
Message-ID: <ndr-de-1@adon.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Die Nachricht hat einige oder alle Empfänger nicht erreicht.

      Betreff: Appel a volontaires renfort-covid : courrier aux maires du Loiret
      Gesendet: 10.04.2020 10:15

Folgende(r) Empfänger konnte(n) nicht erreicht werden:

      ${sent.adon().to} am 10.04.2020 10:30
            Das E-Mail-Konto ist nicht vorhanden.
            <mail.adon.example #5.1.1 smtp;550 5.1.1 User unknown>
`;
    writeFileSync(join(folder, 'Unzustellbar.eml'), ndr.replace(/\n/g, '\r\n'));
    const r = await relais(['-C', sent.dir(), 'bounces', folder]);
    expect(r.code, r.stderr).toBe(0);
    // It says: « 0 retour définitif enregistré … Mis de côté : … 1 autre message ».
    expect(r.stdout).toContain('1 retour définitif enregistré');
    const status = await relaisJson<{ departements: Array<{ code: string; mairies: { parCourrier: number; parCourriel: number } }> }>(['-C', sent.dir(), 'status']);
    const loiret = status.json.departements.find((d) => d.code === '45')!;
    const before = (await relaisJson<{ departements: Array<{ code: string; mairies: { parCourrier: number } }> }>(['-C', sampleCampaign(), 'status'])).json.departements.find((d) => d.code === '45')!;
    // Adon's letter now goes by post: one more « par courrier » than in the campaign before sending.
    expect(loiret.mairies.parCourrier).toBe(before.mairies.parCourrier + 1);
  });
});
