import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { JOURNAL_FILE, STATE_DIR } from '../campaign/paths.js';
import { RelaisError } from '../errors.js';

/**
 * The journal: who got what, durably. SQLite (WAL) in the campaign folder, outside out/, one row
 * per campaign × channel × commune × destination. A row is `sending` before the message is handed
 * over and `sent` once it was accepted, each step committed on its own: after a crash, a row left
 * `sending` is `unconfirmed` — maybe delivered, never resent without being asked.
 *
 * The destination is part of the key: a copy written to the local outbox (a rehearsal) and a
 * message accepted by an SMTP server are two rows, so a rehearsal never stands in for the real
 * send. Every SMTP server is one destination, `server`: what one server accepted is never sent
 * again through another; the row keeps which server (host:port) for `status`.
 */
export const JOURNAL_VERSION = 5;
export { JOURNAL_FILE } from '../campaign/paths.js';
/** The emails to the town halls: their rows in `deliveries`. */
export const EMAIL_CHANNEL = 'courriel';

/**
 * `bounced`: accepted by our server, then returned for good by the town hall's (a bounce read by
 * `relais bounces`): the letter goes by post. A delay is no status — the message is still on its
 * way — and lives in the `delay` columns beside `sent`.
 */
export type Status = 'pending' | 'sending' | 'sent' | 'failed-temporary' | 'failed-permanent' | 'unconfirmed' | 'bounced';
export const STATUSES: Status[] = ['pending', 'sending', 'sent', 'failed-temporary', 'failed-permanent', 'unconfirmed', 'bounced'];
export type Destination = 'outbox' | 'server';
export const DESTINATIONS: Destination[] = ['server', 'outbox'];

/** Where a run sends: the kind of destination, and for a server its host:port. */
export interface Target {
  destination: Destination;
  server: string | null;
}

export interface Row {
  campaign: string;
  channel: string;
  commune: string;
  destination: Destination;
  /** host:port of the SMTP server; null for the outbox and for rows older than format 4. */
  server: string | null;
  departement: string;
  recipient: string;
  status: Status;
  attempts: number;
  last_reply: string | null;
  message_hash: string | null;
  message_id: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  /** Format 5: the bounce's status code (5.1.1) and diagnostic, and when it was read. */
  bounce_status: string | null;
  bounce_diagnostic: string | null;
  bounced_at: string | null;
  /** Format 5: the last delay notice (4.4.1 …), while the message is still being retried. */
  delay_diagnostic: string | null;
  delayed_at: string | null;
}

/** One bounce read from a mailbox, as `relais bounces` records it. */
export interface BounceRecord {
  /** Identifies the notice and the recipient it reports: reading it again changes nothing. */
  fingerprint: string;
  commune: string;
  recipient: string;
  kind: 'bounced' | 'delayed';
  status: string | null;
  diagnostic: string;
}

const BOUNCE_COLUMNS = ['bounce_status', 'bounce_diagnostic', 'bounced_at', 'delay_diagnostic', 'delayed_at'];

/**
 * Format 5: the bounces. Columns on `deliveries` for the latest bounce or delay, and a table of
 * the notices already read (by fingerprint) so that reading a mailbox twice changes nothing.
 * Idempotent: a column or table already there is kept.
 */
function addBounces(db: Database.Database): void {
  const have = new Set((db.pragma('table_info(deliveries)') as Array<{ name: string }>).map((c) => c.name));
  for (const c of BOUNCE_COLUMNS) if (!have.has(c)) db.exec(`ALTER TABLE deliveries ADD COLUMN ${c} TEXT`);
  db.exec(`
    CREATE TABLE IF NOT EXISTS bounces (
      campaign TEXT NOT NULL, fingerprint TEXT NOT NULL, channel TEXT NOT NULL, commune TEXT NOT NULL,
      recipient TEXT NOT NULL, kind TEXT NOT NULL, status TEXT, diagnostic TEXT, read_at TEXT NOT NULL,
      PRIMARY KEY (campaign, fingerprint)
    );
  `);
}

const DELIVERIES_COLUMNS = 'campaign, channel, commune, destination, server, departement, recipient, status, attempts, last_reply, message_hash, message_id, created_at, updated_at, sent_at';

/**
 * Brings `deliveries` to the format-4 shape (destination in the key, the server's address).
 * Rows written before are classified by what the outbox wrote in them ("écrit dans …"); anything
 * else went to a server — or may have: a row a crash left `sending` during a rehearsal counts as a
 * possible real delivery, never resent without being asked, which is the safe side.
 */
function rebuildDeliveries(db: Database.Database): void {
  const columns = (db.pragma('table_info(deliveries)') as Array<{ name: string }>).map((c) => c.name);
  const classified = "CASE WHEN last_reply LIKE 'écrit dans %' THEN 'outbox' ELSE 'server' END";
  const destination = columns.includes('destination') ? `COALESCE(destination, ${classified})` : classified;
  const server = columns.includes('server') ? 'server' : 'NULL';
  db.exec(`
    CREATE TABLE deliveries_v4 (
      campaign TEXT NOT NULL, channel TEXT NOT NULL, commune TEXT NOT NULL,
      destination TEXT NOT NULL CHECK (destination IN ('outbox', 'server')), server TEXT,
      departement TEXT NOT NULL, recipient TEXT NOT NULL,
      status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
      last_reply TEXT, message_hash TEXT, message_id TEXT,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL, sent_at TEXT,
      PRIMARY KEY (campaign, channel, commune, destination)
    );
    INSERT INTO deliveries_v4 (${DELIVERIES_COLUMNS})
      SELECT campaign, channel, commune, ${destination}, ${server}, departement, recipient, status, attempts, last_reply, message_hash, message_id, created_at, updated_at, sent_at
      FROM deliveries;
    DROP TABLE deliveries;
    ALTER TABLE deliveries_v4 RENAME TO deliveries;
  `);
}

function hasServerColumn(db: Database.Database): boolean {
  return (db.pragma('table_info(deliveries)') as Array<{ name: string }>).some((c) => c.name === 'server');
}

/** A statement prepared by the journal, as a store of its own tables runs it. */
export interface JournalStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/**
 * What the stores that keep their own tables in the journal's file (the posts, the media) are
 * given: statements, schema changes and transactions through the journal, never its database.
 * One file, one connection, one place that opens, upgrades and closes it.
 */
export interface JournalTables {
  readonly campaign: string;
  /** Prepared once per text for the life of the journal. */
  statement(sql: string): JournalStatement;
  exec(sql: string): void;
  columns(table: string): Set<string>;
  /** All of `work` or none of it; `immediate` takes the write lock at once (two processes upgrading together). */
  transaction<T>(work: () => T, mode?: 'deferred' | 'immediate'): T;
}

export class Journal implements JournalTables {
  /** Statements prepared once: preparing costs more than running them. */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(
    private readonly db: Database.Database,
    readonly campaign: string,
    private readonly now: () => Date,
  ) {}

  private sql(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  static open(campaignDir: string, campaign: string, now: () => Date = () => new Date()): Journal {
    const path = join(campaignDir, JOURNAL_FILE);
    mkdirSync(join(campaignDir, STATE_DIR), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(path, { timeout: 5000 });
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: each commit is written to the WAL file before run() returns, so the
      // row `sending` committed before a message leaves survives the process being killed at any
      // point (crash, Ctrl-C, kill -9, out of memory), which is the risk here: exactly once holds.
      // What NORMAL leaves out is an fsync per commit: after a power cut or a kernel crash the
      // last commits since the previous checkpoint may be lost, and those messages could go
      // twice. FULL closes that gap at one fsync per commit (about 3 ms each on the machine the
      // bench ran on: under 200 messages a second); doing it without that cost needs the send
      // loop to mark a batch `sending` in one transaction before sending it (group commit).
      db.pragma('synchronous = NORMAL');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > JOURNAL_VERSION) {
        db.close();
        throw new RelaisError(`le journal ${JOURNAL_FILE} vient d'une version plus récente de relais (format ${version}, celle-ci lit le format ${JOURNAL_VERSION}) : mettez relais à jour ; le journal n'a pas été modifié`, { file: JOURNAL_FILE });
      }
      if (version === 0) {
        db.exec(`
          CREATE TABLE IF NOT EXISTS deliveries (
            campaign TEXT NOT NULL, channel TEXT NOT NULL, commune TEXT NOT NULL,
            departement TEXT NOT NULL, recipient TEXT NOT NULL,
            status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
            last_reply TEXT, message_hash TEXT, message_id TEXT,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL, sent_at TEXT,
            PRIMARY KEY (campaign, channel, commune)
          );
        `);
        db.pragma('user_version = 1');
      }
      if ((db.pragma('user_version', { simple: true }) as number) < 2) {
        // Version 2: the social posts, planned and published.
        db.exec(`
          CREATE TABLE IF NOT EXISTS posts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            campaign TEXT NOT NULL, channel TEXT NOT NULL, text TEXT NOT NULL,
            local_time TEXT NOT NULL, tz TEXT NOT NULL, due_utc TEXT NOT NULL,
            status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_utc TEXT,
            remote_id TEXT, remote_url TEXT, last_error TEXT,
            source TEXT NOT NULL, source_key TEXT,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL, published_at TEXT
          );
          CREATE UNIQUE INDEX IF NOT EXISTS posts_source ON posts (campaign, source_key) WHERE source_key IS NOT NULL;
        `);
        db.pragma('user_version = 2');
      }
      if ((db.pragma('user_version', { simple: true }) as number) < 3) {
        // Version 3: no index on the status. Each send commits twice per message, and keeping
        // that index cost a third of the journal's time; a campaign's 35,000 rows scan in a
        // few milliseconds when `status` or a resumed run looks for a status.
        db.exec('DROP INDEX IF EXISTS deliveries_status');
        db.pragma('user_version = 3');
      }
      if ((db.pragma('user_version', { simple: true }) as number) < 4) {
        // Version 4: where each message and post went. A copy written to the local outbox is a
        // rehearsal and must never count as delivered by a server or published on a network.
        // Post rows of format 3 are classified by their "outbox:" id (the post store's side).
        const hasColumn = (table: string) => (db.pragma(`table_info(${table})`) as Array<{ name: string }>).some((c) => c.name === 'destination');
        db.transaction(() => {
          // Another relais (a `status` next to a `send`) may have migrated it meanwhile.
          if ((db.pragma('user_version', { simple: true }) as number) >= 4) return;
          if (!hasColumn('posts')) db.exec('ALTER TABLE posts ADD COLUMN destination TEXT');
          db.exec(`
            UPDATE posts SET destination = CASE WHEN remote_id LIKE 'outbox:%' THEN 'outbox' ELSE 'network' END
              WHERE destination IS NULL AND status IN ('published', 'publishing', 'unconfirmed', 'failed');
          `);
          rebuildDeliveries(db);
          db.pragma('user_version = 4');
        }).immediate();
      } else if (!hasServerColumn(db)) {
        // A format-4 journal from before the destination joined the key (a development build):
        // the same classification, its rows kept.
        db.transaction(() => {
          if (!hasServerColumn(db)) rebuildDeliveries(db);
        }).immediate();
      }
      if ((db.pragma('user_version', { simple: true }) as number) < 5) {
        // Version 5: bounces (see addBounces); rows of format 4 keep their status.
        db.transaction(() => {
          if ((db.pragma('user_version', { simple: true }) as number) >= 5) return;
          addBounces(db);
          db.pragma('user_version = 5');
        }).immediate();
      }
      db.prepare('SELECT count(*) FROM deliveries').get();
    } catch (err) {
      if (err instanceof RelaisError) throw err;
      throw new RelaisError(`le journal ${JOURNAL_FILE} est illisible (${(err as Error).message}) : il n'a pas été modifié ; sauvegardez-le et consultez le README (« après un incident »)`, { file: JOURNAL_FILE }, { cause: err });
    }
    return new Journal(db, campaign, now);
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  /** Rows a crash left `sending` (to any destination) become `unconfirmed`; returns them. */
  recoverInterrupted(channel: string): Row[] {
    const rows = this.sql("SELECT * FROM deliveries WHERE campaign = ? AND channel = ? AND status = 'sending'").all(this.campaign, channel) as Row[];
    if (rows.length) {
      this.sql("UPDATE deliveries SET status = 'unconfirmed', last_reply = 'interrompu pendant l''envoi : remise inconnue', updated_at = ? WHERE campaign = ? AND channel = ? AND status = 'sending'")
        .run(this.stamp(), this.campaign, channel);
    }
    return rows.map((r) => ({ ...r, status: 'unconfirmed' }));
  }

  /** Every row of one destination, by commune. */
  all(channel: string, destination: Destination): Map<string, Row> {
    const rows = this.sql('SELECT * FROM deliveries WHERE campaign = ? AND channel = ? AND destination = ?').all(this.campaign, channel, destination) as Row[];
    return new Map(rows.map((r) => [r.commune, r]));
  }

  /** Committed before the message leaves: the one fact a crash must not lose. */
  markSending(channel: string, target: Target, r: { commune: string; departement: string; recipient: string; hash: string; messageId: string }): void {
    const now = this.stamp();
    this.sql(
        `INSERT INTO deliveries (campaign, channel, commune, destination, server, departement, recipient, status, attempts, message_hash, message_id, created_at, updated_at)
         VALUES (@campaign, @channel, @commune, @destination, @server, @departement, @recipient, 'sending', 1, @hash, @messageId, @now, @now)
         ON CONFLICT (campaign, channel, commune, destination) DO UPDATE SET status = 'sending', attempts = attempts + 1, recipient = @recipient,
           server = @server, departement = @departement, message_hash = @hash, message_id = @messageId, updated_at = @now,
           bounce_status = NULL, bounce_diagnostic = NULL, bounced_at = NULL, delay_diagnostic = NULL, delayed_at = NULL`,
      )
      .run({ campaign: this.campaign, channel, destination: target.destination, server: target.server, ...r, now });
  }

  finish(channel: string, destination: Destination, commune: string, status: Exclude<Status, 'pending' | 'sending'>, reply: string): void {
    const now = this.stamp();
    this.sql(`UPDATE deliveries SET status = ?, last_reply = ?, updated_at = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END WHERE campaign = ? AND channel = ? AND commune = ? AND destination = ?`)
      .run(status, reply.slice(0, 500), now, status, now, this.campaign, channel, commune, destination);
  }

  counts(channel: string): Array<{ departement: string; destination: Destination; status: Status; n: number }> {
    return this.sql('SELECT departement, destination, status, count(*) AS n FROM deliveries WHERE campaign = ? AND channel = ? GROUP BY departement, destination, status ORDER BY departement, destination, status')
      .all(this.campaign, channel) as Array<{ departement: string; destination: Destination; status: Status; n: number }>;
  }

  /** The SMTP servers that accepted messages, with how many (null: a journal older than format 4). */
  servers(channel: string): Array<{ server: string | null; n: number }> {
    return this.sql("SELECT server, count(*) AS n FROM deliveries WHERE campaign = ? AND channel = ? AND destination = 'server' AND status = 'sent' GROUP BY server ORDER BY n DESC, server")
      .all(this.campaign, channel) as Array<{ server: string | null; n: number }>;
  }

  rows(channel: string, statuses: Status[]): Row[] {
    return this.sql(`SELECT * FROM deliveries WHERE campaign = ? AND channel = ? AND status IN (${statuses.map(() => '?').join(',')}) ORDER BY departement, commune, destination DESC`)
      .all(this.campaign, channel, ...statuses) as Row[];
  }

  /** Whether this notice (fingerprint) was already read. */
  hasBounce(fingerprint: string): boolean {
    return this.sql('SELECT 1 FROM bounces WHERE campaign = ? AND fingerprint = ?').get(this.campaign, fingerprint) !== undefined;
  }

  /**
   * Records one bounce or delay of a server delivery, with the notice itself, in one transaction.
   * A delay never overrides a bounce; a bounce overrides a delay. Returns false when the notice was
   * already read (nothing changes).
   */
  recordBounce(channel: string, b: BounceRecord): boolean {
    return this.db.transaction(() => {
      const now = this.stamp();
      const added = this.sql('INSERT OR IGNORE INTO bounces (campaign, fingerprint, channel, commune, recipient, kind, status, diagnostic, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(this.campaign, b.fingerprint, channel, b.commune, b.recipient, b.kind, b.status, b.diagnostic.slice(0, 500), now);
      if (added.changes === 0) return false;
      const where = "campaign = ? AND channel = ? AND commune = ? AND destination = 'server'";
      if (b.kind === 'bounced') {
        this.sql(`UPDATE deliveries SET status = 'bounced', last_reply = ?, bounce_status = ?, bounce_diagnostic = ?, bounced_at = ?, updated_at = ? WHERE ${where}`)
          .run(`retour : ${b.diagnostic}`.slice(0, 500), b.status, b.diagnostic.slice(0, 500), now, now, this.campaign, channel, b.commune);
      } else {
        this.sql(`UPDATE deliveries SET delay_diagnostic = ?, delayed_at = ?, updated_at = ? WHERE ${where} AND status <> 'bounced'`)
          .run(b.diagnostic.slice(0, 500), now, now, this.campaign, channel, b.commune);
      }
      return true;
    }).immediate();
  }

  /** Server deliveries still waiting after a delay notice (neither bounced nor resent since). */
  delayed(channel: string): Row[] {
    return this.sql("SELECT * FROM deliveries WHERE campaign = ? AND channel = ? AND destination = 'server' AND status = 'sent' AND delayed_at IS NOT NULL ORDER BY departement, commune")
      .all(this.campaign, channel) as Row[];
  }

  statement(sql: string): JournalStatement {
    return this.sql(sql);
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  columns(table: string): Set<string> {
    return new Set((this.db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name));
  }

  transaction<T>(work: () => T, mode: 'deferred' | 'immediate' = 'deferred'): T {
    const t = this.db.transaction(work);
    return mode === 'immediate' ? t.immediate() : t();
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The town halls whose email bounced, by commune, with the address that bounced: their letter
 * joins the print file as long as the data still gives that address. Read without creating a
 * journal where there is none.
 */
export function bouncedAddresses(campaignDir: string, campaign: string): Map<string, string> {
  if (!existsSync(join(campaignDir, JOURNAL_FILE))) return new Map();
  const journal = Journal.open(campaignDir, campaign);
  try {
    return new Map(journal.rows(EMAIL_CHANNEL, ['bounced']).filter((r) => r.destination === 'server').map((r) => [r.commune, r.recipient.toLowerCase()]));
  } finally {
    journal.close();
  }
}
