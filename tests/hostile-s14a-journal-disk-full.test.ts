import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { BIN } from './helpers/cli.js';
import { waitFor } from './helpers/wait.js';

/**
 * The disk fills up during a send (a log that grows, a share at its quota): the server has just
 * accepted Amilly's email, and relais cannot write « envoyé » in its journal. Exactly once holds —
 * the row stays `sending`, the next run says it « non confirmé » and resends nothing — but what the
 * user reads is:
 *
 *   relais : erreur inattendue : database or disk is full (relancez avec RELAIS_DEBUG=1 pour le détail)
 *
 * SQLite's English, « erreur inattendue », no file named, nothing about what was sent, that the
 * last message may have reached its town hall, nor what to do (free space, then run the same
 * command). A préfecture agent expects what the README promises of every message: French, naming
 * the file (.relais/journal.sqlite) and saying what happened — the disk is full.
 *
 * The journal's folder is a 1 MB tmpfs in a private mount namespace (unshare --mount), filled by the
 * test at a chosen point: the server holds its « 250 » for the third message until the disk is full.
 */
const servers: SMTPServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

describe('relais send when the journal’s disk fills up in the middle of a run', () => {
  it('says so in French, naming the journal, instead of « erreur inattendue : database or disk is full »', async () => {
    const held: Array<() => void> = [];
    let accepted = 0;
    const server = new SMTPServer({
      secure: false,
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      logger: false,
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => {
          // The third message's « 250 » waits until the test has filled the disk.
          if (++accepted === 3) held.push(() => callback(null, 'Queued'));
          else callback(null, 'Queued');
        });
      },
    });
    server.on('error', () => undefined);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `smtp://127.0.0.1:${((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port}`;

    const dir = sampleCampaign();
    const state = join(dir, '.relais');
    mkdirSync(state, { recursive: true });
    const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o size=1m tmpfs '${state}' && exec '${process.execPath}' '${BIN}' -C '${dir}' send --dep 45 --limit 10 --yes`], {
      env: { ...process.env, NO_COLOR: '1', RELAIS_SMTP_URL: url, RELAIS_SMTP_MAX_CONNECTIONS: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    await waitFor(() => held.length > 0);
    // The disk fills up (seen from relais's own mount namespace).
    spawnSync('dd', ['if=/dev/zero', `of=/proc/${child.pid}/root${state}/remplissage`, 'bs=4k'], { stdio: 'ignore' });
    held[0]!();
    expect(await exited).toBe(1);

    expect(stderr).not.toContain('erreur inattendue');
    expect(stderr).not.toMatch(/database|disk is full/i);
    expect(stderr).toContain('journal.sqlite');
    expect(stderr).toMatch(/disque plein|plus de place|espace/i);
  });
});
