import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { BIN } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * The disk fills up during a send through an SMTP server (a log that grows, a share at its quota):
 * the server has accepted some town halls' emails, and relais cannot write « envoyé » in its
 * journal. Exactly once holds — a row left `sending` is said « non confirmé » by the next run and
 * resent by none — but what the user read was:
 *
 *   relais : erreur inattendue : database or disk is full (relancez avec RELAIS_DEBUG=1 pour le détail)
 *
 * SQLite's English, « erreur inattendue », no file named, nothing about what was sent. A préfecture
 * agent expects what the README promises of every message: French, naming the file
 * (.relais/journal.sqlite), saying the disk is full, and what was sent.
 *
 * The disk is filled by a cap on file sizes (`ulimit -f`, SIGXFSZ ignored: EFBIG, as a full disk),
 * portable to CI, as hostile-s14f-journal-disk-full (which sends to the outbox): here, to a server.
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('relais send to a server when the journal’s disk fills up in the middle of a run', () => {
  it('says so in French, naming the journal and what was sent, instead of « erreur inattendue : database or disk is full »', async () => {
    server = await startSmtp();
    const dir = sampleCampaign();
    // 200 KB per file: the journal's write-ahead log outgrows it after a few messages.
    // (Spawned without blocking: the server answers from this very process.)
    const child = spawn('sh', ['-c', `trap '' XFSZ; ulimit -f 400; exec "$0" "$@"`, process.execPath, BIN, '-C', dir, 'send', '--yes'], {
      env: { ...process.env, NO_COLOR: '1', RELAIS_SMTP_URL: server.url, RELAIS_SMTP_MAX_CONNECTIONS: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // 'close': the exit code once its output is all read.
    const status = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
    const run = { status, stderr };
    expect(run.status).toBe(1);
    // Some emails had left when the disk filled up.
    expect(server.received.length).toBeGreaterThan(0);
    expect(run.stderr).not.toContain('erreur inattendue');
    expect(run.stderr).not.toMatch(/database|disk is full|disk I\/O/i);
    expect(run.stderr).toContain('.relais/journal.sqlite');
    expect(run.stderr).toMatch(/disque plein/);
    expect(run.stderr).toMatch(/\d+ messages? envoyés?/);
  });
});
