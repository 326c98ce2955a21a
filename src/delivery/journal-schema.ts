import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { JOURNAL_FILE, STATE_DIR } from '../campaign/paths.js';
import { isJournalWriteFailure, RelaisError, sqliteReason, systemReason } from '../errors.js';

/**
 * The journal's file: opened in WAL mode, checked against the format this relais reads, and
 * brought up to it (each upgrade idempotent, the ones that rebuild a table in an immediate
 * transaction so that two relais opening an old journal together do not both rebuild it).
 * A file it cannot read is named and left untouched.
 */
export const JOURNAL_VERSION = 5;

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

/** What this process may do with a campaign's journal, asked of the system (the journal's real place: a link is followed). */
type JournalAccess = 'writable' | 'unreadable' | 'file-read-only' | 'folder-read-only';

/** Whether this process may read (R_OK) or write (W_OK) the file or folder, as the system says. */
function can(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

function journalAccess(campaignDir: string): JournalAccess {
  const own = join(campaignDir, JOURNAL_FILE);
  if (existsSync(own)) {
    const real = realpathSync(own);
    if (!can(real, constants.R_OK)) return 'unreadable';
    // SQLite writes its -wal and -shm beside the file.
    if (!can(dirname(real), constants.W_OK)) return 'folder-read-only';
    return can(real, constants.W_OK) ? 'writable' : 'file-read-only';
  }
  const state = join(campaignDir, STATE_DIR);
  return can(existsSync(state) ? state : campaignDir, constants.W_OK) ? 'writable' : 'folder-read-only';
}

/** What a command that would write the journal is told when it may not, by what stands in its way. */
function accessError(access: Exclude<JournalAccess, 'writable'>, cause: unknown): RelaisError {
  const where = { file: JOURNAL_FILE };
  if (access === 'unreadable') return new RelaisError(`le journal ${JOURNAL_FILE} ne peut pas être lu : vous n'avez pas le droit de le lire (droits du fichier) ; demandez-le à qui gère le dossier de la campagne`, where, { cause });
  const what = access === 'folder-read-only' ? 'ce dossier de campagne est en lecture seule pour vous (droits, ou disque monté en lecture seule)' : 'le fichier est en lecture seule pour vous (droits du fichier)';
  return new RelaisError(`le journal ${JOURNAL_FILE} ne peut pas être écrit : ${what} ; « relais status » et « relais schedule list » le lisent sans l'écrire ; pour cette commande, obtenez le droit d'écrire ou travaillez sur une copie du dossier`, where, { cause });
}

/** Bytes 18 and 19 of an SQLite file say WAL (2) or rollback journal (1): a copy in memory can only be the second. */
function asRollbackImage(image: Buffer): Buffer {
  if (image.length > 19) {
    image[18] = 1;
    image[19] = 1;
  }
  return image;
}

/** A file of the journal read whole, or the reason in French, naming it. */
function readJournalFile(path: string, shown: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    // Gone meanwhile (a -wal its writer removed on closing): the caller reads again.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    const rights = code === 'EACCES' || code === 'EPERM' ? ' : vérifiez vos droits sur le dossier de la campagne' : '';
    throw new RelaisError(`${shown} ne peut pas être lu (${systemReason(err) ?? (err as Error).message})${rights}`, { file: shown }, { cause: err });
  }
}

/**
 * The journal as it stands, in memory, for a command that only reads it (`status`, `schedule
 * list`) in a campaign folder this process cannot write to: a colleague's folder on a share, a
 * copy kept read-only. While a writer has it open (its -wal and -shm beside it), SQLite reads it,
 * its locks keeping the view whole while a send writes it, and hands over a copy in memory, where
 * a journal of an older format is brought up to date without the file being touched. Otherwise
 * (the journal at rest, or a -wal a killed writer left) SQLite would lay down a -wal and a -shm
 * of this user's beside it, which the journal's owner could then not open: its file, and a -wal
 * if there is one, are read as they are — again if they changed meanwhile — and joined by SQLite
 * in a temporary folder. The campaign's own journal is never written to.
 */
function journalInMemory(path: string): Database.Database {
  const real = realpathSync(path);
  if (existsSync(`${real}-wal`) && existsSync(`${real}-shm`)) {
    try {
      const source = new Database(real, { readonly: true, fileMustExist: true });
      try {
        return new Database(asRollbackImage(source.serialize()));
      } finally {
        source.close();
      }
    } catch {
      // A -shm this user may not read, or that is no -shm: read below from the files.
    }
  }
  const stamp = () =>
    [real, `${real}-wal`]
      .map((f) => {
        try {
          const s = statSync(f);
          return `${s.size}:${s.mtimeMs}:${s.ino}`;
        } catch {
          return '-';
        }
      })
      .join(' ');
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = stamp();
    const main = readJournalFile(real, JOURNAL_FILE);
    const wal = existsSync(`${real}-wal`) ? readJournalFile(`${real}-wal`, `${JOURNAL_FILE}-wal`) : Buffer.alloc(0);
    if (!main || !wal || stamp() !== before) continue;
    if (wal.length === 0) return new Database(asRollbackImage(main));
    return joined(main, wal);
  }
  throw new RelaisError(`le journal ${JOURNAL_FILE} a changé à chacune de cinq lectures (un envoi en cours ?) : relancez la commande dans un instant`, { file: JOURNAL_FILE });
}

/**
 * A journal file and its -wal as one database in memory, SQLite replaying the second into the
 * first. Their copies are removed as soon as SQLite holds them open (it reads on through its open
 * files): a Ctrl-C leaves them behind only while they are being written.
 */
function joined(main: Buffer, wal: Buffer): Database.Database {
  const unwritable = (err: unknown) =>
    new RelaisError(`le journal ${JOURNAL_FILE} se lit avec sa fin (${JOURNAL_FILE}-wal) dans le dossier temporaire ${tmpdir()}, où relais ne peut pas écrire (${systemReason(err) ?? (err as Error).message}) : donnez-lui un dossier temporaire accessible et qui a de la place (variable TMPDIR)`, { file: JOURNAL_FILE }, { cause: err });
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), 'relais-journal-'));
  } catch (err) {
    throw unwritable(err);
  }
  let db: Database.Database | undefined;
  try {
    const copy = join(dir, 'journal.sqlite');
    try {
      writeFileSync(copy, main, { mode: 0o600 });
      writeFileSync(`${copy}-wal`, wal, { mode: 0o600 });
    } catch (err) {
      throw unwritable(err);
    }
    db = new Database(copy);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    rmSync(dir, { recursive: true, force: true });
    return new Database(asRollbackImage(db.serialize()));
  } finally {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A journal opened only to read it (which campaigns it holds: campaign/load.ts, before any
 * command): in place when this user may write it and its folder, as SQLite then lays its -wal and
 * -shm beside it as its owner would; else in memory (journalInMemory), so that a colleague's
 * reading leaves nothing of theirs there that would stop the owner's next send.
 */
export function openJournalToRead(path: string): Database.Database {
  const real = realpathSync(path);
  return can(real, constants.W_OK) && can(dirname(real), constants.W_OK) ? new Database(real, { readonly: true, fileMustExist: true }) : journalInMemory(real);
}

/** An error that says this user may not write there (not a journal that does not read). */
function isDenied(err: unknown): boolean {
  const code = String((err as { code?: unknown } | undefined)?.code ?? '');
  return /^SQLITE_(READONLY|CANTOPEN|PERM|AUTH)/.test(code) || code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}

/**
 * The campaign's journal database, at the current format. `readOnly`: for a command that only
 * reads it, which then also reads it in a folder it cannot write to (journalInMemory).
 */
export function openJournalDatabase(campaignDir: string, options: { readOnly?: boolean } = {}): Database.Database {
  const own = join(campaignDir, JOURNAL_FILE);
  // A command that writes the journal is told at once what stands in its way (SQLite would open a
  // file it may not write read-only, and fail only at its first write).
  const access = journalAccess(campaignDir);
  if (access === 'unreadable' || (!options.readOnly && access !== 'writable')) throw accessError(access, undefined);
  let db: Database.Database;
  try {
    // Nothing written yet: nothing to read, and no journal is laid down for a reading.
    const source = access === 'writable' ? own : existsSync(own) ? journalInMemory(own) : new Database(':memory:');
    if (typeof source === 'string') mkdirSync(join(campaignDir, STATE_DIR), { recursive: true });
    db = typeof source === 'string' ? new Database(source, { timeout: 5000 }) : source;
    // In memory (a reading, above) the journal keeps its own mode: nothing is written to a disk.
    if (typeof source === 'string') db.pragma('journal_mode = WAL');
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
    // A folder or a file this user may not write to (a colleague's, a copy kept read-only): nothing
    // is wrong with the journal. (A reading writes nothing: what fails it is the journal's.)
    const denied = access === 'writable' && isDenied(err) ? journalAccess(campaignDir) : 'writable';
    if (denied !== 'writable') throw accessError(denied, err);
    // A journal that cannot be written (no room to lay it down) is no unreadable one to back up.
    if (isJournalWriteFailure(err)) {
      throw new RelaisError(`le journal ${JOURNAL_FILE} n'a pas pu être écrit : ${sqliteReason(err)} : faites de la place sur le disque puis relancez la commande`, { file: JOURNAL_FILE }, { cause: err });
    }
    throw new RelaisError(`le journal ${JOURNAL_FILE} est illisible (${(err as Error).message}) : il n'a pas été modifié ; sauvegardez-le et consultez le README (« après un incident »)`, { file: JOURNAL_FILE }, { cause: err });
  }
  return db;
}
