import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { JournalTables } from './journal-tables.js';
import { claimAlive, claimLockPath, claimOf, ClaimLock } from './lock.js';

/**
 * Planned social posts, in the campaign's journal: one row per post and network, with its due
 * time as the user wrote it and as a UTC instant, and its fate.
 *
 * Two facts per post, never mixed: its fate on the network (`status`, `destination` = the account
 * it was published on or tried on: `twitter`, `facebook:<page>`, `linkedin:<organization urn>`)
 * and its rehearsal in the local outbox (`outbox_at`, `outbox_path`). A copy in the outbox leaves
 * the post `queued` for the network: once credentials are set, it is published for real.
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
  /** The network account the status applies to; NULL while the post was never tried on one. */
  destination: string | null;
  /** When and where the post was last written to the local outbox (a rehearsal), if ever. */
  outbox_at: string | null;
  outbox_path: string | null;
  /** Which run holds the post while it is `publishing` ("host:pid token": see lock.ts). */
  claim: string | null;
  /**
   * While `publishing` with media: `uploading` until the post request itself leaves (an
   * interruption then is safe to take again), `posting` after. NULL: a text post, its request
   * may have left.
   */
  phase: string | null;
  /**
   * When relais withdrew this queued campaign post because its entry in campagne.yaml changed (see
   * queueCampaignPublications): a `cancelled` post without it was cancelled by the user, and stays so.
   */
  withdrawn_at: string | null;
  /**
   * Set by the upgrade of a journal written before withdrawn_at, where the journal cannot say who
   * cancelled a post (see upgrade): `cancelled`, a campaign post cancelled by the user or withdrawn
   * by an older relais, held as the user's; `held`, a post an older relais queued as the new
   * version of a cancelled one, taken out of the queue. Said once by the next run whose
   * campagne.yaml has its entry (queueCampaignPublications), then cleared.
   */
  upgrade_doubt: 'cancelled' | 'held' | null;
}

/** This process, as written in the rows it claims (its id and a token of its own: see lock.ts). */
const ME = claimOf(hostname(), randomBytes(6).toString('hex'));

/**
 * The columns this store adds to journal format 4, added when the store opens (idempotent, in one
 * immediate transaction so that two processes opening the store at once do not both add them).
 * Format-4 rows that the journal carried over as published to the outbox are rehearsals: they go
 * back to `queued` for the network, their outbox copy recorded as such.
 */
function upgrade(db: JournalTables): void {
  const columns = () => db.columns('posts');
  if (ADDED.every((c) => columns().has(c)) && !db.statement("SELECT 1 FROM posts WHERE destination = 'outbox' LIMIT 1").get()) return;
  db.transaction(() => {
    const have = columns();
    for (const c of ADDED) if (!have.has(c)) db.exec(`ALTER TABLE posts ADD COLUMN ${c} TEXT`);
    // Journals written before withdrawn_at: a campaign post withdrawn by relais was cancelled in
    // the very run that queued its new version on the same network (the same second), and was
    // never tried (relais withdrew only queued posts); one cancelled by the user was not. Told
    // apart once, so that only the user's cancellations stay binding.
    //
    // What such a journal cannot tell: an older relais also withdrew a post whose entry was taken
    // out of campagne.yaml (no new version), exactly like a cancellation by the user; and it
    // queued again, as a new version, the corrected entry of a post the user had cancelled (the
    // cancellation forgotten). Where it cannot tell, nothing is published unsaid: a cancellation
    // without a new version is held as the user's, and a campaign post queued after a
    // cancellation as the new version of its entry (same network, same time or same text: the
    // pairing of schedule-io.ts) is taken out of the queue. Both are marked (upgrade_doubt) and
    // said once, with how to publish them all the same, by the next run whose campagne.yaml has
    // their entry. A post cancelled after a failure or an unconfirmed answer (last_error) was the
    // user's: not in doubt.
    if (!have.has('withdrawn_at')) {
      db.exec(`
        UPDATE posts SET withdrawn_at = updated_at, source_key = NULL
        WHERE status = 'cancelled' AND source = 'campagne' AND source_key IS NOT NULL AND last_error IS NULL AND EXISTS (
          SELECT 1 FROM posts AS later WHERE later.campaign = posts.campaign AND later.source = 'campagne' AND later.channel = posts.channel AND later.id > posts.id
            AND julianday(later.created_at) <= julianday(posts.updated_at)
            AND julianday(posts.updated_at) - julianday(later.created_at) < 5.0 / 86400);
        UPDATE posts SET status = 'cancelled', upgrade_doubt = 'held', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        WHERE status = 'queued' AND source = 'campagne' AND source_key IS NOT NULL AND EXISTS (
          SELECT 1 FROM posts AS c WHERE c.campaign = posts.campaign AND c.source = 'campagne' AND c.channel = posts.channel AND c.id < posts.id
            AND c.status = 'cancelled' AND c.withdrawn_at IS NULL AND c.upgrade_doubt IS NOT 'held'
            AND julianday(posts.created_at) > julianday(c.updated_at)
            AND ((c.local_time = posts.local_time AND c.tz = posts.tz) OR c.text = posts.text));
        UPDATE posts SET upgrade_doubt = 'cancelled'
        WHERE status = 'cancelled' AND source = 'campagne' AND source_key IS NOT NULL AND withdrawn_at IS NULL AND last_error IS NULL AND upgrade_doubt IS NULL;
      `);
    }
    db.exec(`
      UPDATE posts SET status = 'queued',
        outbox_at = COALESCE(published_at, updated_at),
        outbox_path = CASE WHEN remote_id LIKE 'outbox:%' THEN 'out/publications/' || substr(remote_id, 8) || '.txt' END,
        remote_id = NULL, remote_url = NULL, published_at = NULL, last_error = NULL, destination = NULL
      WHERE destination = 'outbox';
    `);
  }, 'immediate');
}

const UNCONFIRMED = 'interrompu pendant la publication : issue inconnue';
const REQUEUED = 'interrompu pendant l’envoi des médias : rien n’a été publié, l’envoi reprend au prochain passage';
const MARK_SQL = `UPDATE posts SET status = 'unconfirmed', last_error = '${UNCONFIRMED}', updated_at = ? WHERE campaign = ? AND id = ? AND status = 'publishing' AND phase IS NOT 'uploading'`;
// Stopped while its media were being sent: nothing was published, the next run goes on with the
// uploads the journal recorded.
const REQUEUE_SQL = `UPDATE posts SET status = 'queued', claim = NULL, phase = NULL, last_error = '${REQUEUED}', updated_at = ? WHERE campaign = ? AND id = ? AND status = 'publishing' AND phase = 'uploading'`;

/** The columns this store adds to journal format 4 (see upgrade). */
const ADDED = ['outbox_at', 'outbox_path', 'claim', 'phase', 'withdrawn_at', 'upgrade_doubt'];

export class PostStore {
  /** Held while this run has posts claimed: another run then leaves them to it (see lock.ts). */
  private readonly claims: ClaimLock;

  constructor(
    private readonly tables: JournalTables,
    private readonly now: () => Date = () => new Date(),
  ) {
    upgrade(tables);
    const main = (tables.statement('PRAGMA database_list').all() as Array<{ name: string; file: string }>).find((d) => d.name === 'main');
    this.claims = new ClaimLock(claimLockPath(main?.file || undefined));
  }

  /** The journal's campaign: the store has no other. */
  get campaign(): string {
    return this.tables.campaign;
  }

  add(p: { channel: Network; text: string; local: string; tz: string; utc: Date; source: string; sourceKey?: string }): Post | undefined {
    const now = this.now().toISOString();
    const info = this.tables.statement(
        `INSERT INTO posts (campaign, channel, text, local_time, tz, due_utc, status, source, source_key, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(this.campaign, p.channel, p.text, p.local, p.tz, p.utc.toISOString(), p.source, p.sourceKey ?? null, now, now);
    return info.changes ? this.get(Number(info.lastInsertRowid)) : undefined;
  }

  /** All of `work` or none of it (an import). */
  transaction<T>(work: () => T): T {
    return this.tables.transaction(work);
  }

  get(id: number): Post | undefined {
    return this.tables.statement('SELECT * FROM posts WHERE campaign = ? AND id = ?').get(this.campaign, id) as Post | undefined;
  }

  list(): Post[] {
    return this.tables.statement('SELECT * FROM posts WHERE campaign = ? ORDER BY due_utc, id').all(this.campaign) as Post[];
  }

  /** Same text on the same network within a week: a duplicate to warn about. */
  near(channel: Network, text: string, utc: Date, days = 7): Post[] {
    const span = days * 86_400_000;
    return (this.tables.statement("SELECT * FROM posts WHERE campaign = ? AND channel = ? AND text = ? AND status != 'cancelled'").all(this.campaign, channel, text) as Post[]).filter(
      (p) => Math.abs(new Date(p.due_utc).getTime() - utc.getTime()) <= span,
    );
  }

  /** Queued posts due at `at`, rehearsed or not (the caller decides what each publisher takes). */
  due(at: Date): Post[] {
    const t = at.toISOString();
    return this.tables.statement("SELECT * FROM posts WHERE campaign = ? AND status = 'queued' AND due_utc <= ? AND (next_attempt_utc IS NULL OR next_attempt_utc <= ?) ORDER BY due_utc, id")
      .all(this.campaign, t, t) as Post[];
  }

  /** When the next queued post falls due (for --watch), leaving out those `skip` says this run will not take. */
  nextDue(skip: (p: Post) => boolean = () => false): Date | undefined {
    const rows = (this.tables.statement("SELECT * FROM posts WHERE campaign = ? AND status = 'queued'").all(this.campaign) as Post[]).filter((p) => !skip(p));
    const times = rows.map((r) => Math.max(Date.parse(r.due_utc), r.next_attempt_utc ? Date.parse(r.next_attempt_utc) : 0));
    return times.length ? new Date(Math.min(...times)) : undefined;
  }

  /**
   * Takes a queued post for publishing on `destination`, with a conditional update: true only if
   * this process got it. Two runs at once never both publish it.
   */
  claim(id: number, destination: string): boolean {
    const now = this.now().toISOString();
    // Held before the claim is written: a run that finds the lock free knows no claim is a live run's.
    this.claims.hold();
    const got =
      this.tables.statement(
          `UPDATE posts SET status = 'publishing', attempts = attempts + 1, destination = @destination, claim = @me, phase = NULL, updated_at = @now
           WHERE campaign = @campaign AND id = @id AND status = 'queued' AND (next_attempt_utc IS NULL OR next_attempt_utc <= @now)`,
        )
        .run({ destination, me: ME, now, campaign: this.campaign, id }).changes === 1;
    if (!got) this.releaseIfNoClaim();
    return got;
  }

  /** The schedule lock is given back once this run holds no post (see claim). */
  private releaseIfNoClaim(): void {
    if (!this.tables.statement("SELECT 1 FROM posts WHERE status = 'publishing' AND claim = ? LIMIT 1").get(ME)) this.claims.release();
  }

  /** Takes a queued post for a rehearsal (a copy in the outbox), once: true only if this process got it. */
  claimRehearsal(id: number): boolean {
    const now = this.now().toISOString();
    return this.tables.statement("UPDATE posts SET outbox_at = ?, updated_at = ? WHERE campaign = ? AND id = ? AND status = 'queued' AND outbox_at IS NULL").run(now, now, this.campaign, id).changes === 1;
  }

  rehearsed(id: number, path: string | null, error?: string): void {
    const now = this.now().toISOString();
    if (path) this.tables.statement('UPDATE posts SET outbox_path = ?, outbox_at = ?, updated_at = ? WHERE campaign = ? AND id = ?').run(path, now, now, this.campaign, id);
    else this.tables.statement('UPDATE posts SET outbox_at = NULL, last_error = ?, updated_at = ? WHERE campaign = ? AND id = ?').run(error ?? null, now, this.campaign, id);
  }

  /**
   * A crash mid-publish leaves `publishing`: its outcome is unknown. Posts claimed on this machine
   * while another run that publishes is alive (it holds the schedule lock) are left to it.
   */
  recoverInterrupted(): number {
    const now = this.now().toISOString();
    const mark = this.tables.statement(MARK_SQL);
    const requeue = this.tables.statement(REQUEUE_SQL);
    return this.orphans((orphans) => this.transaction(() => orphans.reduce((n, r) => (requeue.run(now, this.campaign, r.id), n + mark.run(now, this.campaign, r.id).changes), 0)));
  }

  /**
   * All the posts, those a dead run left `publishing` shown as the next run will record them
   * (recoverInterrupted), the journal left as it is: a listing writes nothing.
   */
  listSettled(): Post[] {
    return this.orphans((orphans) => {
      const ids = new Set(orphans.map((o) => o.id));
      return this.list().map((p) =>
        !ids.has(p.id) ? p : p.phase === 'uploading' ? { ...p, status: 'queued' as const, claim: null, phase: null, last_error: REQUEUED } : { ...p, status: 'unconfirmed' as const, last_error: UNCONFIRMED },
      );
    });
  }

  /** `work` with the posts left `publishing` by runs that are gone, while none can start claiming. */
  private orphans<T>(work: (orphans: Array<{ id: number }>) => T): T {
    const host = hostname();
    return this.claims.alone((othersLive) => {
      const rows = this.tables.statement("SELECT id, claim FROM posts WHERE campaign = ? AND status = 'publishing'").all(this.campaign) as Array<{ id: number; claim: string | null }>;
      return work(rows.filter((r) => !claimAlive(r.claim, host, ME, othersLive)));
    });
  }

  /** See Post.phase: set by a publisher of media around its uploads. */
  setPhase(id: number, phase: 'uploading' | 'posting'): void {
    this.tables.statement("UPDATE posts SET phase = ?, updated_at = ? WHERE campaign = ? AND id = ? AND status = 'publishing'").run(phase, this.now().toISOString(), this.campaign, id);
  }

  update(id: number, fields: Partial<Pick<Post, 'status' | 'attempts' | 'next_attempt_utc' | 'remote_id' | 'remote_url' | 'last_error' | 'published_at' | 'destination' | 'claim'>>): void {
    const keys = Object.keys(fields) as Array<keyof typeof fields>;
    const sets = [...keys.map((k) => `${k} = @${k}`), 'updated_at = @updated_at'].join(', ');
    this.tables.statement(`UPDATE posts SET ${sets} WHERE campaign = @campaign AND id = @id`).run({ ...fields, updated_at: this.now().toISOString(), campaign: this.campaign, id });
    if ('claim' in fields && fields.claim === null) this.releaseIfNoClaim();
  }

  /**
   * Cancels a post that is not on a network: queued (rehearsed or not), refused, or unconfirmed
   * (the user checked). False if it is published or being published meanwhile.
   */
  cancel(id: number): boolean {
    return this.tables.statement("UPDATE posts SET status = 'cancelled', updated_at = ? WHERE campaign = ? AND id = ? AND status IN ('queued', 'failed', 'unconfirmed')").run(this.now().toISOString(), this.campaign, id).changes === 1;
  }

  /**
   * Withdraws a queued campaign post whose entry in campagne.yaml changed: cancelled, and no longer
   * tied to any entry (its key freed: an entry put back as it was is queued again). Unlike a
   * cancellation by the user, which binds the entry's later versions too.
   */
  withdraw(id: number): boolean {
    const now = this.now().toISOString();
    return this.tables.statement("UPDATE posts SET status = 'cancelled', withdrawn_at = ?, source_key = NULL, updated_at = ? WHERE campaign = ? AND id = ? AND status = 'queued'").run(now, now, this.campaign, id).changes === 1;
  }

  /**
   * A campaign post already on its network, or cancelled by the user, stands for the new version
   * of its entry in campagne.yaml (a corrected template, a moved date): the entry is then not
   * queued again. Its text stays what was published (or cancelled).
   */
  standFor(id: number, sourceKey: string): boolean {
    return this.tables.statement('UPDATE posts SET source_key = ?, upgrade_doubt = NULL, updated_at = ? WHERE campaign = ? AND id = ?').run(sourceKey, this.now().toISOString(), this.campaign, id).changes === 1;
  }

  /** A post in doubt since the journal's upgrade (Post.upgrade_doubt), said: held as the user's cancellation from now on. */
  settleDoubt(id: number): void {
    this.tables.statement('UPDATE posts SET upgrade_doubt = NULL WHERE campaign = ? AND id = ?').run(this.campaign, id);
  }
}
