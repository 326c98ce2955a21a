import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleWithLetters, tempDir, setTownHallEmails } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * The print file is rewritten whole when a bounce adds a town hall to it: the earlier version may
 * already be in the post. Which letters came in since that version is said, by name and with each
 * one's own file, so that nobody is sent the same letter twice by reprinting everything.
 */
interface Change {
  code: string;
  nom: string;
  fichier?: string;
}
interface Letters {
  impression: Array<{ departement: string; fichier: string; lettres: number; retours: number; depuis: { date: string | null; lettres: number; ajoutees: Change[]; retirees: Change[] } | null }>;
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
  it('says which letter came in since its last version, and where that letter is on its own', async () => {
    const dir = await sampleWithLetters();
    const first = await relaisJson<Letters>(['-C', dir, 'letters', '--dep', '45']);
    const before = first.json.impression.find((p) => p.departement === '45')!;
    expect(before.depuis).toBeNull();

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
    expect(print.depuis).toMatchObject({ lettres: before.lettres, ajoutees: [{ code: '45001', nom: 'Adon', fichier: join('out', 'lettres', '45', '45001-adon.pdf') }], retirees: [] });
    expect(existsSync(join(dir, print.depuis!.ajoutees[0]!.fichier!))).toBe(true);
    expect(Date.parse(print.depuis!.date!)).not.toBeNaN();

    // Unchanged since: nothing came in since the last version.
    const text = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(text.stdout).toContain('impression-45.pdf : 25 lettres à imprimer');
    expect(text.stdout).not.toContain('depuis la version');
  });
});

describe('a town hall of the print file that gets an address', () => {
  it('is emailed, and send says its letter was in the last print file: to take out if it is not posted yet', async () => {
    const dir = await sampleWithLetters();
    await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(setTownHallEmails(dir, '45012', ['mairie@45012.example'])).toEqual([]);
    const send = await relaisJson<{ sent: number; warnings: string[] }>(['-C', dir, 'send', '--commune', '45012', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(send.code, send.stderr).toBe(0);
    expect(send.json.sent).toBe(1);
    expect(send.json.warnings.join('\n')).toMatch(/^.* 45012 : sa lettre était dans le dernier fichier à imprimer \(écrit le .*\) et son courriel part maintenant : si ce fichier n'est pas encore posté, retirez-en sa lettre/m);
    // The next print file goes without it, and says so.
    const after = await relaisJson<Letters>(['-C', dir, 'letters', '--dep', '45']);
    expect(after.json.impression.find((p) => p.departement === '45')!.depuis).toMatchObject({ ajoutees: [], retirees: [{ code: '45012' }] });
  });
});

describe('letters --posted', () => {
  it('records the last print file as posted: its letters are not printed again, and a town hall of it that gets an address is not emailed', async () => {
    const dir = await sampleWithLetters();
    const none = await relais(['-C', dir, 'letters', '--posted', '--commune', '45012']);
    expect(none.code).toBe(2);
    const posted = await relaisJson<Letters & { postees: { nouvelles: number; fichiers: Array<{ departement: string; lettres: number }> }; supprimes: string[] }>(['-C', dir, 'letters', '--posted', '--dep', '45']);
    expect(posted.code, posted.stderr).toBe(0);
    expect(posted.json.postees).toMatchObject({ nouvelles: 24, fichiers: [{ departement: '45', lettres: 24 }] });
    // Nothing left to post in the Loiret: the old print file is gone, said so.
    expect(posted.json.impression.find((p) => p.departement === '45')).toBeUndefined();
    expect(posted.json.supprimes).toEqual([join('out', 'lettres', '45', 'impression-45.pdf')]);
    expect(existsSync(join(dir, 'out', 'lettres', '45', 'impression-45.pdf'))).toBe(false);

    // Saint-… (45012) gets an address: it is not emailed, its letter was posted.
    const path = join(dir, 'data', 'annuaire-mairies.json');
    const records = JSON.parse(readFileSync(path, 'utf8')) as Array<{ code_insee_commune: string; pivot: Array<{ type_service_local: string }>; adresse_courriel: string[] }>;
    records.find((r) => r.code_insee_commune === '45012' && r.pivot[0]?.type_service_local === 'mairie')!.adresse_courriel = ['mairie@45012.example'];
    writeFileSync(path, JSON.stringify(records));
    const before = server.received.length;
    const send = await relaisJson<{ sent: number; warnings: string[] }>(['-C', dir, 'send', '--commune', '45012', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(send.code, send.stderr).toBe(0);
    expect(send.json.sent).toBe(0);
    expect(server.received.length).toBe(before);
    expect(send.json.warnings.join('\n')).toMatch(/45012 : sa lettre a été postée \(relais letters --posted\) : pas de courriel/);
    // Status counts it once, by post.
    const status = await relaisJson<{ departements: Array<{ code: string; mairies: { total: number; parCourriel: number; parCourrier: number } }> }>(['-C', dir, 'status']);
    const loiret = status.json.departements.find((d) => d.code === '45')!.mairies;
    expect(loiret).toMatchObject({ parCourrier: 24, parCourriel: 301 });
    expect(loiret.parCourriel + loiret.parCourrier).toBe(loiret.total);
  });
});
