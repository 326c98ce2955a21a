import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR } from '../campaign/paths.js';
import { RelaisError } from '../errors.js';

/**
 * One run at a time per campaign: a lock file holding the process id. A lock whose process is
 * gone (a crash, a SIGKILL) is stale and taken over.
 */
export class RunLock {
  private constructor(private readonly path: string) {}

  static acquire(campaignDir: string, what: string): RunLock {
    mkdirSync(join(campaignDir, STATE_DIR), { recursive: true });
    const path = join(campaignDir, STATE_DIR, `${what}.lock`);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new RunLock(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number(readFileSync(path, 'utf8').trim());
        if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
          throw new RelaisError(`un autre « relais ${what} » tourne déjà sur cette campagne (processus ${pid}) : attendez qu'il se termine`, { file: join(STATE_DIR, `${what}.lock`) });
        }
        rmSync(path, { force: true });
      }
    }
    throw new RelaisError(`impossible de prendre le verrou ${path}`);
  }

  release(): void {
    rmSync(this.path, { force: true });
  }
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
