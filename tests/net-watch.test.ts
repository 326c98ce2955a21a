import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readyCampaign } from '../src/campaign/check.js';
import { campaignKey } from '../src/campaign/load.js';
import { Journal } from '../src/delivery/journal.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { formatLocal } from '../src/delivery/time.js';
import { sampleWithoutPublications } from './helpers/campaign.js';
import { BIN } from './helpers/cli.js';
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
    const dir = sampleWithoutPublications();
    const ready = await readyCampaign(dir);
    const journal = Journal.open(dir, campaignKey(ready.campaign));
    try {
      const store = new PostStore(journal);
      const now = new Date();
      store.add({ channel: 'twitter', text: 'Appel aux volontaires sur X', local: formatLocal(now, 'Europe/Paris'), tz: 'Europe/Paris', utc: now, source: 'cli' });
      store.add({ channel: 'linkedin', text: 'Appel aux volontaires sur LinkedIn', local: formatLocal(now, 'Europe/Paris'), tz: 'Europe/Paris', utc: now, source: 'cli' });
    } finally {
      journal.close();
    }
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
