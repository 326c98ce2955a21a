import { cpSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign, sampleWithLetters, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * A rehearsal is a rehearsal: a copy in the outbox never counts as delivered by a server. The
 * journal keys each delivery by destination (outbox, server) and keeps the server's address;
 * journals of earlier formats are carried over with their rows classified.
 */
interface Summary {
  ok: boolean;
  sent: number;
  alreadySent: number;
  rehearsed: number;
  transport: string;
  server: string | null;
  state: { sent: number; failed: number; unconfirmed: number; notSent: number };
}
interface StatusJson {
  departements: Array<{ code: string; courriels: { serveur: Record<string, number>; boiteEnvoi: Record<string, number> } }>;
  serveurs: Array<{ serveur: string | null; envoyes: number }>;
}

const servers: TestSmtp[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function smtp(): Promise<TestSmtp> {
  const s = await startSmtp();
  servers.push(s);
  return s;
}

const env = (server: TestSmtp) => ({ RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20' });
const journalPath = (dir: string) => join(dir, '.relais/journal.sqlite');

describe('a rehearsal in the outbox, then the real send', () => {
  it('the README’s step 7: the real send sends everything, status shows both, and no server gets anything twice', async () => {
    const dir = await sampleWithLetters();
    const rehearsal = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45']);
    expect(rehearsal.json).toMatchObject({ transport: 'outbox', sent: 301, server: null });

    const server = await smtp();
    const real = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45', '--yes'], { env: env(server) });
    expect(real.code, real.stderr).toBe(0);
    expect(real.json).toMatchObject({ ok: true, transport: 'smtp', sent: 301, alreadySent: 0, rehearsed: 301, server: `127.0.0.1:${server.port}` });
    expect(real.json.state).toMatchObject({ sent: 301, failed: 0, unconfirmed: 0, notSent: 0 });
    expect(server.received).toHaveLength(301);

    const status = await relaisJson<StatusJson>(['-C', dir, 'status']);
    const loiret = status.json.departements.find((d) => d.code === '45')!;
    expect(loiret.courriels.serveur.sent).toBe(301);
    expect(loiret.courriels.boiteEnvoi.sent).toBe(301);
    expect(status.json.serveurs).toEqual([{ serveur: `127.0.0.1:${server.port}`, envoyes: 301 }]);
    const human = await relais(['-C', dir, 'status']);
    expect(human.stdout).toContain('courriels par serveur SMTP : 301 envoyés ; boîte d’envoi locale (répétition) : 301 écrits');
    expect(human.stdout).toContain(`Acceptés par : 127.0.0.1:${server.port} (301)`);

    // Another server never gets what one server accepted; another rehearsal writes nothing new.
    const other = await smtp();
    const again = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45', '--yes'], { env: env(other) });
    expect(again.json).toMatchObject({ ok: true, sent: 0, alreadySent: 301 });
    expect(other.received).toHaveLength(0);
    const outbox = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '45']);
    expect(outbox.json).toMatchObject({ sent: 0, alreadySent: 301 });
    expect(server.received).toHaveLength(301);
  });

  it('`npm start` (relais run to the outbox) no longer blocks the real send of that folder', async () => {
    const dir = await sampleWithLetters();
    const start = await relais(['-C', dir, 'run', '--dep', '37']);
    expect(start.code, start.stderr).toBe(0);
    const server = await smtp();
    const real = await relaisJson<Summary>(['-C', dir, 'send', '--dep', '37', '--yes'], { env: env(server) });
    expect(real.code, real.stderr).toBe(0);
    expect(real.json).toMatchObject({ sent: 255, alreadySent: 0 });
    expect(new Set(server.received.map((m) => m.to)).size).toBe(255);
    expect(server.received).toHaveLength(255);
  });
});

/**
 * Turns a format-4 journal back into an older one: deliveries without destination in the key
 * (format 4 as first written by the integrator kept a `destination` column without `server`), the
 * posts without their destination, and format 2's status index.
 */
function downgrade(dir: string, version: 2 | 3 | 4): void {
  const db = new Database(journalPath(dir));
  try {
    const interim = version === 4;
    db.exec(`
      CREATE TABLE old (
        campaign TEXT NOT NULL, channel TEXT NOT NULL, commune TEXT NOT NULL,
        departement TEXT NOT NULL, recipient TEXT NOT NULL,
        status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        last_reply TEXT, message_hash TEXT, message_id TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, sent_at TEXT, ${interim ? 'destination TEXT,' : ''}
        PRIMARY KEY (campaign, channel, commune)
      );
      INSERT INTO old SELECT campaign, channel, commune, departement, recipient, status, attempts, last_reply, message_hash, message_id, created_at, updated_at, sent_at ${interim ? ', destination' : ''} FROM deliveries;
      DROP TABLE deliveries;
      ALTER TABLE old RENAME TO deliveries;
    `);
    if (!interim) db.exec('ALTER TABLE posts DROP COLUMN destination');
    if (version === 2) db.exec('CREATE INDEX deliveries_status ON deliveries (campaign, channel, status)');
    db.pragma(`user_version = ${version}`);
  } finally {
    db.close();
  }
}

describe('journals of earlier formats', () => {
  // 45234 and 45001 rehearsed in the outbox, 45002 really sent: made once, each format downgrades a copy.
  let sent: string;
  beforeAll(async () => {
    sent = sampleCampaign();
    expect((await relaisJson<Summary>(['-C', sent, 'send', '--commune', '45234,45001'])).json.sent).toBe(2);
    const first = await startSmtp();
    try {
      expect((await relaisJson<Summary>(['-C', sent, 'send', '--commune', '45002', '--yes'], { env: env(first) })).json.sent).toBe(1);
    } finally {
      await first.close();
    }
  });

  it.each([
    [2, 'format 2'],
    [3, 'format 3 (the released one)'],
    [4, 'format 4 without the server column'],
  ] as const)('%s — %s: the outbox copies are told from the server deliveries, and the real send sends only what no server took', async (version, _what) => {
    const dir = tempDir();
    cpSync(sent, dir, { recursive: true });
    // One row per commune, as before.
    downgrade(dir, version);

    const server = await smtp();
    const real = await relaisJson<Summary>(['-C', dir, 'send', '--commune', '45234,45001,45002', '--yes'], { env: env(server) });
    expect(real.code, real.stderr).toBe(0);
    expect(real.json).toMatchObject({ sent: 2, alreadySent: 1 });
    expect(server.received.map((m) => m.to).sort()).toEqual(['accueil@adon.example', 'mairie@orleans.example']);

    const db = new Database(journalPath(dir), { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(5);
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name = 'deliveries_status'").get()).toEqual({ n: 0 });
      const rows = db.prepare('SELECT commune, destination, server, status FROM deliveries ORDER BY commune, destination').all();
      expect(rows).toEqual([
        { commune: '45001', destination: 'outbox', server: null, status: 'sent' },
        { commune: '45001', destination: 'server', server: `127.0.0.1:${server.port}`, status: 'sent' },
        // Sent before the journal knew servers apart: which one is not known, that one was.
        { commune: '45002', destination: 'server', server: null, status: 'sent' },
        { commune: '45234', destination: 'outbox', server: null, status: 'sent' },
        { commune: '45234', destination: 'server', server: `127.0.0.1:${server.port}`, status: 'sent' },
      ]);
    } finally {
      db.close();
    }
    const status = await relais(['-C', dir, 'status']);
    expect(status.stdout).toContain(`Acceptés par : 127.0.0.1:${server.port} (2), un serveur non noté (journal d’une version précédente) (1)`);
  });
});
