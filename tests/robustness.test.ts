import { spawnSync } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { allFiles, sampleCampaign } from './helpers/campaign.js';
import { BIN, relais } from './helpers/cli.js';
import { tallyFor } from './helpers/fuzz.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';
import { socialEnv, TOKENS, type SocialServer } from './servers/social.js';

/** What was tried, for the table of `npm run fuzz`. */
const tally = tallyFor('robustness');

let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function rowsOf(dir: string): Array<{ status: string }> {
  const db = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
  try {
    return db.prepare("SELECT status FROM deliveries WHERE status = 'sent'").all() as Array<{ status: string }>;
  } finally {
    db.close();
  }
}

/** A TCP server that accepts every connection and never says a word. */
async function muteServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const mute = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
  return {
    port: (mute.address() as AddressInfo).port,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => mute.close(r));
    },
  };
}

describe('servers that stall', () => {
  it('an SMTP server that accepts the connection and never speaks: a timeout, a clear message, nothing marked sent', async () => {
    const mute = await muteServer();
    const port = mute.port;
    try {
      const dir = sampleCampaign();
      const { code, stderr } = await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env: { RELAIS_SMTP_URL: `smtp://127.0.0.1:${port}`, RELAIS_SMTP_TIMEOUT_MS: '500' } });
      expect(code).toBe(1);
      expect(stderr).toContain('serveur SMTP injoignable');
      expect(existsSync(join(dir, '.relais/journal.sqlite')) ? rowsOf(dir) : []).toEqual([]);
      tally.push(['serveur SMTP muet dès la connexion', 1]);
    } finally {
      await mute.close();
    }
  });

  it('social APIs that accept the connection and never answer: timeouts, each post unconfirmed, never republished on its own', async () => {
    const mute = await muteServer();
    try {
      const dir = sampleCampaign();
      // Only the posts planned here: the sample's own publications are dated 2020.
      const yaml = join(dir, 'campagne.yaml');
      writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/\npublications:\n(?: {2}.*\n)+/, '\n'));
      const url = `http://127.0.0.1:${mute.port}`;
      const env = {
        ...socialEnv({ url, tokens: TOKENS } as SocialServer),
        RELAIS_HTTP_TIMEOUT_MS: '400',
        RELAIS_RETRY_MS: '5',
      };
      for (const channel of ['twitter', 'facebook', 'linkedin']) {
        expect((await relais(['-C', dir, 'schedule', 'add', '--channel', channel, '--at', 'now', '--text', `Message ${channel}`], { env })).code).toBe(0);
      }
      const run = await relais(['-C', dir, 'schedule', 'run', '--json'], { env });
      expect(run.code).toBe(1);
      const result = JSON.parse(run.stdout) as { published: unknown[]; unconfirmed: Array<{ channel: string; reason: string }> };
      expect(result.published).toEqual([]);
      expect(result.unconfirmed.map((u) => u.channel).sort()).toEqual(['facebook', 'linkedin', 'twitter']);
      for (const u of result.unconfirmed) expect(u.reason).toContain('issue inconnue');
      // The next run leaves them alone: they may have been published.
      const again = await relais(['-C', dir, 'schedule', 'run', '--json'], { env });
      expect(JSON.parse(again.stdout)).toMatchObject({ published: [] });
      const listed = await relais(['-C', dir, 'schedule', 'list'], { env });
      expect(listed.stdout.match(/non confirmé/g)?.length).toBeGreaterThanOrEqual(3);
      tally.push(['API X, Facebook et LinkedIn muettes dès la connexion', 3]);
    } finally {
      await mute.close();
    }
  });

  it('an SMTP server that stalls after the message: unconfirmed, never resent on its own', async () => {
    server = await startSmtp({ stallData: ['mairie@orleans.example'] });
    const dir = sampleCampaign();
    // The timeout also bounds each step of the healthy message beside it: short enough to end the
    // stall soon, long enough that a loaded machine never makes the healthy one time out too.
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_TIMEOUT_MS: '5000', RELAIS_SMTP_REPLY_TIMEOUT_MS: '5000', RELAIS_SMTP_RETRY_MS: '20' };
    const first = await relais(['-C', dir, 'send', '--commune', '45234,45001', '--yes', '--json'], { env });
    expect(first.code).toBe(1);
    const summary = JSON.parse(first.stdout) as { sent: number; unconfirmed: number };
    expect(summary).toMatchObject({ sent: 1, unconfirmed: 1 });
    const again = await relais(['-C', dir, 'send', '--commune', '45234,45001', '--yes', '--json'], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 0 });
    tally.push(['serveur SMTP muet après le message', 1]);
  });
});

describe('a disk that refuses to write', () => {
  /** A real write failure under out/: a 400 KB tmpfs (ENOSPC) where mounting is allowed, else a file-size limit (EFBIG). */
  function fullDisk(dir: string): { wrap: (args: string[]) => [string, string[]]; release: () => void } {
    const out = join(dir, 'out');
    mkdirSync(out, { recursive: true });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=400k', 'tmpfs', out], { stdio: 'ignore' }).status === 0;
    if (mounted) return { wrap: (args) => [process.execPath, args], release: () => void spawnSync('umount', [out]) };
    // Without mount rights: the shell ignores SIGXFSZ and caps file sizes at 100 KB; exec keeps both.
    return { wrap: (args) => ['sh', ['-c', `trap '' XFSZ; ulimit -f 200; exec "$0" "$@"`, process.execPath, ...args]], release: () => undefined };
  }

  it('letters on a full disk: a clear French error naming the file, nothing half-written', async () => {
    const dir = sampleCampaign();
    const disk = fullDisk(dir);
    try {
      const [cmd, args] = disk.wrap([BIN, '-C', dir, 'letters']);
      const run = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/impossible d'écrire .*out\/lettres\/.*(disque plein|trop grand)/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const files = allFiles(join(dir, 'out'));
      expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
      for (const f of files.filter((x) => x.endsWith('.pdf'))) expect(readFileSync(f).subarray(-6).toString(), f).toContain('%%EOF');
    } finally {
      disk.release();
    }
    tally.push(['disque plein pendant relais letters', 1]);
  });

  it('letters into a read-only out/: a clear French error, nothing written', async () => {
    const dir = sampleCampaign();
    const out = join(dir, 'out');
    mkdirSync(out);
    // A read-only file system where mounting is allowed (root writes anywhere else). Without
    // mount rights, the mode bits: as root, relais then runs without the capabilities that
    // override them (setpriv), as in tests/sweep.test.ts.
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', out], { stdio: 'ignore' }).status === 0;
    const boundByModes = !mounted && process.getuid?.() === 0;
    if (!mounted) chmodSync(out, 0o555);
    let run;
    let left: string[];
    try {
      const command = [process.execPath, BIN, '-C', dir, 'letters'];
      const [program, ...args] = boundByModes ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search', '--', ...command] : command;
      run = spawnSync(program!, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', HOME: dir } });
      left = allFiles(out);
    } finally {
      if (mounted) spawnSync('umount', [out]);
      else chmodSync(out, 0o755);
    }
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/impossible d'écrire .*out.*écriture interdite/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(left).toEqual([]);
    tally.push(['out/ en lecture seule pendant relais letters', 1]);
  });
});
