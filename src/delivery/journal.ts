import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RelaisError } from '../errors.js';

/**
 * The journal: who got what, durably. SQLite (WAL) in the campaign folder, outside out/, one row
 * per campaign × channel × commune. A row is `sending` before the message is handed to the server
 * and `sent` once the server accepted it, each step committed on its own: after a crash, a row
 * left `sending` is `unconfirmed` — maybe delivered, never resent without being asked.
 */
export const JOURNAL_VERSION = 4;
export const JOURNAL_FILE = join('.relais', 'journal.sqlite');

export type Status = 'pending' | 'sending' | 'sent' | 'failed-temporary' | 'failed-permanent' | 'unconfirmed';
export const STATUSES: Status[] = ['pending', 'sending', 'sent', 'failed-temporary', 'failed-permanent', 'unconfirmed'];

export interface Row {
  campaign: string;
  channel: string;
  commune: string;
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
}

export class Journal {
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
    mkdirSync(join(campaignDir, '.relais'), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(path, { timeout: 5000 });
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a commit survives the process being killed, which is the risk here.
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
        // Rows of format 3 are classified by what the outbox wrote in them ("écrit dans …" for
        // emails, an "outbox:" id for posts); anything else went to a real server or network.
        const hasColumn = (table: string) => (db.pragma(`table_info(${table})`) as Array<{ name: string }>).some((c) => c.name === 'destination');
        db.transaction(() => {
          if (!hasColumn('deliveries')) db.exec('ALTER TABLE deliveries ADD COLUMN destination TEXT');
          if (!hasColumn('posts')) db.exec('ALTER TABLE posts ADD COLUMN destination TEXT');
          db.exec(`
            UPDATE deliveries SET destination = CASE WHEN last_reply LIKE 'écrit dans %' THEN 'outbox' ELSE 'server' END
              WHERE destination IS NULL AND status != 'pending';
            UPDATE posts SET destination = CASE WHEN remote_id LIKE 'outbox:%' THEN 'outbox' ELSE 'network' END
              WHERE destination IS NULL AND status IN ('published', 'publishing', 'unconfirmed', 'failed');
          `);
          db.pragma(`user_version = ${JOURNAL_VERSION}`);
        })();
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

  /** Rows a crash left `sending` become `unconfirmed`; returns them. */
  recoverInterrupted(channel: string): Row[] {
    const rows = this.sql("SELECT * FROM deliveries WHERE campaign = ? AND channel = ? AND status = 'sending'").all(this.campaign, channel) as Row[];
    if (rows.length) {
      this.sql("UPDATE deliveries SET status = 'unconfirmed', last_reply = 'interrompu pendant l''envoi : remise inconnue', updated_at = ? WHERE campaign = ? AND channel = ? AND status = 'sending'")
        .run(this.stamp(), this.campaign, channel);
    }
    return rows.map((r) => ({ ...r, status: 'unconfirmed' }));
  }

  all(channel: string): Map<string, Row> {
    const rows = this.sql('SELECT * FROM deliveries WHERE campaign = ? AND channel = ?').all(this.campaign, channel) as Row[];
    return new Map(rows.map((r) => [r.commune, r]));
  }

  /** Committed before the message leaves: the one fact a crash must not lose. */
  markSending(channel: string, r: { commune: string; departement: string; recipient: string; hash: string; messageId: string }): void {
    const now = this.stamp();
    this.sql(
        `INSERT INTO deliveries (campaign, channel, commune, departement, recipient, status, attempts, message_hash, message_id, created_at, updated_at)
         VALUES (@campaign, @channel, @commune, @departement, @recipient, 'sending', 1, @hash, @messageId, @now, @now)
         ON CONFLICT (campaign, channel, commune) DO UPDATE SET status = 'sending', attempts = attempts + 1, recipient = @recipient,
           departement = @departement, message_hash = @hash, message_id = @messageId, updated_at = @now`,
      )
      .run({ campaign: this.campaign, channel, ...r, now });
  }

  markPending(channel: string, r: { commune: string; departement: string; recipient: string }): void {
    const now = this.stamp();
    this.sql(
        `INSERT INTO deliveries (campaign, channel, commune, departement, recipient, status, created_at, updated_at)
         VALUES (@campaign, @channel, @commune, @departement, @recipient, 'pending', @now, @now)
         ON CONFLICT (campaign, channel, commune) DO NOTHING`,
      )
      .run({ campaign: this.campaign, channel, ...r, now });
  }

  finish(channel: string, commune: string, status: Exclude<Status, 'pending' | 'sending'>, reply: string): void {
    const now = this.stamp();
    this.sql(`UPDATE deliveries SET status = ?, last_reply = ?, updated_at = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END WHERE campaign = ? AND channel = ? AND commune = ?`)
      .run(status, reply.slice(0, 500), now, status, now, this.campaign, channel, commune);
  }

  counts(channel?: string): Array<{ channel: string; departement: string; status: Status; n: number }> {
    return this.sql(`SELECT channel, departement, status, count(*) AS n FROM deliveries WHERE campaign = ? ${channel ? 'AND channel = ?' : ''} GROUP BY channel, departement, status ORDER BY channel, departement, status`)
      .all(...(channel ? [this.campaign, channel] : [this.campaign])) as Array<{ channel: string; departement: string; status: Status; n: number }>;
  }

  rows(channel: string, statuses: Status[]): Row[] {
    return this.sql(`SELECT * FROM deliveries WHERE campaign = ? AND channel = ? AND status IN (${statuses.map(() => '?').join(',')}) ORDER BY departement, commune`)
      .all(this.campaign, channel, ...statuses) as Row[];
  }

  /** For the post store, which keeps its table in the same file. */
  get database(): Database.Database {
    return this.db;
  }

  close(): void {
    this.db.close();
  }
}
