import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../src/delivery/journal.js';
import { claimAlive, claimOf, ClaimLock, RunLock } from '../src/delivery/lock.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { tempDir } from './helpers/campaign.js';

/**
 * A run lock is the kernel's (an exclusive transaction on `.relais/<what>.lock.db`): held by a live
 * process whatever its id or PID namespace, released when it dies. The text file `.relais/<what>.lock`
 * only names the holder's process id. Here, in this one process: two connections of one process
 * exclude each other as two processes do (another process: hostile-s14a-pid-reused).
 */
describe('run locks held by the kernel', () => {
  it('one run at a time; a stale lock file with no kernel lock held is taken over, whatever pid it names', () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.relais'));
    const path = join(dir, '.relais', 'send.lock');
    expect(RunLock.holder(dir, 'send')).toBeUndefined();
    // Left by a run killed in a container (process 1), or by a run that had this very id.
    for (const stale of ['1', String(process.pid)]) {
      writeFileSync(path, `${stale}\n`);
      expect(RunLock.holder(dir, 'send')).toBeUndefined();
      const lock = RunLock.acquire(dir, 'send');
      expect(readFileSync(path, 'utf8').trim()).toBe(String(process.pid));
      expect(RunLock.holder(dir, 'send')).toEqual({ pid: process.pid });
      expect(() => RunLock.acquire(dir, 'send')).toThrow(`un autre « relais send » tourne déjà sur cette campagne (processus ${process.pid}) : attendez qu'il se termine`);
      lock.release();
      expect(existsSync(path)).toBe(false);
      expect(RunLock.holder(dir, 'send')).toBeUndefined();
    }
    // Another kind of run has a lock of its own.
    const send = RunLock.acquire(dir, 'send');
    const letters = RunLock.acquire(dir, 'letters');
    letters.release();
    send.release();
  });

  it('status asks the kernel lock, and creates nothing in a campaign never sent', () => {
    const dir = tempDir();
    expect(RunLock.holder(dir, 'send')).toBeUndefined();
    expect(existsSync(join(dir, '.relais'))).toBe(false);
  });
});

describe('a post’s claim is a live run’s while the schedule lock is held', () => {
  const host = hostname();
  const me = claimOf(host, 'abc123');

  it('this run’s own claim is alive; another of this host only while a run holds the lock; another host’s is not known', () => {
    expect(me).toBe(`${host}:${process.pid} abc123`);
    expect(claimAlive(me, host, me, false)).toBe(true);
    // A run killed in a container was process 1 too: told apart by its token.
    expect(claimAlive(`${host}:${process.pid} 0ther`, host, me, false)).toBe(false);
    expect(claimAlive(`${host}:${process.pid} 0ther`, host, me, true)).toBe(true);
    // Older relais wrote « host:pid » (then « host:pid procPid start boot »).
    expect(claimAlive(`${host}:1`, host, me, true)).toBe(true);
    expect(claimAlive(`${host}:1`, host, me, false)).toBe(false);
    expect(claimAlive(`autre-machine:1 0ther`, host, me, true)).toBe(false);
    expect(claimAlive(null, host, me, true)).toBe(false);
  });

  it('recovery takes back a dead run’s claim, leaves it while another run holds the lock; a listing writes nothing', () => {
    const dir = tempDir();
    const journal = Journal.open(dir, 'campagne');
    try {
      const store = new PostStore(journal);
      const at = new Date('2026-12-01T08:00:00Z');
      const post = store.add({ channel: 'facebook', text: 'Merci aux maires', local: '2026-12-01 09:00', tz: 'Europe/Paris', utc: at, source: 'cli' })!;
      // Claimed by a run killed since, process 1 of a container on this host.
      store.update(post.id, { status: 'publishing', claim: `${host}:1 deadbeef0000` });

      // Another run, alive, holds the schedule lock (shared): the claim may be its own.
      const other = new ClaimLock(join(dir, '.relais', 'schedule.lock.db'));
      other.hold();
      expect(store.listSettled()[0]!.status).toBe('publishing');
      expect(store.recoverInterrupted()).toBe(0);
      expect(store.get(post.id)!.status).toBe('publishing');
      other.release();

      // No run holds it: the claim is a dead run's. Listed as unconfirmed, nothing written.
      expect(store.listSettled()[0]).toMatchObject({ status: 'unconfirmed', last_error: 'interrompu pendant la publication : issue inconnue' });
      expect(store.get(post.id)!.status).toBe('publishing');
      expect(store.recoverInterrupted()).toBe(1);
      expect(store.get(post.id)).toMatchObject({ status: 'unconfirmed', last_error: 'interrompu pendant la publication : issue inconnue' });

      // This run holds the lock from its claim until it holds no post: others leave its claims.
      const lockOf = () => new ClaimLock(join(dir, '.relais', 'schedule.lock.db')).alone((live) => live);
      const next = store.add({ channel: 'twitter', text: 'Merci aux maires', local: '2026-12-01 09:00', tz: 'Europe/Paris', utc: at, source: 'cli' })!;
      expect(store.claim(next.id, 'twitter')).toBe(true);
      expect(lockOf()).toBe(true);
      expect(store.recoverInterrupted()).toBe(0);
      store.update(next.id, { status: 'published', remote_id: '1', claim: null });
      expect(lockOf()).toBe(false);
    } finally {
      journal.close();
    }
  });
});
