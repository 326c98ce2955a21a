import type Database from 'better-sqlite3';
import type { Journal } from './journal.js';

/**
 * Planned social posts, in the campaign's journal: one row per post and network, with its due
 * time as the user wrote it and as a UTC instant, and its fate.
 */
export type PostStatus = 'queued' | 'publishing' | 'published' | 'failed' | 'unconfirmed' | 'cancelled';
export type Network = 'twitter' | 'facebook' | 'linkedin';
export const NETWORKS: Network[] = ['twitter', 'facebook', 'linkedin'];

export interface Post {
  id: number;
  campaign: string;
  channel: Network;
  text: string;
  local_time: string;
  tz: string;
  due_utc: string;
  status: PostStatus;
  attempts: number;
  next_attempt_utc: string | null;
  remote_id: string | null;
  remote_url: string | null;
  last_error: string | null;
  source: string;
  source_key: string | null;
  created_at: string;
  updated_at: string;
  published_at: string | null;
}

export class PostStore {
  private readonly db: Database.Database;

  constructor(
    journal: Journal,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.db = journal.database;
    this.campaign = journal.campaign;
  }

  readonly campaign: string;

  add(p: { channel: Network; text: string; local: string; tz: string; utc: Date; source: string; sourceKey?: string }): Post | undefined {
    const now = this.now().toISOString();
    const info = this.db
      .prepare(
        `INSERT INTO posts (campaign, channel, text, local_time, tz, due_utc, status, source, source_key, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(this.campaign, p.channel, p.text, p.local, p.tz, p.utc.toISOString(), p.source, p.sourceKey ?? null, now, now);
    return info.changes ? this.get(Number(info.lastInsertRowid)) : undefined;
  }

  get(id: number): Post | undefined {
    return this.db.prepare('SELECT * FROM posts WHERE campaign = ? AND id = ?').get(this.campaign, id) as Post | undefined;
  }

  list(): Post[] {
    return this.db.prepare('SELECT * FROM posts WHERE campaign = ? ORDER BY due_utc, id').all(this.campaign) as Post[];
  }

  /** Same text on the same network within a week: a duplicate to warn about. */
  near(channel: Network, text: string, utc: Date, days = 7): Post[] {
    const span = days * 86_400_000;
    return (this.db.prepare("SELECT * FROM posts WHERE campaign = ? AND channel = ? AND text = ? AND status != 'cancelled'").all(this.campaign, channel, text) as Post[]).filter(
      (p) => Math.abs(new Date(p.due_utc).getTime() - utc.getTime()) <= span,
    );
  }

  due(at: Date): Post[] {
    const t = at.toISOString();
    return this.db
      .prepare("SELECT * FROM posts WHERE campaign = ? AND status = 'queued' AND due_utc <= ? AND (next_attempt_utc IS NULL OR next_attempt_utc <= ?) ORDER BY due_utc, id")
      .all(this.campaign, t, t) as Post[];
  }

  /** When the next queued post falls due (for --watch). */
  nextDue(): Date | undefined {
    const rows = this.db.prepare("SELECT due_utc, next_attempt_utc FROM posts WHERE campaign = ? AND status = 'queued'").all(this.campaign) as Array<{ due_utc: string; next_attempt_utc: string | null }>;
    const times = rows.map((r) => Math.max(Date.parse(r.due_utc), r.next_attempt_utc ? Date.parse(r.next_attempt_utc) : 0));
    return times.length ? new Date(Math.min(...times)) : undefined;
  }

  /** A crash mid-publish leaves `publishing`: its outcome is unknown. */
  recoverInterrupted(): number {
    return this.db
      .prepare("UPDATE posts SET status = 'unconfirmed', last_error = 'interrompu pendant la publication : issue inconnue', updated_at = ? WHERE campaign = ? AND status = 'publishing'")
      .run(this.now().toISOString(), this.campaign).changes;
  }

  update(id: number, fields: Partial<Pick<Post, 'status' | 'attempts' | 'next_attempt_utc' | 'remote_id' | 'remote_url' | 'last_error' | 'published_at'>>): void {
    const keys = Object.keys(fields) as Array<keyof typeof fields>;
    const sets = [...keys.map((k) => `${k} = @${k}`), 'updated_at = @updated_at'].join(', ');
    this.db.prepare(`UPDATE posts SET ${sets} WHERE campaign = @campaign AND id = @id`).run({ ...fields, updated_at: this.now().toISOString(), campaign: this.campaign, id });
  }
}
