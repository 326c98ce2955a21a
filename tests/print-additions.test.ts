import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleWithLetters, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * The print file is rewritten whole when a bounce adds a town hall to it: the earlier file may
 * already be in the post. Its newcomers are also written apart (impression-<dep>-ajouts.pdf), so
 * that nobody is sent the same letter twice by reprinting everything.
 */
interface Letters {
  impression: Array<{ departement: string; fichier: string; lettres: number; retours: number; ajouts: { fichier: string; lettres: number; pages: number } | null }>;
}

let server: TestSmtp;
beforeAll(async () => {
  server = await startSmtp();
});
afterAll(async () => {
  await server.close();
});

function dsn(to: string, envelopeId: string): string {
  return `Return-Path: <>
From: MAILER-DAEMON@mx.example (Mail Delivery System)
To: communication@ars-centre-val-de-loire.example
Subject: Undelivered Mail Returned to Sender
Message-Id: <dsn-1@mx.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

The mail system could not deliver your message.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example
Original-Envelope-Id: ${envelopeId}

Final-Recipient: rfc822; ${to}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--B1--
`;
}

describe('a print file that gains a letter after a bounce', () => {
  it('writes the newcomer apart, says so, and keeps it until the print file changes again', async () => {
    const dir = await sampleWithLetters();
    const first = await relaisJson<Letters>(['-C', dir, 'letters', '--dep', '45']);
    const before = first.json.impression.find((p) => p.departement === '45')!;
    expect(before.ajouts).toBeNull();

    const send = await relais(['-C', dir, 'send', '--commune', '45001', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(send.code, send.stderr).toBe(0);
    const sent = server.received.at(-1)!;
    const folder = join(tempDir(), 'retours');
    mkdirSync(folder);
    writeFileSync(join(folder, 'dsn.eml'), dsn(sent.to, sent.messageId!.replace(/^<|@.*$/g, '')));
    const bounces = await relaisJson<{ retours: unknown[] }>(['-C', dir, 'bounces', folder]);
    expect(bounces.json.retours).toHaveLength(1);

    const after = await relaisJson<Letters>(['-C', dir, 'letters', '--dep', '45']);
    const print = after.json.impression.find((p) => p.departement === '45')!;
    expect(print.lettres).toBe(before.lettres + 1);
    expect(print.ajouts).toMatchObject({ fichier: join('out', 'lettres', '45', 'impression-45-ajouts.pdf'), lettres: 1, pages: 2 });
    expect(existsSync(join(dir, print.ajouts!.fichier))).toBe(true);
    const text = await relais(['-C', dir, 'letters', '--dep', '45', '--force']);
    expect(text.stdout).toContain("dont 1 lettre qui n'était dans aucun fichier à imprimer précédent : out/lettres/45/impression-45-ajouts.pdf (2 pages) ; si le précédent est déjà posté, n'imprimez que celle-ci");

    // Unchanged since (or rewritten with the same communes, as --force just did): the additions
    // stay, said again.
    const again = await relaisJson<Letters>(['-C', dir, 'letters', '--dep', '45']);
    expect(again.json.impression.find((p) => p.departement === '45')!.ajouts).toEqual(print.ajouts);
    expect(existsSync(join(dir, print.ajouts!.fichier))).toBe(true);

    // --all prints every commune for another use: no additions beside it, the old file removed.
    const all = await relaisJson<Letters>(['-C', dir, 'letters', '--dep', '45', '--all']);
    expect(all.json.impression.find((p) => p.departement === '45')!.ajouts).toBeNull();
    expect(existsSync(join(dir, print.ajouts!.fichier))).toBe(false);
  });
});
