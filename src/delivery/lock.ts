import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR } from '../campaign/paths.js';
import { RelaisError } from '../errors.js';

/**
 * One run at a time per campaign, held by a kernel lock: an exclusive transaction on a small SQLite
 * database beside the campaign's journal (`.relais/<what>.lock.db`), open for the whole run.
 * SQLite's locks are the kernel's (POSIX record locks, per file): the kernel releases them when the
 * process dies, however it dies, and they are seen by every process of the machine, whatever its
 * process id or PID namespace (relais is process 1 of every container; ids are given again).
 *
 * The text file `.relais/<what>.lock` only tells who holds the lock (its process id, for the
 * message); one left by a run that died, with no kernel lock held, is simply written over.
 */
export class RunLock {
  private constructor(
    private readonly path: string,
    private readonly db: Database.Database,
  ) {}

  static acquire(campaignDir: string, what: string): RunLock {
    mkdirSync(join(campaignDir, STATE_DIR), { recursive: true });
    const path = join(campaignDir, STATE_DIR, `${what}.lock`);
    // A few seconds' patience: `status` or another command may be looking at the lock for an
    // instant (see heldByALiveRun); a live run holds it for its whole length.
    const db = tryExclusive(`${path}.db`, true, ACQUIRE_WAIT_MS);
    if (!db) {
      const pid = pidIn(path);
      throw new RelaisError(`un autre « relais ${what} » tourne déjà sur cette campagne${pid ? ` (processus ${pid})` : ''} : attendez qu'il se termine`, { file: join(STATE_DIR, `${what}.lock`) });
    }
    try {
      writeFileSync(path, `${process.pid}\n`);
    } catch (err) {
      db.close();
      throw err;
    }
    return new RunLock(path, db);
  }

  /** The live run holding this lock, if any (status: is a send under way?), with its process id if told. */
  static holder(campaignDir: string, what: string): { pid?: number } | undefined {
    const path = join(campaignDir, STATE_DIR, `${what}.lock`);
    if (!heldByALiveRun(`${path}.db`)) return undefined;
    const pid = pidIn(path);
    return pid ? { pid } : {};
  }

  release(): void {
    // The file first, while the lock is held: the next run writes its own after taking the lock.
    rmSync(this.path, { force: true });
    if (this.db.open) this.db.close();
  }
}

function pidIn(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

const busy = (err: unknown) => /^SQLITE_BUSY/.test((err as { code?: string }).code ?? '');

/**
 * The lock database at `path` with its exclusive lock taken (no wait), or undefined: a live
 * process holds it (exclusive, or shared: see holdShared). Without `create`, a missing database is
 * held by no one (undefined is then « not held »: see heldByALiveRun).
 */
function tryExclusive(path: string, create: boolean, waitMs = 0): Database.Database | undefined {
  const db = new Database(path, { timeout: waitMs, fileMustExist: !create });
  try {
    db.exec('BEGIN EXCLUSIVE');
    return db;
  } catch (err) {
    db.close();
    if (busy(err)) return undefined;
    throw err;
  }
}

/** How long a run waits for its lock before saying another holds it. */
const ACQUIRE_WAIT_MS = 3000;

/**
 * Whether a live process holds the run lock database at `path` (exclusively, for its whole run),
 * asked of the kernel with a shared lock, read-only and given back at once: two commands looking
 * at once do not take each other for a run, and a run starting then waits the instant out (see
 * ACQUIRE_WAIT_MS). A database never created was never held.
 */
function heldByALiveRun(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = new Database(path, { timeout: 0, fileMustExist: true, readonly: true });
  try {
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    db.exec('ROLLBACK');
    return false;
  } catch (err) {
    if (busy(err)) return true;
    throw err;
  } finally {
    db.close();
  }
}

/**
 * The lock of the runs that publish posts (`.relais/schedule.lock.db`, beside the journal): held
 * shared by each run while it has posts claimed (several runs may publish at once, each post
 * claimed by one), tried exclusive by the one that decides whether claims are a dead run's.
 */
export class ClaimLock {
  private db: Database.Database | undefined;

  constructor(private readonly path: string | undefined) {}

  /** Held from the first claim until this run holds none (release): a run with claims is alive. */
  hold(): void {
    if (!this.path || this.db?.open) return;
    const db = new Database(this.path, { timeout: 10_000 });
    try {
      db.exec('BEGIN');
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
  }

  release(): void {
    if (this.db?.open) this.db.close();
    this.db = undefined;
  }

  /**
   * `work(live)`: `live` says whether another run that publishes is alive; while `work` runs, none
   * can start claiming (the exclusive lock is held). A database never created: no run ever claimed.
   */
  alone<T>(work: (othersLive: boolean) => T): T {
    if (!this.path || this.db?.open || !existsSync(this.path)) return work(Boolean(this.db?.open));
    const db = tryExclusive(this.path, false);
    if (!db) return work(true);
    try {
      return work(false);
    } finally {
      db.exec('ROLLBACK');
      db.close();
    }
  }
}

/** The schedule lock beside a journal file (none for a journal in memory). */
export function claimLockPath(journalFile: string | undefined): string | undefined {
  return journalFile ? join(journalFile, '..', 'schedule.lock.db') : undefined;
}

/** How the rows a run claims name it: « host:pid token », the token telling apart runs of one id. */
export function claimOf(host: string, token: string): string {
  return `${host}:${process.pid} ${token}`;
}

/**
 * Whether the run named by a claim may still run: this run's own; another of this host while a
 * run that publishes holds the schedule lock (`othersLive`). One of another host, or one not
 * understood, is not known to (its rows are taken back, as relais always did).
 */
export function claimAlive(claim: string | null, host: string, me: string, othersLive: boolean): boolean {
  if (claim !== null && claim === me) return true;
  const m = /^(.*):\d+(?: \S+)?$/.exec(claim ?? '');
  if (!m || m[1] !== host) return false;
  return othersLive;
}
