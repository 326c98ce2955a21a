import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { JOURNAL_FILE } from '../campaign/paths.js';
import { EMAIL_CHANNEL, POST_CHANNEL, type BounceRecord, type Destination, type Row, type Status, type Target } from './journal-rows.js';
import { openJournalDatabase } from './journal-schema.js';
import { JournalDatabase } from './journal-tables.js';

export { JOURNAL_FILE } from '../campaign/paths.js';
// The journal's vocabulary, from where its users have always taken it.
export { JOURNAL_VERSION } from './journal-schema.js';
export { DESTINATIONS, EMAIL_CHANNEL, POST_CHANNEL, STATUSES, type BounceRecord, type Destination, type Row, type Status, type Target } from './journal-rows.js';
export type { JournalStatement, JournalTables } from './journal-tables.js';

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
export class Journal extends JournalDatabase {
  private constructor(
    db: Database.Database,
    campaign: string,
    private readonly now: () => Date,
  ) {
    super(db, campaign);
  }

  /** `readOnly`: for a command that only reads the journal (see openJournalDatabase). */
  static open(campaignDir: string, campaign: string, now: () => Date = () => new Date(), options: { readOnly?: boolean } = {}): Journal {
    return new Journal(openJournalDatabase(campaignDir, options), campaign, now);
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  /** Rows a crash left `sending` to a server become `unconfirmed` (returned); to the outbox, to write again. */
  recoverInterrupted(channel: string): Row[] {
    // A copy for the local outbox is written whole or not at all (written aside, then renamed), and
    // writing it again sends nothing to anyone: it is simply written again at this run.
    this.sql("UPDATE deliveries SET status = 'failed-temporary', last_reply = 'interrompu pendant l''écriture dans la boîte d''envoi locale : écrit de nouveau', updated_at = ? WHERE campaign = ? AND channel = ? AND status = 'sending' AND destination = 'outbox'")
      .run(this.stamp(), this.campaign, channel);
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

  /**
   * Committed before the message leaves: the one fact a crash must not lose. `pending` first, while
   * the session is set up (connection, greeting, envelope): nothing can have left, a crash then
   * leaves it to send; `sending` (handedOver) once the message itself is handed over.
   */
  markSending(channel: string, target: Target, r: { commune: string; departement: string; recipient: string; hash: string; messageId: string }, status: 'pending' | 'sending' = 'sending'): void {
    const now = this.stamp();
    this.sql(
        `INSERT INTO deliveries (campaign, channel, commune, destination, server, departement, recipient, status, attempts, message_hash, message_id, created_at, updated_at)
         VALUES (@campaign, @channel, @commune, @destination, @server, @departement, @recipient, @status, 1, @hash, @messageId, @now, @now)
         ON CONFLICT (campaign, channel, commune, destination) DO UPDATE SET status = @status, attempts = attempts + 1, recipient = @recipient,
           server = @server, departement = @departement, message_hash = @hash, message_id = @messageId, updated_at = @now,
           bounce_status = NULL, bounce_diagnostic = NULL, bounced_at = NULL, delay_diagnostic = NULL, delayed_at = NULL`,
      )
      .run({ campaign: this.campaign, channel, destination: target.destination, server: target.server, ...r, now, status });
  }

  /** The message marked `pending` is being handed over (DATA): from now on it may arrive. Committed before its first byte. */
  handedOver(channel: string, destination: Destination, commune: string): void {
    this.sql("UPDATE deliveries SET status = 'sending', updated_at = ? WHERE campaign = ? AND channel = ? AND commune = ? AND destination = ? AND status = 'pending'")
      .run(this.stamp(), this.campaign, channel, commune, destination);
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

  /**
   * Messages each SMTP server accepted, with how many (null: a journal older than format 4); a
   * bounce came later, from further on, so it counts too.
   */
  servers(channel: string): Array<{ server: string | null; n: number }> {
    return this.sql("SELECT server, count(*) AS n FROM deliveries WHERE campaign = ? AND channel = ? AND destination = 'server' AND status IN ('sent', 'bounced') GROUP BY server ORDER BY n DESC, server")
      .all(this.campaign, channel) as Array<{ server: string | null; n: number }>;
  }

  /** Records letters as posted, once each (the first date stays); returns how many are new. */
  markPosted(letters: Array<{ commune: string; departement: string; recipient: string; hash: string }>, note: string): number {
    const already = this.all(POST_CHANNEL, 'server');
    const target: Target = { destination: 'server', server: null };
    let added = 0;
    this.transaction(() => {
      for (const l of letters) {
        if (already.get(l.commune)?.status === 'sent') continue;
        this.markSending(POST_CHANNEL, target, { ...l, messageId: '' });
        this.finish(POST_CHANNEL, 'server', l.commune, 'sent', note);
        added++;
      }
    });
    return added;
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
}

/**
 * Whether a town hall's email cannot reach it at this address: it came back (bounced) or the
 * server refused it for good — at this very address. A corrected address in the data is written
 * to again. One rule for send (not resent), letters (the print file) and status (by post).
 */
export function unreachableAt(row: Pick<Row, 'status' | 'recipient'> | undefined, to: string | null): boolean {
  return row !== undefined && to !== null && (row.status === 'bounced' || row.status === 'failed-permanent') && row.recipient.toLowerCase() === to.toLowerCase();
}

/**
 * What the journal knows of each town hall's email on a real server, by commune. Unreachable
 * (with the address): one whose email bounced, and one the server refused for good (550 at RCPT:
 * the same fact, known at once); its letter joins the print file as long as the data still gives
 * that address. Reached: a server accepted its email and it never came back — whatever a later
 * export of the data says of its address (removed, or the record gone), its letter is not printed
 * for the post as well. Read without creating a journal where there is none.
 */
export interface EmailFates {
  unreachable: Map<string, string>;
  reached: Set<string>;
  /** Communes whose letter the user said was posted (relais letters --posted). */
  posted: Set<string>;
  /** Of the unreachable, those whose address a server refused at once (the email never left): not « revenus ». */
  refused?: Set<string>;
}

export function emailFates(campaignDir: string, campaign: string): EmailFates {
  if (!existsSync(join(campaignDir, JOURNAL_FILE))) return { unreachable: new Map(), reached: new Set(), posted: new Set(), refused: new Set() };
  const journal = Journal.open(campaignDir, campaign);
  try {
    const rows = journal.rows(EMAIL_CHANNEL, ['bounced', 'failed-permanent', 'sent']).filter((r) => r.destination === 'server');
    return {
      unreachable: new Map(rows.filter((r) => r.status !== 'sent').map((r) => [r.commune, r.recipient.toLowerCase()])),
      reached: new Set(rows.filter((r) => r.status === 'sent').map((r) => r.commune)),
      posted: new Set([...journal.all(POST_CHANNEL, 'server').values()].filter((r) => r.status === 'sent').map((r) => r.commune)),
      refused: new Set(rows.filter((r) => r.status === 'failed-permanent').map((r) => r.commune)),
    };
  } finally {
    journal.close();
  }
}
