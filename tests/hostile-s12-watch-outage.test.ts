import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';
import { sampleWithDuePosts } from './helpers/due-posts.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * `relais schedule run --watch` « reste actif et publie chaque message à son heure (Ctrl-C pour
 * arrêter) » : the communicator leaves it running for the day. X stops answering for a moment
 * (three 503s while a tweet is due): publishDue stops the whole pass at X's outage — the Facebook
 * post due at the same time is not even tried — and runSchedule (src/cli/schedule-run.ts) leaves
 * its --watch loop on any outage or credential error: the watcher exits (code 1) and every later
 * post, on every network, waits for someone to notice. A network that does not answer must hold
 * back that network's posts, not end the watch nor the other networks' posts.
 */
let server: SocialServer;
beforeAll(async () => {
  server = await startSocial();
});
afterAll(() => server.close());

describe('schedule run --watch when X is down for a moment', () => {
  it('goes on watching and publishes the Facebook post due meanwhile', async () => {
    const now = new Date();
    const dir = await sampleWithDuePosts([
      { channel: 'twitter', text: 'Appel aux volontaires sur X', at: new Date(now.getTime() - 60_000) },
      { channel: 'facebook', text: 'Appel aux volontaires sur Facebook', at: now },
    ]);
    for (let i = 0; i < 20; i++) server.script.twitter.push({ status: 503, body: { title: 'Service Unavailable', status: 503 } });

    const child = spawn(process.execPath, [BIN, '-C', dir, 'schedule', 'run', '--watch'], { env: { ...process.env, NO_COLOR: '1', ...socialEnv(server) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Whichever comes first: the Facebook post reaches the page, or the watcher ends by itself.
    const first = await new Promise<'published' | 'exited'>((resolve) => {
      const poll = setInterval(() => {
        if (server.published.some((p) => p.network === 'facebook')) {
          clearInterval(poll);
          resolve('published');
        }
      }, 50);
      void exited.then(() => {
        clearInterval(poll);
        resolve(server.published.some((p) => p.network === 'facebook') ? 'published' : 'exited');
      });
    });
    if (child.exitCode === null) child.kill('SIGINT');
    await exited;
    expect(first, out).toBe('published');
  });
});
