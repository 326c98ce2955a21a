import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR } from '../campaign/paths.js';
import { RelaisError } from '../errors.js';

/**
 * One run at a time per campaign: a lock file naming the process that holds it. A lock whose
 * process is gone (a crash, a SIGKILL) is stale and taken over.
 *
 * A process id alone does not name a run: ids are given again (after a reboot they start from low
 * numbers), and in a container relais is process 1 every time. So the lock also says when its
 * process started (Linux: the start time in /proc/<pid>/stat, in clock ticks since boot, and the
 * boot's id): a live process with that id but another start is another program, and the run that
 * wrote the lock is gone. Without /proc (macOS, Windows) only the id is known: a lock naming this
 * very process is still another run's no more, and one naming a live process is held.
 */
export class RunLock {
  private constructor(private readonly path: string) {}

  static acquire(campaignDir: string, what: string): RunLock {
    mkdirSync(join(campaignDir, STATE_DIR), { recursive: true });
    const path = join(campaignDir, STATE_DIR, `${what}.lock`);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, `${formatOwner(SELF)}\n`);
        closeSync(fd);
        return new RunLock(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const owner = lockOwner(path);
        if (owner && ownerAlive(owner)) {
          throw new RelaisError(`un autre « relais ${what} » tourne déjà sur cette campagne (processus ${owner.pid}) : attendez qu'il se termine`, { file: join(STATE_DIR, `${what}.lock`) });
        }
        rmSync(path, { force: true });
      }
    }
    throw new RelaisError(`impossible de prendre le verrou ${path}`);
  }

  /** The live run holding this lock, if any (status: is a send under way?). */
  static holder(campaignDir: string, what: string): Owner | undefined {
    const owner = lockOwner(join(campaignDir, STATE_DIR, `${what}.lock`));
    return owner && ownerAlive(owner) ? owner : undefined;
  }

  release(): void {
    rmSync(this.path, { force: true });
  }
}

/**
 * A process as another can recognise it: its id, and on Linux its start (clock ticks since boot),
 * its id as /proc shows it (another id inside a PID namespace that does not mount its own /proc)
 * and the boot it started in.
 */
export interface Owner {
  pid: number;
  start?: string;
  procPid?: number;
  boot?: string;
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statOf(pid: number | 'self'): { pid: number; start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const after = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // After the name: state (3rd field) … starttime (22nd): index 22 - 3. A zombie (Z: dead, not
    // yet reaped by its parent) or a dying process (X) runs nothing: not alive.
    if (after[0] === 'Z' || after[0] === 'X') return undefined;
    const start = after[19];
    const id = Number(text.slice(0, text.indexOf(' ')));
    return start && /^\d+$/.test(start) && Number.isInteger(id) ? { pid: id, start } : undefined;
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function selfOwner(): Owner {
  const stat = statOf('self');
  const boot = bootId();
  return stat ? { pid: process.pid, start: stat.start, procPid: stat.pid, ...(boot ? { boot } : {}) } : { pid: process.pid };
}

/** This process. */
export const SELF: Owner = selfOwner();

/** « pid » or « pid procPid start boot »: the first word is the process id, as locks always said. */
export function formatOwner(o: Owner): string {
  return o.start !== undefined ? [o.pid, o.procPid ?? o.pid, o.start, o.boot ?? '-'].join(' ') : String(o.pid);
}

export function parseOwner(text: string): Owner | undefined {
  const [pid, procPid, start, boot] = text.trim().split(/\s+/);
  const id = Number(pid);
  if (!Number.isInteger(id) || id <= 0) return undefined;
  if (!start || !/^\d+$/.test(start) || !Number.isInteger(Number(procPid))) return { pid: id };
  return { pid: id, procPid: Number(procPid), start, ...(boot && boot !== '-' ? { boot } : {}) };
}

function lockOwner(path: string): Owner | undefined {
  try {
    return parseOwner(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

const same = (a: Owner, b: Owner) => a.pid === b.pid && a.start === b.start && a.procPid === b.procPid && a.boot === b.boot;

/**
 * Whether the process `o` names still runs. This process is alive; another with its very id is
 * not (a lock or a claim left by a run that had the same id: process 1 of another container). With
 * a start time and /proc here: alive only if /proc shows a process of that id, started then, in
 * this boot. Otherwise: whether a process of that id runs (EPERM: it does, as another user).
 */
export function ownerAlive(o: Owner): boolean {
  if (same(o, SELF)) return true;
  if (o.start !== undefined && SELF.start !== undefined) {
    if (o.boot && SELF.boot && o.boot !== SELF.boot) return false;
    return statOf(o.procPid ?? o.pid)?.start === o.start;
  }
  if (o.pid === SELF.pid) return false;
  return alive(o.pid);
}

/** Whether a process of this machine still runs (EPERM: it does, as another user). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How the rows a run claims name it: « host:owner ». */
export function claimOf(host: string): string {
  return `${host}:${formatOwner(SELF)}`;
}

/**
 * Whether the run named by a claim (« host:pid », or « host:pid procPid start boot ») still runs:
 * one of another host, or one not understood, is not known to (its rows are taken back).
 */
export function claimAlive(claim: string | null, host: string): boolean {
  const m = /^(.*?):(\d+(?: \d+ \d+ \S+)?)$/.exec(claim ?? '');
  if (!m || m[1] !== host) return false;
  const owner = parseOwner(m[2]!);
  return owner !== undefined && ownerAlive(owner);
}
