import type Database from 'better-sqlite3';

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

/**
 * The journal's one connection, as the stores see it (JournalTables), with its statements
 * prepared once: preparing costs more than running them. The journal of deliveries (journal.ts)
 * is one, and opens it (journal-schema.ts).
 */
export class JournalDatabase implements JournalTables {
  private readonly statements = new Map<string, Database.Statement>();

  protected constructor(
    protected readonly db: Database.Database,
    readonly campaign: string,
  ) {}

  protected sql(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
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
