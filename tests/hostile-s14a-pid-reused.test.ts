import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { readyCampaign } from '../src/campaign/check.js';
import { campaignKey } from '../src/campaign/load.js';
import { Journal } from '../src/delivery/journal.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { sampleCampaign } from './helpers/campaign.js';
import { ROOT, relais } from './helpers/cli.js';
import { sampleWithDuePosts } from './helpers/due-posts.js';
import { waitFor } from './helpers/wait.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';
import { socialEnv, startSocial } from './servers/social.js';

/**
 * `relais send` in a container (`docker run -v /srv/campagne:/campagne … relais -C /campagne send`),
 * as préfecture IT runs scheduled jobs: node is process 1 of its container, every time. A run
 * killed mid-send leaves `.relais/send.lock` naming « 1 »; the next container's relais is process 1
 * again. A process id names no run across PID namespaces (nor after a reboot): the run lock is the
 * kernel's (an exclusive SQLite lock on `.relais/send.lock.db`), released at the holder's death and
 * seen from every PID namespace of the machine. So:
 * - a lock file naming process 1, or a process alive here (this test runner), with no kernel lock
 *   held, is a dead run's: taken over, the run goes on;
 * - a live run (another process holding the kernel lock, whatever its id) refuses a second send —
 *   the same town halls are never emailed twice at once — and `status` says its messages en cours.
 * The same for `schedule run`: a post claimed by a dead process 1 is said unconfirmed, never
 * republished; while a run that publishes holds the schedule lock, its posts are its own.
 *
 * No namespaces here (CI may refuse `unshare`): the live run is a child node process that holds
 * the lock as relais does (the built RunLock, ClaimLock), killed at the end.
 */
const LOCK = join(ROOT, 'dist', 'src', 'delivery', 'lock.js');

let server: TestSmtp | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await server?.close();
  server = undefined;
});

/** A live run of another process: holds the campaign's send lock (or its schedule lock) until killed. */
async function liveHolder(dir: string, what: 'send' | 'schedule'): Promise<{ pid: number; kill: () => Promise<void> }> {
  const hold = what === 'send' ? `m.RunLock.acquire(${JSON.stringify(dir)}, 'send')` : `new m.ClaimLock(${JSON.stringify(join(dir, '.relais', 'schedule.lock.db'))}).hold()`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(LOCK)}); ${hold}; console.log('held'); setInterval(() => {}, 60000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  await waitFor(() => out.includes('held'));
  return {
    pid: child.pid!,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('run locks across process ids: a dead run’s is taken over, a live run’s holds', () => {
  it('send: a stale lock naming process 1 (a killed container run) or a live process is taken over; a live run holding the lock refuses a second send, and status says it is under way', async () => {
    server = await startSmtp();
    const dir = sampleCampaign();
    mkdirSync(join(dir, '.relais'), { recursive: true });
    const lockFile = join(dir, '.relais', 'send.lock');
    const env = { RELAIS_SMTP_URL: server.url };

    // Left by a run killed in a container: « 1 », the id of relais in the next container too.
    writeFileSync(lockFile, '1\n');
    const first = await relais(['-C', dir, 'send', '--commune', '45234', '--yes', '--json'], { env });
    expect(first.stderr).not.toContain('tourne déjà');
    expect(JSON.parse(first.stdout)).toMatchObject({ sent: 1 });
    // Naming a process alive here (this very test runner) that holds no lock: not a run.
    writeFileSync(lockFile, `${process.pid}\n`);
    const second = await relais(['-C', dir, 'send', '--commune', '45234', '--yes', '--json'], { env });
    expect(second.stderr).not.toContain('tourne déjà');
    expect(second.code).toBe(0);
    expect(server.received).toHaveLength(1);

    // A live run holds the lock, its message to Orléans under way.
    const db = new Database(join(dir, '.relais', 'journal.sqlite'));
    db.prepare("UPDATE deliveries SET status = 'sending' WHERE commune = '45234'").run();
    db.close();
    const live = await liveHolder(dir, 'send');
    const refused = await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`un autre « relais send » tourne déjà sur cette campagne (processus ${live.pid}) : attendez qu'il se termine`);
    const underWay = await relais(['-C', dir, 'status']);
    expect(underWay.stdout).toMatch(/\ben cours\b/);
    expect(underWay.stdout).not.toMatch(/non confirmé/);

    // Killed: the kernel released its lock; its message is said unconfirmed, nothing resent.
    await live.kill();
    const after = await relais(['-C', dir, 'status']);
    expect(after.stdout).not.toMatch(/\ben cours\b/);
    expect(after.stdout).toMatch(/non confirmé/);
    expect(server.received).toHaveLength(1);
  });

  it('schedule run: a post claimed by a dead process 1 is said unconfirmed (list writes nothing), left alone while a run holds the schedule lock, never republished', async () => {
    const social = await startSocial();
    try {
      const dir = await sampleWithDuePosts([{ channel: 'facebook', text: 'Merci aux maires', at: new Date(Date.now() - 60_000) }]);
      const env = { ...socialEnv(social) };
      const journal = Journal.open(dir, campaignKey((await readyCampaign(dir)).campaign));
      const store = new PostStore(journal);
      const statusInJournal = () => store.get(1)!.status;
      try {
        // Killed while publishing, process 1 of a container on this host name.
        store.update(1, { status: 'publishing', attempts: 1, destination: 'facebook:page', claim: `${hostname()}:1 0123456789ab` });

        // Another run that publishes is alive: the post may be its own.
        const live = await liveHolder(dir, 'schedule');
        const busy = await relais(['-C', dir, 'schedule', 'list'], { env });
        expect(busy.stdout).toMatch(/\ben cours\b/);
        await live.kill();

        // No run alive: shown unconfirmed, the journal left as it is.
        const list = await relais(['-C', dir, 'schedule', 'list'], { env });
        expect(list.stdout).toContain('non confirmé');
        expect(list.stdout).not.toMatch(/\ben cours\b/);
        expect(statusInJournal()).toBe('publishing');

        const run = await relais(['-C', dir, 'schedule', 'run', '--json'], { env });
        expect(JSON.parse(run.stdout)).toMatchObject({ bilan: { nonConfirmees: 1, prevues: 0 } });
        expect(statusInJournal()).toBe('unconfirmed');
        // Never published a second time.
        expect(social.received).toHaveLength(0);
      } finally {
        journal.close();
      }
    } finally {
      await social.close();
    }
  });
});
