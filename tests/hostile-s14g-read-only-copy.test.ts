import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { BIN, relais, type RunResult } from './helpers/cli.js';
import { sampleWithDuePosts } from './helpers/due-posts.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * A campaign folder handed over read-only (an archived copy on a read-only share, or `chmod -R a-w`
 * after the campaign ended) and read by an ordinary account: `status`, `preview` and `schedule list`
 * only read, and must not need to write anything (no run lock database, no journal, no folder).
 * Root ignores file modes, so under root the reading commands run as « nobody » (uid 65534);
 * under any other account, as that account.
 */
const NOBODY = 65534;
const asOther = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};

function asNobody(dir: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, '-C', dir, ...args], { ...asOther, cwd: '/', env: { ...process.env, NO_COLOR: '1', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

let server: TestSmtp | undefined;
const frozen: string[] = [];
afterEach(async () => {
  // Writable again, so that the temporary folders can be removed.
  for (const dir of frozen.splice(0)) execFileSync('chmod', ['-R', 'u+w', dir]);
  await server?.close();
  server = undefined;
});

function freeze(dir: string): void {
  chmodSync(dir, 0o755);
  execFileSync('chmod', ['-R', 'a+rX', dir]);
  execFileSync('chmod', ['-R', 'a-w', dir]);
  frozen.push(dir);
}

describe('a campaign folder on a read-only copy: the reading commands still read', () => {
  it('after a send: status, preview and schedule list work without writing', async () => {
    server = await startSmtp();
    const dir = sampleCampaign();
    const sent = await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(sent.code).toBe(0);
    expect(existsSync(join(dir, '.relais', 'send.lock.db'))).toBe(true);
    freeze(dir);

    // Today: « le journal .relais/journal.sqlite est illisible (attempt to write a readonly
    // database) » — a readable journal said unreadable, in English, and nothing shown.
    const status = await asNobody(dir, ['status']);
    expect(status.stderr).not.toContain('attempt to write');
    expect(status.stderr).not.toContain('illisible');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/45 Loiret/);
    const preview = await asNobody(dir, ['preview', '45234']);
    expect(preview.code).toBe(0);
    const list = await asNobody(dir, ['schedule', 'list']);
    expect(list.stderr).not.toContain('illisible');
    expect(list.code).toBe(0);
  });

  it('with a planned post: schedule list shows it without writing', async () => {
    const dir = await sampleWithDuePosts([{ channel: 'facebook', text: 'Merci aux maires', at: new Date(Date.now() + 3600_000) }]);
    freeze(dir);
    const list = await asNobody(dir, ['schedule', 'list']);
    expect(list.stderr).not.toContain('attempt to write');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('Merci aux maires');
  });
});
