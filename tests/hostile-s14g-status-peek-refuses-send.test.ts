import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/campaign.js';
import { ROOT } from './helpers/cli.js';
import { waitFor } from './helpers/wait.js';

/**
 * `status` asks the kernel whether a send is under way by taking the send lock's exclusive lock
 * itself and giving it back (RunLock.holder → BEGIN EXCLUSIVE … ROLLBACK on .relais/send.lock.db).
 * A `relais send` started in that instant tries the same lock with no wait (timeout 0) and is
 * refused: « un autre « relais send » tourne déjà sur cette campagne : attendez qu'il se termine »
 * — with no process named, since no run holds it. A préfecture watching its campaign (`watch relais
 * status`, a supervision page polling it, two agents looking at once) thus makes the scheduled
 * send fail now and then, while nothing else runs; the same peek makes a second `status` say a
 * dead run's messages « en cours ». A reader must never be taken for a run.
 *
 * The reader here is the built status code (RunLock.holder) in a loop in a child process; each
 * start of a send is the built RunLock.acquire, as `relais send` calls it. Not a race with the
 * clock: nothing runs but readers, so a single refusal is the defect (today most attempts are).
 */
const LOCK = join(ROOT, 'dist', 'src', 'delivery', 'lock.js');

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function readerLoop(dir: string): Promise<void> {
  const reader = spawn(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(LOCK)}); console.log('reading'); for (;;) m.RunLock.holder(${JSON.stringify(dir)}, 'send');`], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(reader);
  let out = '';
  reader.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(() => out.includes('reading'));
}

describe('status looking at the send lock', () => {
  it('never makes a send that starts meanwhile refused as « un autre relais send tourne déjà »', async () => {
    const m = (await import(LOCK)) as typeof import('../src/delivery/lock.js');
    const dir = tempDir();
    // A campaign that sent before: its lock database exists, no run holds it.
    m.RunLock.acquire(dir, 'send').release();
    expect(m.RunLock.holder(dir, 'send')).toBeUndefined();

    await readerLoop(dir);

    const refusals: string[] = [];
    for (let i = 0; i < 300 && refusals.length === 0; i++) {
      try {
        m.RunLock.acquire(dir, 'send').release();
      } catch (err) {
        refusals.push((err as Error).message);
      }
    }
    expect(refusals).toEqual([]);
  });

  it('never makes another status take a reader for a live run (a dead run’s message said « en cours »)', async () => {
    const m = (await import(LOCK)) as typeof import('../src/delivery/lock.js');
    const dir = tempDir();
    m.RunLock.acquire(dir, 'send').release();
    await readerLoop(dir);
    // What `status` asks to choose between « en cours » and « non confirmé »: no run is alive.
    const seenLive: number[] = [];
    for (let i = 0; i < 300 && seenLive.length === 0; i++) if (m.RunLock.holder(dir, 'send') !== undefined) seenLive.push(i);
    expect(seenLive).toEqual([]);
  });
});
