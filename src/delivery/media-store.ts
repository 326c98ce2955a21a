import { isAbsolute, resolve, sep } from 'node:path';
import { displayPath } from '../campaign/load.js';
import type { JournalTables } from './journal-tables.js';

/**
 * The media of posts and their uploads, in the campaign's journal, in tables of their own created
 * here (idempotently), apart from the journal's format migrations.
 *
 * `post_media`: what a post carries (the file, its hash when it was planned, its alt text).
 * `media_uploads`: an upload to a network account, by file hash: finished (`done`, with the
 * network's media id and its expiry) or under way (`partial`, with the protocol's progress), so
 * that a resumed run reuses it instead of sending the file again. A file changed on disk has
 * another hash: it is uploaded again.
 */
export interface PostMedium {
  post_id: number;
  position: number;
  name: string;
  path: string;
  alt: string | null;
  title: string | null;
  sha256: string;
  size: number;
  mime: string;
  kind: 'video' | 'image' | 'document';
}

export interface Upload {
  destination: string;
  sha256: string;
  state: 'partial' | 'done';
  remote_id: string;
  /** ISO instant after which the network forgets it; null when it keeps it. */
  expires_at: string | null;
  /** Protocol state of a partial upload (JSON). */
  progress: string | null;
  updated_at: string;
}

function setup(db: JournalTables): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS post_media (
      campaign TEXT NOT NULL, post_id INTEGER NOT NULL, position INTEGER NOT NULL,
      name TEXT NOT NULL, path TEXT NOT NULL, alt TEXT, title TEXT,
      sha256 TEXT NOT NULL, size INTEGER NOT NULL, mime TEXT NOT NULL, kind TEXT NOT NULL,
      PRIMARY KEY (campaign, post_id, position)
    );
    CREATE TABLE IF NOT EXISTS media_uploads (
      campaign TEXT NOT NULL, destination TEXT NOT NULL, sha256 TEXT NOT NULL,
      state TEXT NOT NULL, remote_id TEXT NOT NULL, expires_at TEXT, progress TEXT, updated_at TEXT NOT NULL,
      PRIMARY KEY (campaign, destination, sha256)
    );
  `);
}

export class MediaStore {
  /**
   * `root` is the campaign folder: a medium inside it is recorded by its path relative to it, so
   * that a moved or restored copy of the folder (a complete backup) still finds its media.
   */
  constructor(
    private readonly tables: JournalTables,
    private readonly root: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    setup(tables);
  }

  private stored(path: string): string {
    const shown = displayPath({ dir: this.root }, path);
    return isAbsolute(shown) ? shown : shown.split(sep).join('/');
  }

  /** The journal's campaign: the store has no other. */
  get campaign(): string {
    return this.tables.campaign;
  }

  attach(postId: number, media: Array<Omit<PostMedium, 'post_id' | 'position'>>): void {
    const insert = this.tables.statement(
      `INSERT OR REPLACE INTO post_media (campaign, post_id, position, name, path, alt, title, sha256, size, mime, kind)
       VALUES (@campaign, @post_id, @position, @name, @path, @alt, @title, @sha256, @size, @mime, @kind)`,
    );
    this.tables.transaction(() => media.forEach((m, position) => insert.run({ ...m, path: this.stored(m.path), campaign: this.campaign, post_id: postId, position })));
  }

  /** A post's media, their paths absolute (a journal of an older relais holds absolute ones). */
  of(postId: number): PostMedium[] {
    const rows = this.tables.statement('SELECT * FROM post_media WHERE campaign = ? AND post_id = ? ORDER BY position').all(this.campaign, postId) as PostMedium[];
    return rows.map((r) => (isAbsolute(r.path) ? r : { ...r, path: resolve(this.root, r.path) }));
  }

  /** A usable upload of this file to this account: done and not about to expire (a margin of 10 minutes). */
  upload(destination: string, sha256: string): Upload | undefined {
    const row = this.tables.statement('SELECT * FROM media_uploads WHERE campaign = ? AND destination = ? AND sha256 = ?').get(this.campaign, destination, sha256) as Upload | undefined;
    if (!row) return undefined;
    if (row.expires_at && Date.parse(row.expires_at) < this.now().getTime() + 10 * 60_000) return undefined;
    return row;
  }

  record(destination: string, sha256: string, fields: { state: Upload['state']; remote_id: string; expires_at?: string | null; progress?: unknown }): void {
    this.tables.statement(
        `INSERT OR REPLACE INTO media_uploads (campaign, destination, sha256, state, remote_id, expires_at, progress, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(this.campaign, destination, sha256, fields.state, fields.remote_id, fields.expires_at ?? null, fields.progress === undefined ? null : JSON.stringify(fields.progress), this.now().toISOString());
  }

  forget(destination: string, sha256: string): void {
    this.tables.statement('DELETE FROM media_uploads WHERE campaign = ? AND destination = ? AND sha256 = ?').run(this.campaign, destination, sha256);
  }

  /** Every upload recorded, for `schedule list --json` and the tests. */
  uploads(): Upload[] {
    return this.tables.statement('SELECT * FROM media_uploads WHERE campaign = ? ORDER BY updated_at').all(this.campaign) as Upload[];
  }
}
