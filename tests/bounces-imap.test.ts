import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign, sampleWithLetters } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { bounceFixtures } from './helpers/mbox.js';
import { startDovecot, type TestImap } from './servers/dovecot.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * `relais bounces` and `relais run` reading a real IMAP server: Debian's Dovecot on 127.0.0.1
 * (tests/servers/dovecot.ts), STARTTLS with a self-signed certificate, password authentication.
 */
interface Report {
  lus: number;
  enregistres: number;
  dejaLus: number;
  retours: Array<{ commune: string }>;
  retards: Array<{ commune: string }>;
  sansCorrespondance: Array<{ reason: string }>;
  misDeCote: { reponsesAutomatiques: number; reponses: number; autres: number };
  deplaces: number;
}

let imap: TestImap;
let smtp: TestSmtp;
let dir: string;
const fixtures = bounceFixtures();
const fixture = (name: string) => fixtures.get(name)!;
const imapEnv = (extra: Record<string, string> = {}) => ({ RELAIS_IMAP_URL: imap.url, RELAIS_IMAP_USER: imap.user, RELAIS_IMAP_PASSWORD: imap.password, RELAIS_IMAP_CA_FILE: imap.caFile, ...extra });

beforeAll(async () => {
  [imap, smtp] = await Promise.all([startDovecot(), startSmtp()]);
  dir = sampleCampaign();
  const sent = await relaisJson<{ sent: number }>(['-C', dir, 'send', '--commune', '45234,45001', '--yes'], { env: { RELAIS_SMTP_URL: smtp.url } });
  expect(sent.code, sent.stderr).toBe(0);
  expect(sent.json.sent).toBe(2);
}, 600_000);

afterAll(async () => {
  await Promise.all([imap?.close(), smtp?.close()]);
});

describe('relais bounces over IMAP', () => {
  it('reads a folder over STARTTLS, records the bounce and the delay, moves them, leaves the rest for a person', async () => {
    await imap.append('INBOX', ['postfix-dsn.eml', 'postfix-delayed.eml', 'auto-reply.eml', 'unknown-address.eml', 'town-hall-reply.eml'].map(fixture));
    const first = await relaisJson<Report>(['-C', dir, 'bounces', '--move-to', 'Traites'], { env: imapEnv() });
    expect(first.code, first.stderr).toBe(0);
    expect(first.json).toMatchObject({ lus: 5, enregistres: 2, deplaces: 2, misDeCote: { reponsesAutomatiques: 1, reponses: 1, autres: 0 } });
    expect(first.json.retours.map((r) => r.commune)).toEqual(['45234']);
    expect(first.json.retards.map((r) => r.commune)).toEqual(['45001']);
    expect(first.json.sansCorrespondance.map((u) => u.reason)).toEqual(['unknown-address']);
    expect(await imap.count('INBOX')).toBe(3);
    expect(await imap.count('Traites')).toBe(2);

    // What is left is read again and still not matched; nothing changes.
    const again = await relaisJson<Report>(['-C', dir, 'bounces', '--move-to', 'Traites'], { env: imapEnv() });
    expect(again.json).toMatchObject({ lus: 3, enregistres: 0, deplaces: 0 });
    // The moved notices, read from their folder, are already known.
    const moved = await relaisJson<Report>(['-C', dir, 'bounces', '--folder', 'Traites'], { env: imapEnv() });
    expect(moved.json).toMatchObject({ lus: 2, enregistres: 0, dejaLus: 2 });
  });

  it('a mailbox of 0 messages', async () => {
    await imap.append('Vide', []);
    const r = await relaisJson<Report>(['-C', dir, 'bounces', '--folder', 'Vide'], { env: imapEnv() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ lus: 0, enregistres: 0 });
  });

  it('a folder that does not exist is named', async () => {
    const r = await relais(['-C', dir, 'bounces', '--folder', 'Nulle-part'], { env: imapEnv() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dossier IMAP « Nulle-part » introuvable');
  });

  it('a self-signed certificate is refused unless its CA is given', async () => {
    const r = await relais(['-C', dir, 'bounces'], { env: imapEnv({ RELAIS_IMAP_CA_FILE: '' }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('certificat du serveur IMAP');
    expect(r.stderr).toContain('RELAIS_IMAP_CA_FILE');
    expect(r.stderr).not.toContain('erreur inattendue');
  });

  it('a server that offers no STARTTLS never gets the password', async () => {
    const clear = await startDovecot({ tls: false });
    try {
      const r = await relais(['-C', dir, 'bounces'], { env: { ...imapEnv(), RELAIS_IMAP_URL: clear.url } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('ne propose pas de connexion chiffrée (STARTTLS)');
      expect(r.stderr).not.toContain(imap.password);
      // The server saw a session close without any login attempt.
      expect(clear.log()).toContain('no auth attempts');
      expect(clear.log()).not.toMatch(/Login: user=|auth failed/);
    } finally {
      await clear.close();
    }
  });

  it('wrong credentials: a French message, and no password shown, in the environment or in the URL', async () => {
    const wrong = 'Faux-Mot-De-Passe-99';
    for (const env of [imapEnv({ RELAIS_IMAP_PASSWORD: wrong, RELAIS_DEBUG: '1' }), { ...imapEnv({ RELAIS_IMAP_USER: '', RELAIS_IMAP_PASSWORD: '', RELAIS_DEBUG: '1' }), RELAIS_IMAP_URL: `imap://${imap.user}:${wrong}@127.0.0.1:${imap.port}` }]) {
      const r = await relais(['-C', dir, 'bounces', '--json'], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('identifiants refusés par le serveur IMAP');
      expect(`${r.stdout}${r.stderr}`).not.toContain(wrong);
      expect(`${r.stdout}${r.stderr}`).not.toContain(imap.password);
    }
  });
});

describe('relais run with RELAIS_IMAP_URL', () => {
  it('reads the bounces first: the bounced town hall is not written to again and joins the print file', async () => {
    const campaign = await sampleWithLetters();
    const first = await relaisJson<{ sent: number }>(['-C', campaign, 'send', '--commune', '45234', '--yes'], { env: { RELAIS_SMTP_URL: smtp.url } });
    expect(first.json.sent).toBe(1);
    await imap.append('Run', [fixture('postfix-dsn.eml')]);
    const before = smtp.received.filter((m) => m.to === 'mairie@orleans.example').length;
    const run = await relaisJson<{ ok: boolean; retours: Report; departements: Array<{ code: string; courriels: { retours: number; parCourrier: number }; impression: number }> }>(['-C', campaign, 'run', '--dep', '45', '--yes'], {
      env: { ...imapEnv({ RELAIS_IMAP_FOLDER: 'Run' }), RELAIS_SMTP_URL: smtp.url },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('2/7 Retours de courriels');
    expect(run.stderr.indexOf('2/7 Retours')).toBeLessThan(run.stderr.indexOf('4/7 Lettres'));
    expect(run.json.retours.retours.map((r) => r.commune)).toEqual(['45234']);
    const loiret = run.json.departements.find((d) => d.code === '45')!;
    expect(loiret.courriels).toMatchObject({ retours: 1, parCourrier: 25 });
    expect(loiret.impression).toBe(25);
    expect(smtp.received.filter((m) => m.to === 'mairie@orleans.example').length).toBe(before);
  }, 300_000);
});
