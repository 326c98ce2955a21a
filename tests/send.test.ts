import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign, sampleWithLetters, tempDir } from './helpers/campaign.js';
import { BIN, ROOT, relais, relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

interface Summary {
  sent: number;
  failed: number;
  unconfirmed: number;
  skipped: number;
  byPost: number;
  alreadySent: number;
  transport: string;
  smtp?: string;
  outbox?: string;
  failures: Array<{ commune: string; recipient: string; status: string; reply: string }>;
  unconfirmedList: Array<{ commune: string }>;
}

const servers: TestSmtp[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function smtp(faults: Parameters<typeof startSmtp>[0] = {}): Promise<TestSmtp> {
  const s = await startSmtp(faults);
  servers.push(s);
  return s;
}

function journal(dir: string): Array<{ commune: string; status: string; attempts: number; last_reply: string }> {
  const db = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT commune, status, attempts, last_reply FROM deliveries ORDER BY commune').all() as Array<{ commune: string; status: string; attempts: number; last_reply: string }>;
  } finally {
    db.close();
  }
}

const env = (server: TestSmtp, extra: Record<string, string> = {}) => ({ RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', ...extra });

describe('relais send to the outbox (no SMTP configured)', () => {
  it('writes one .eml per town hall with email, says nothing left, and never twice', async () => {
    const dir = await sampleWithLetters();
    const first = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json).toMatchObject({ transport: 'outbox', sent: 301, failed: 0, byPost: 24 });
    expect(readdirSync(join(dir, 'out/outbox/45'))).toHaveLength(301);
    const eml = readFileSync(join(dir, 'out/outbox/45/45234-orleans.eml'), 'utf8');
    expect(eml).toContain('To: mairie@orleans.example');
    // The campaign, the commune and the message's own hash (a corrected email is a message of its own).
    expect(eml).toMatch(/Message-ID:\s+<appel-a-volontaires-renfort-covid-2020-04-10\.45234\.[0-9a-f]{12}@ars-centre-val-de-loire\.example>/);
    expect(eml).toMatch(/filename="?lettre-45234-orleans\.pdf/);
    const human = await relais(['-C', dir, 'send', '--dep', '45']);
    expect(human.stdout).toContain('Aucun message n’a quitté cet ordinateur');
    expect(human.stdout).toContain('Cette exécution : 0 écrit, 0 échec, 0 non confirmé, 301 ignorés (301 déjà écrits), 24 par courrier postal');
    expect(human.stdout).toContain('Boîte d’envoi locale, selon le journal : 301 écrits, 0 échec, 0 non confirmé, 0 pas encore écrit');
  });
});

describe('relais send through SMTP (a real server on 127.0.0.1)', () => {
  it('sends each town hall its email with its letter attached, once', async () => {
    const server = await smtp();
    const dir = await sampleWithLetters();
    const { code, json, stderr } = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45', '--yes'], { env: env(server) });
    expect(code, stderr).toBe(0);
    expect(json).toMatchObject({ transport: 'smtp', sent: 301, failed: 0, byPost: 24 });
    expect(json.smtp).toContain('127.0.0.1');
    expect(server.received).toHaveLength(301);
    expect(new Set(server.received.map((m) => m.to)).size).toBe(301);
    const mail = await server.parsed('mairie@orleans.example');
    expect(mail.subject).toBe('Appel à volontaires renfort-covid : courrier aux maires du Loiret');
    expect(mail.text).toContain('Monsieur le Maire,');
    expect(mail.text).toContain('— SMS (3 SMS) —');
    expect(mail.text).toContain('— Facebook —');
    expect(mail.html).toContain('Twitter <small');
    expect(mail.from?.value[0]).toEqual({ name: 'ARS Centre-Val de Loire', address: 'communication@ars-centre-val-de-loire.example' });
    expect(mail.replyTo?.value[0]?.address).toBe('renfort-covid@ars-centre-val-de-loire.example');
    const pdf = mail.attachments.find((a) => a.filename === 'lettre-45234-orleans.pdf');
    expect(pdf?.contentType).toBe('application/pdf');
    expect(pdf!.content.subarray(0, 5).toString()).toBe('%PDF-');
    expect(journal(dir).every((r) => r.status === 'sent')).toBe(true);

    const again = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45', '--yes'], { env: env(server) });
    expect(again.json).toMatchObject({ sent: 0, alreadySent: 301 });
    expect(server.received).toHaveLength(301);
  });

  it('retries a 421, then succeeds', async () => {
    const server = await smtp({ temporaryOnce: ['mairie@orleans.example'] });
    const dir = sampleCampaign();
    const { code, json } = await relaisJson<Summary>(['-C', dir, 'send', '--commune', '45234,45001', '--yes'], { env: env(server) });
    expect(code).toBe(0);
    expect(json.sent).toBe(2);
    expect(server.received.filter((m) => m.to === 'mairie@orleans.example')).toHaveLength(1);
    expect(journal(dir).find((r) => r.commune === '45234')).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a 550 for one recipient fails that one only, and the run says so with exit 1', async () => {
    const server = await smtp({ refuse: ['mairie@orleans.example'] });
    const dir = await sampleWithLetters();
    const { code, json } = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45', '--yes'], { env: env(server) });
    expect(code).toBe(1);
    expect(json).toMatchObject({ sent: 300, failed: 1 });
    expect(json.failures[0]).toMatchObject({ commune: '45234', status: 'failed-permanent' });
    expect(json.failures[0]!.reply).toContain('550');
    expect(journal(dir).find((r) => r.commune === '45234')?.status).toBe('failed-permanent');
    const status = await relais(['-C', dir, 'status', '--failed', '--csv', join(dir, 'echecs.csv')]);
    expect(status.stdout).toContain('45234 mairie@orleans.example — échec définitif');
    expect(readFileSync(join(dir, 'echecs.csv'), 'utf8')).toContain('45234;45;mairie@orleans.example;failed-permanent;échec définitif');
  });

  it('the server closing the connection mid-run: reconnects and sends everything', async () => {
    const server = await smtp({ dropAfter: 20 });
    const dir = await sampleWithLetters();
    const { code, json, stderr } = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '37', '--yes'], { env: env(server, { RELAIS_SMTP_MAX_CONNECTIONS: '1' }) });
    expect(code, stderr).toBe(0);
    expect(json.sent).toBe(255);
    expect(new Set(server.received.map((m) => m.to)).size).toBe(255);
    expect(server.received).toHaveLength(255);
  });

  it('killed with SIGKILL mid-run, then run again: one message per town hall, except those listed unconfirmed', async () => {
    const server = await smtp();
    const dir = await sampleWithLetters();
    const child = spawn(process.execPath, [BIN, '-C', dir, 'send', '--dep', '45', '--yes', '--rate', '3000/min'], { env: { ...process.env, ...env(server) }, stdio: 'ignore' });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (server.received.length >= 40) {
          clearInterval(t);
          child.kill('SIGKILL');
          resolve();
        }
      }, 5);
    });
    await new Promise((r) => child.once('exit', r));
    const second = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45', '--yes'], { env: env(server) });
    const unconfirmed = new Set(second.json.unconfirmedList.map((u) => u.commune));
    expect(unconfirmed.size).toBeLessThanOrEqual(3);
    const perRecipient = new Map<string, number>();
    for (const m of server.received) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    const rows = journal(dir);
    expect(rows.filter((r) => r.status === 'sent').length + unconfirmed.size).toBe(301);
    expect(perRecipient.size).toBeGreaterThanOrEqual(301 - unconfirmed.size);
    if (unconfirmed.size) {
      // Listed, never resent on their own; --resend-unconfirmed settles them once checked.
      const third = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45', '--yes', '--resend-unconfirmed'], { env: env(server) });
      expect(third.json.sent).toBe(unconfirmed.size);
    }
  });

  it('refuses a self-signed certificate unless its CA is given', async () => {
    const server = await smtp({ tls: true });
    const dir = sampleCampaign();
    const refused = await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env: env(server) });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('certificat du serveur SMTP refusé');
    expect(server.received).toHaveLength(0);
    const caFile = join(tempDir(), 'ca.pem');
    writeFileSync(caFile, server.cert!);
    const trusted = await relaisJson<Summary>(['-C', dir, 'send', '--commune', '45234', '--yes'], { env: env(server, { RELAIS_SMTP_CA_FILE: caFile }) });
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(trusted.json.sent).toBe(1);
  });

  it('a wrong password (over STARTTLS): exit 1, a French message, the password never shown', async () => {
    const server = await smtp({ auth: { user: 'prefecture', pass: 'le-bon' }, tls: true });
    const dir = sampleCampaign();
    const caFile = join(tempDir(), 'ca.pem');
    writeFileSync(caFile, server.cert!);
    const secret = 'Mot2Passe-Tres-Secret';
    const { code, stdout, stderr } = await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env: env(server, { RELAIS_SMTP_USER: 'prefecture', RELAIS_SMTP_PASSWORD: secret, RELAIS_SMTP_CA_FILE: caFile }) });
    expect(code).toBe(1);
    expect(stderr).toContain('authentification refusée');
    expect(stdout + stderr).not.toContain(secret);
    expect(server.received).toHaveLength(0);
    const ok = await relaisJson<Summary>(['-C', dir, 'send', '--commune', '45234', '--yes'], { env: env(server, { RELAIS_SMTP_URL: `smtp://prefecture:le-bon@127.0.0.1:${server.port}`, RELAIS_SMTP_CA_FILE: caFile }) });
    expect(ok.json.sent).toBe(1);
    expect(ok.stdout + ok.stderr).not.toContain('le-bon');
    // Every password, wrong and right, went over the encrypted session only.
    expect(server.auths.length).toBeGreaterThanOrEqual(2);
    expect(server.auths.every((a) => a.user === 'prefecture' && a.secure)).toBe(true);
  });

  it('asks for --yes without a terminal', async () => {
    const server = await smtp();
    const { code, stderr } = await relais(['-C', sampleCampaign(), 'send', '--commune', '45234'], { env: env(server) });
    expect(code).toBe(2);
    expect(stderr).toContain('--yes');
    expect(server.received).toHaveLength(0);
  });
});

describe('relais send: bad input', () => {
  it('a malformed town-hall email is never sent to', async () => {
    const dir = await sampleWithLetters();
    const path = join(dir, 'data/annuaire-mairies.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('mairie@orleans.example', 'mairie@@orleans'));
    const { json } = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45']);
    expect(json.sent).toBe(300);
    expect(json.byPost).toBe(25);
    expect(existsSync(join(dir, 'out/outbox/45/45234-orleans.eml'))).toBe(false);
  });

  it('an attachment missing on disk: nothing sent, exit 1', async () => {
    const dir = sampleCampaign();
    writeFileSync(join(dir, 'campagne.yaml'), `${readFileSync(join(dir, 'campagne.yaml'), 'utf8')}\npieces_jointes:\n  - docs/fiche.pdf\n`);
    const { code, stderr } = await relais(['-C', dir, 'send']);
    expect(code).toBe(1);
    expect(stderr).toContain('docs/fiche.pdf');
    expect(existsSync(join(dir, 'out/outbox'))).toBe(false);
  });

  it.each([
    ['not a URL at all', 'smtp//nope', 'illisible'],
    ['an unknown scheme', 'http://127.0.0.1:25', 'protocole « http » inconnu'],
  ])('RELAIS_SMTP_URL %s', async (_what, url, message) => {
    const { code, stderr } = await relais(['-C', sampleCampaign(), 'send', '--yes'], { env: { RELAIS_SMTP_URL: url } });
    // Settings are checked at start, before any command: a usage error.
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('a corrupt journal, or one from a newer version: a clear message, never overwritten', async () => {
    const dir = sampleCampaign();
    const path = join(dir, '.relais/journal.sqlite');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, '.relais'), { recursive: true });
    writeFileSync(path, 'ceci n’est pas une base SQLite'.repeat(200));
    const before = readFileSync(path);
    const corrupt = await relais(['-C', dir, 'send']);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain('journal .relais/journal.sqlite est illisible');
    expect(readFileSync(path).equals(before)).toBe(true);

    const newer = sampleCampaign();
    mkdirSync(join(newer, '.relais'));
    const db = new Database(join(newer, '.relais/journal.sqlite'));
    db.pragma('user_version = 99');
    db.close();
    const refused = await relais(['-C', newer, 'send']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('version plus récente de relais');
  });

  it('a journal written by the previous format is carried over, rows kept, and still never resends', async () => {
    const dir = sampleCampaign();
    const first = await relaisJson<Summary>(['-C', dir, 'send', '--commune', '45234']);
    expect(first.json.sent).toBe(1);
    // Put the journal back in format 2: the status index that format 3 drops.
    const db = new Database(join(dir, '.relais/journal.sqlite'));
    db.exec('CREATE INDEX deliveries_status ON deliveries (campaign, channel, status)');
    db.pragma('user_version = 2');
    db.close();
    const again = await relaisJson<Summary>(['-C', dir, 'send', '--commune', '45234']);
    expect(again.json).toMatchObject({ sent: 0, alreadySent: 1 });
    const after = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(5);
    expect(after.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name = 'deliveries_status'").get()).toEqual({ n: 0 });
    after.close();
    expect(journal(dir).map((r) => [r.commune, r.status])).toEqual([['45234', 'sent']]);
  });

  it('--rate 0 and --limit -3 are usage errors', async () => {
    const rate = await relais(['-C', sampleCampaign(), 'send', '--rate', '0']);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toContain('--rate');
    const limit = await relais(['-C', sampleCampaign(), 'send', '--limit', '-3']);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('--limit');
  });

  it('--limit and --dry-run', async () => {
    const dir = await sampleWithLetters();
    const dry = await relaisJson<Summary & { dryRun: boolean }>(['-C', dir, 'send', '--dep', '45', '--dry-run']);
    expect(dry.json.dryRun).toBe(true);
    expect(existsSync(join(dir, 'out/outbox'))).toBe(false);
    const limited = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45', '--limit', '5']);
    expect(limited.json.sent).toBe(5);
  });

  it('a second run at the same time refuses (lock)', async () => {
    const dir = await sampleWithLetters();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, '.relais'), { recursive: true });
    // Another run holds the lock (the kernel's, on .relais/send.lock.db, as relais takes it) until
    // this test ends it, however slowly the machine runs relais.
    const lockModule = join(ROOT, 'dist', 'src', 'delivery', 'lock.js');
    const holder = spawn(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(lockModule)}); m.RunLock.acquire(${JSON.stringify(dir)}, 'send'); console.log('held'); setInterval(() => {}, 1 << 30);`], { stdio: ['ignore', 'pipe', 'ignore'] });
    const gone = new Promise((r) => holder.once('exit', r));
    await new Promise<void>((r) => holder.stdout!.once('data', () => r()));
    try {
      const { code, stderr } = await relais(['-C', dir, 'send', '--dep', '45']);
      expect(code).toBe(1);
      expect(stderr).toContain(`tourne déjà sur cette campagne (processus ${holder.pid})`);
      expect(readFileSync(join(dir, '.relais/send.lock'), 'utf8').trim()).toBe(String(holder.pid));
    } finally {
      holder.kill('SIGKILL');
    }
    await gone;
    // A lock left by a process that is gone (killed: its lock file stays) is taken over.
    const { code } = await relais(['-C', dir, 'send', '--commune', '45234']);
    expect(code).toBe(0);
  });
});
