import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * "Every town hall reached exactly once, by email or by post." An address refused at once by the
 * server (550 at RCPT TO: mailbox unknown) is the same fact as a bounce that comes back days later:
 * the town hall will not get the email. A bounced town hall joins the print file (README,
 * `relais bounces`); a town hall refused at RCPT is recorded `failed-permanent` and joins nothing —
 * neither emailed nor printed (src/letters/generate.ts byPost() looks only at bounces).
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Letters {
  impression: Array<{ departement: string; lettres: number }>;
}

describe('a town hall whose address the server refuses for good (550 at RCPT TO)', () => {
  it('joins the print file of its département, like a bounced one', async () => {
    server = await startSmtp({ refuse: ['mairie@orleans.example'] });
    // The sample with its letters drawn (the print file is what is compared, not the drawing).
    const dir = await sampleWithLetters();
    const before = await relaisJson<Letters>(['-C', dir, 'letters', '--dep', '45']);
    const printed = before.json.impression.find((p) => p.departement === '45')!.lettres;
    const send = await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(send.code).toBe(1);
    expect(server.received).toEqual([]);
    const after = await relaisJson<Letters>(['-C', dir, 'letters', '--dep', '45']);
    // It used to stay at `printed` letters: Orléans got neither the email nor the letter by post.
    expect(after.json.impression.find((p) => p.departement === '45')!.lettres).toBe(printed + 1);
  });
});

describe('relais run, when the server refuses an address for good during its send', () => {
  it('brings the print file written before the send up to date: the refused town hall is in it, and in the table by post', async () => {
    server = await startSmtp({ refuse: ['mairie@orleans.example'] });
    const dir = await sampleWithLetters();
    const before = await relaisJson<Letters>(['-C', dir, 'letters', '--dep', '45']);
    const printed = before.json.impression.find((p) => p.departement === '45')!.lettres;
    const run = await relaisJson<{ departements: Array<{ code: string; courriels: { parCourrier: number } }> }>(['-C', dir, 'run', '--dep', '45', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('1 adresse refusée pour de bon par le serveur : cette mairie rejoint le fichier à imprimer');
    expect(run.json.departements.find((d) => d.code === '45')!.courriels.parCourrier).toBe(printed + 1);
    // The print file on disk says the same, unchanged by a later letters.
    const after = await relaisJson<Letters & { impression: Array<{ ecrit: boolean }> }>(['-C', dir, 'letters', '--dep', '45']);
    expect(after.json.impression.find((p) => p.departement === '45')).toMatchObject({ lettres: printed + 1, ecrit: false });
  });
});
