import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';
import { sampleWithDuePosts } from './helpers/due-posts.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * `schedule run --watch` while X is down for a moment, then back: the other network's post goes
 * out at once, X is tried again at a later pass (15 × RELAIS_RETRY_MS, 300 ms here) and its post
 * published, and the watcher, stopped with Ctrl-C once everything is out, reports no failure.
 */
let server: SocialServer;
beforeAll(async () => {
  server = await startSocial();
});
afterAll(() => server.close());

describe('schedule run --watch when X comes back', () => {
  it('publishes the X post at a later pass and ends without failure', async () => {
    const now = new Date();
    const dir = await sampleWithDuePosts([
      { channel: 'twitter', text: 'Appel aux volontaires sur X', at: now },
      { channel: 'linkedin', text: 'Appel aux volontaires sur LinkedIn', at: now },
    ]);
    // Exactly one outage's worth of failures: the fourth request to X is answered.
    for (let i = 0; i < 3; i++) server.script.twitter.push({ status: 503, body: { title: 'Service Unavailable', status: 503 } });

    const child = spawn(process.execPath, [BIN, '-C', dir, 'schedule', 'run', '--watch'], { env: { ...process.env, NO_COLOR: '1', ...socialEnv(server) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const both = () => ['twitter', 'linkedin'].every((n) => server.published.some((p) => p.network === n));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (both() || child.exitCode !== null) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    if (child.exitCode === null) child.kill('SIGINT');
    const code = await exited;
    expect(server.published.map((p) => p.network).sort(), out).toEqual(['linkedin', 'twitter']);
    expect(server.received.filter((p) => p.network === 'twitter')).toHaveLength(4);
    expect(out).toContain('X ne répond pas (3 tentatives de suite : X : erreur du service (503)) : ses publications attendent, nouvel essai dans 0,3 s ; les autres réseaux continuent.');
    expect(out).not.toContain('publication arrêtée');
    expect(code, out).toBe(0);
  });
});
