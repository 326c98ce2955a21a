import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { emailFates, Journal, JOURNAL_FILE, JOURNAL_VERSION } from '../src/delivery/journal.js';
import { tempDir } from './helpers/campaign.js';

/**
 * Journal format 5 (bounces), carried over from the formats before it, and the bounce records
 * themselves: once per notice, a delay never overriding a bounce, a new send clearing both.
 */
const KEY = 'campagne-2020-04-10';
const AT = '2020-04-10T08:00:00.000Z';

const POSTS = `CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, campaign TEXT NOT NULL, channel TEXT NOT NULL, text TEXT NOT NULL, local_time TEXT NOT NULL, tz TEXT NOT NULL, due_utc TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_utc TEXT, remote_id TEXT, remote_url TEXT, last_error TEXT, source TEXT NOT NULL, source_key TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, published_at TEXT`;

/** A journal as format 3 or 4 wrote it, with one delivery to a server and one rehearsal. */
function oldJournal(version: 3 | 4): string {
  const dir = tempDir();
  mkdirSync(join(dir, '.relais'));
  const db = new Database(join(dir, JOURNAL_FILE));
  if (version === 3) {
    db.exec(`
      CREATE TABLE deliveries (campaign TEXT NOT NULL, channel TEXT NOT NULL, commune TEXT NOT NULL, departement TEXT NOT NULL, recipient TEXT NOT NULL,
        status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_reply TEXT, message_hash TEXT, message_id TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, sent_at TEXT, PRIMARY KEY (campaign, channel, commune));
      ${POSTS});
      INSERT INTO deliveries VALUES ('${KEY}', 'courriel', '45234', '45', 'mairie@orleans.example', 'sent', 1, '250 OK', 'h1', '<${KEY}.45234@x>', '${AT}', '${AT}', '${AT}');
      INSERT INTO deliveries VALUES ('${KEY}', 'courriel', '45001', '45', 'accueil@adon.example', 'sent', 1, 'écrit dans out/outbox/45/45001-adon.eml', 'h2', '<${KEY}.45001@x>', '${AT}', '${AT}', '${AT}');
    `);
  } else {
    db.exec(`
      CREATE TABLE deliveries (campaign TEXT NOT NULL, channel TEXT NOT NULL, commune TEXT NOT NULL,
        destination TEXT NOT NULL CHECK (destination IN ('outbox', 'server')), server TEXT, departement TEXT NOT NULL, recipient TEXT NOT NULL,
        status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_reply TEXT, message_hash TEXT, message_id TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, sent_at TEXT, PRIMARY KEY (campaign, channel, commune, destination));
      ${POSTS}, destination TEXT);
      INSERT INTO deliveries VALUES ('${KEY}', 'courriel', '45234', 'server', '127.0.0.1:25', '45', 'mairie@orleans.example', 'sent', 1, '250 OK', 'h1', '<${KEY}.45234@x>', '${AT}', '${AT}', '${AT}');
      INSERT INTO deliveries VALUES ('${KEY}', 'courriel', '45001', 'outbox', NULL, '45', 'accueil@adon.example', 'sent', 1, 'écrit dans out/outbox/45/45001-adon.eml', 'h2', '<${KEY}.45001@x>', '${AT}', '${AT}', '${AT}');
    `);
  }
  db.pragma(`user_version = ${version}`);
  db.close();
  return dir;
}

function inspect(dir: string): { version: number; columns: string[]; tables: string[]; rows: unknown[] } {
  const db = new Database(join(dir, JOURNAL_FILE), { readonly: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      columns: (db.pragma('table_info(deliveries)') as Array<{ name: string }>).map((c) => c.name),
      tables: (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name),
      rows: db.prepare('SELECT commune, destination, status, recipient, bounce_status FROM deliveries ORDER BY commune').all(),
    };
  } finally {
    db.close();
  }
}

describe('journal format 5', () => {
  it.each([3, 4] as const)('from format %s: the bounce columns and table are added, every row kept, and opening again changes nothing', (version) => {
    const dir = oldJournal(version);
    Journal.open(dir, KEY).close();
    const after = inspect(dir);
    expect(JOURNAL_VERSION).toBe(5);
    expect(after.version).toBe(5);
    expect(after.columns).toEqual(expect.arrayContaining(['bounce_status', 'bounce_diagnostic', 'bounced_at', 'delay_diagnostic', 'delayed_at']));
    expect(after.tables).toContain('bounces');
    expect(after.rows).toEqual([
      { commune: '45001', destination: 'outbox', status: 'sent', recipient: 'accueil@adon.example', bounce_status: null },
      { commune: '45234', destination: 'server', status: 'sent', recipient: 'mairie@orleans.example', bounce_status: null },
    ]);
    // Idempotent: a format-5 journal with its columns already there is opened as it is.
    Journal.open(dir, KEY).close();
    expect(inspect(dir)).toEqual(after);
  });

  it('a format-4 journal already given the bounce columns (an interrupted upgrade) is completed, not broken', () => {
    const dir = oldJournal(4);
    const db = new Database(join(dir, JOURNAL_FILE));
    db.exec('ALTER TABLE deliveries ADD COLUMN bounce_status TEXT');
    db.close();
    Journal.open(dir, KEY).close();
    expect(inspect(dir).version).toBe(5);
    expect(inspect(dir).columns.filter((c) => c === 'bounce_status')).toHaveLength(1);
  });

  it('a bounce is recorded once per notice; a delay never overrides it; a new send clears both', () => {
    const dir = oldJournal(4);
    const journal = Journal.open(dir, KEY, () => new Date(AT));
    try {
      const delay = { fingerprint: 'n1', commune: '45234', recipient: 'mairie@orleans.example', kind: 'delayed' as const, status: '4.4.1', diagnostic: 'timed out' };
      expect(journal.recordBounce('courriel', delay)).toBe(true);
      expect(journal.recordBounce('courriel', delay)).toBe(false);
      expect(journal.delayed('courriel').map((r) => r.commune)).toEqual(['45234']);
      const bounce = { ...delay, fingerprint: 'n2', kind: 'bounced' as const, status: '5.1.1', diagnostic: 'user unknown' };
      expect(journal.recordBounce('courriel', bounce)).toBe(true);
      expect(journal.recordBounce('courriel', { ...delay, fingerprint: 'n3' })).toBe(true);
      const row = journal.all('courriel', 'server').get('45234')!;
      expect(row).toMatchObject({ status: 'bounced', bounce_status: '5.1.1', bounce_diagnostic: 'user unknown', last_reply: 'retour : user unknown' });
      expect(journal.delayed('courriel')).toEqual([]);
      // The rehearsal is never touched by a bounce.
      expect(journal.all('courriel', 'outbox').get('45001')!.status).toBe('sent');
      journal.close();
      expect(emailFates(dir, KEY).unreachable).toEqual(new Map([['45234', 'mairie@orleans.example']]));
      const again = Journal.open(dir, KEY);
      again.markSending('courriel', { destination: 'server', server: '127.0.0.1:25' }, { commune: '45234', departement: '45', recipient: 'contact@orleans.example', hash: 'h3', messageId: '<m>' });
      expect(again.all('courriel', 'server').get('45234')).toMatchObject({ status: 'sending', bounce_status: null, bounce_diagnostic: null, delayed_at: null });
      again.close();
    } finally {
      try {
        journal.close();
      } catch {
        // closed above
      }
    }
  });

  it('no journal: no bounced town hall, and no journal created by asking', () => {
    const dir = tempDir();
    expect(emailFates(dir, KEY).unreachable).toEqual(new Map());
    expect(inspectExists(dir)).toBe(false);
  });
});

function inspectExists(dir: string): boolean {
  try {
    new Database(join(dir, JOURNAL_FILE), { readonly: true, fileMustExist: true }).close();
    return true;
  } catch {
    return false;
  }
}
