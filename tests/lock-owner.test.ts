import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimAlive, claimOf, formatOwner, ownerAlive, parseOwner, RunLock, SELF } from '../src/delivery/lock.js';
import { tempDir } from './helpers/campaign.js';

/** Fields of /proc/<pid>/stat after the command name: the start time is the 22nd field. */
const startOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]!;

describe('who holds a lock: the process id and, on Linux, when it started', () => {
  it('reads back what it writes, and reads a lock of an older relais (the id alone)', () => {
    expect(parseOwner(formatOwner(SELF))).toEqual(SELF);
    expect(parseOwner('4242\n')).toEqual({ pid: 4242 });
    expect(parseOwner('nonsense')).toBeUndefined();
  });

  it('this process is alive; another run that had its id (a container’s process 1, an id given again) is not', () => {
    expect(ownerAlive(SELF)).toBe(true);
    expect(ownerAlive({ ...SELF, start: String(Number(SELF.start ?? 0) + 1) })).toBe(false);
    // A lock of an older relais naming this very process: not another live run.
    expect(ownerAlive({ pid: process.pid })).toBe(false);
  });

  it('a live process with its start is alive; the same id with another start is another program', () => {
    const parent = { pid: process.ppid, procPid: process.ppid, start: startOf(process.ppid), ...(SELF.boot ? { boot: SELF.boot } : {}) };
    expect(ownerAlive(parent)).toBe(true);
    expect(ownerAlive({ ...parent, start: String(Number(parent.start) - 1) })).toBe(false);
    expect(ownerAlive({ ...parent, boot: 'another-boot' })).toBe(false);
    expect(ownerAlive({ pid: process.ppid })).toBe(true);
  });

  it('a stale lock naming this process id is taken over; a live one is refused', () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.relais'));
    const path = join(dir, '.relais', 'send.lock');
    writeFileSync(path, formatOwner({ ...SELF, start: String(Number(SELF.start ?? 0) + 1) }));
    const lock = RunLock.acquire(dir, 'send');
    expect(parseOwner(readFileSync(path, 'utf8'))).toEqual(SELF);
    expect(RunLock.holder(dir, 'send')).toEqual(SELF);
    lock.release();
    expect(RunLock.holder(dir, 'send')).toBeUndefined();
    writeFileSync(path, String(process.ppid));
    expect(() => RunLock.acquire(dir, 'send')).toThrow(`un autre « relais send » tourne déjà sur cette campagne (processus ${process.ppid})`);
  });

  it('a post’s claim: this run’s is alive, one left by a run with the same id is not, another host’s is not known', () => {
    const host = hostname();
    expect(claimAlive(claimOf(host), host)).toBe(true);
    expect(claimAlive(`${host}:${formatOwner({ ...SELF, start: String(Number(SELF.start ?? 0) + 1) })}`, host)).toBe(false);
    expect(claimAlive(`${host}:${process.pid}`, host)).toBe(false);
    expect(claimAlive(`${host}:${process.ppid}`, host)).toBe(true);
    expect(claimAlive(`autre-machine:${process.ppid}`, host)).toBe(false);
    expect(claimAlive(null, host)).toBe(false);
  });
});
