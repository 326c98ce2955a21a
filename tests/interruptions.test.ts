import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { allFiles, sampleCampaign, sampleWithLetters } from './helpers/campaign.js';
import { BIN, relais } from './helpers/cli.js';
import { ensureDebianPackage } from './helpers/debian.js';
import { FULL_STRENGTH, tallyFor } from './helpers/fuzz.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';
import { socialEnv, startSocial } from './servers/social.js';
import { waitFor } from './helpers/wait.js';

/**
 * Ctrl-C, SIGTERM and SIGKILL in the middle of the long commands: each stops cleanly, leaves no
 * half-written file, keeps its journal true, and the next run continues without doing anything twice.
 */

/** What was tried, for the table of `npm run fuzz`. */
const tally = tallyFor('interruptions');

let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});


/**
 * Sends a signal and waits for the process to exit. No timing is asserted (these machines are
 * shared and noisy): a process that did not stop would hit the test's timeout.
 */
async function interrupt(child: ChildProcess, signal: NodeJS.Signals): Promise<{ code: number | null }> {
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  child.kill(signal);
  return { code: await exited };
}

/** Ctrl-C, and what a service manager or `timeout` sends. */
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * One handler takes both signals: `npm test` interrupts each long command with one of them, in
 * turn (letters and send with SIGINT, run with SIGTERM), `npm run fuzz` with both.
 */
const signalsFor = (first: NodeJS.Signals): NodeJS.Signals[] => (FULL_STRENGTH ? SIGNALS : [first]);

describe('interruptions', () => {
  it.each(signalsFor('SIGINT'))('%s during letters stops between two letters, leaves no temporary file, and the next run completes', async (signal) => {
    const dir = sampleCampaign();
    const child = spawn(process.execPath, [BIN, '-C', dir, 'letters'], { env: { ...process.env, NO_COLOR: '1', RELAIS_WORKERS: '2' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const lettres = join(dir, 'out/lettres');
    await waitFor(() => readdirSync(join(lettres, '37')).length > 20);
    const { code } = await interrupt(child, signal);
    expect(code).toBe(1);
    expect(stderr).toContain('interrompu');
    const leftovers = allFiles(lettres).filter((f) => f.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
    for (const f of allFiles(lettres).filter((x) => x.endsWith('.pdf'))) expect(readFileSync(f).subarray(-6).toString()).toContain('%%EOF');
    const again = await relais(['-C', dir, 'letters', '--json']);
    expect(again.code).toBe(0);
    expect(allFiles(lettres).filter((f) => /\d{5}-.*\.pdf$/.test(f))).toHaveLength(597);
    tally.push([`${signal} pendant relais letters, puis reprise`, 1]);
  });

  it.each(signalsFor('SIGTERM'))('%s during relais run, and during schedule run --watch, ends cleanly', async (signal) => {
    const dir = sampleCampaign();
    const run = spawn(process.execPath, [BIN, '-C', dir, 'run'], { env: { ...process.env, NO_COLOR: '1', RELAIS_WORKERS: '2' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    run.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // In the middle of the letters step: the first letter is on disk (an event, not a delay).
    await waitFor(() => stderr.includes('3/6') && allFiles(join(dir, 'out/lettres')).some((f) => f.endsWith('.pdf')));
    const stopped = await interrupt(run, signal);
    expect(stopped.code).toBe(1);
    expect(stderr).toContain('interrompu');
    expect(allFiles(join(dir, 'out')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const resumed = await relais(['-C', dir, 'run', '--json']);
    expect(resumed.code).toBe(0);
    expect(allFiles(join(dir, 'out/lettres')).filter((f) => /\d{5}-.*\.pdf$/.test(f))).toHaveLength(597);

    await relais(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2099-01-01 09:00', '--text', 'Plus tard']);
    const watch = spawn(process.execPath, [BIN, '-C', dir, 'schedule', 'run', '--watch'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    watch.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.length > 0);
    const watched = await interrupt(watch, signal);
    expect(watched.code).toBe(0);
    const list = await relais(['-C', dir, 'schedule', 'list']);
    expect(list.stdout).toContain('prévu');
    tally.push([`${signal} pendant relais run et schedule run --watch`, 2]);
  });

  it.each(signalsFor('SIGINT'))('%s during send stops cleanly; the next run continues, nothing twice', async (signal) => {
    server = await startSmtp();
    const dir = await sampleWithLetters();
    const env = { ...process.env, NO_COLOR: '1', RELAIS_SMTP_URL: server.url };
    const child = spawn(process.execPath, [BIN, '-C', dir, 'send', '--dep', '45', '--yes', '--rate', '600/min'], { env, stdio: 'ignore' });
    await waitFor(() => server!.received.length >= 5);
    const { code } = await interrupt(child, signal);
    expect(code).toBe(1);
    const db = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
    const statuses = db.prepare('SELECT status, count(*) n FROM deliveries GROUP BY status').all() as Array<{ status: string; n: number }>;
    db.close();
    expect(statuses.every((s) => s.status === 'sent')).toBe(true);
    const again = await relais(['-C', dir, 'send', '--dep', '45', '--yes', '--json'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(again.code).toBe(0);
    const perRecipient = new Map<string, number>();
    for (const m of server.received) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
    expect(perRecipient.size).toBe(301);
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    tally.push([`${signal} pendant relais send, puis reprise`, 1]);
  });

  // The points are events, not delays (a loaded machine would shift every delay to the start):
  // as soon as relais is started, when it opens a connection, or when the server has the k-th
  // message of this run — its answer possibly not yet read by relais.
  const KILLS = FULL_STRENGTH ? 20 : 5;
  it(`SIGKILL at ${KILLS} points of a send: no town hall twice, none lost`, async () => {
    server = await startSmtp();
    const smtp = server;
    const dir = await sampleWithLetters();
    const env = { ...process.env, NO_COLOR: '1', RELAIS_SMTP_URL: smtp.url };
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const points: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      const child = spawn(process.execPath, [BIN, '-C', dir, 'send', '--dep', '37', '--yes', '--rate', '1200/min'], { env, stdio: 'ignore' });
      let over = false;
      const exited = new Promise((r) => child.once('exit', r)).then(() => (over = true));
      // The first points of each kind in turn, then at random.
      const kind = i < 3 ? i : Math.floor(random() * 3);
      const sessions = smtp.sessions.length;
      const target = smtp.received.length + (i === 2 ? 1 : 1 + Math.floor(random() * 25));
      // (A run with nothing left to send ends by itself, before any connection.)
      if (kind === 0) await new Promise((r) => child.once('spawn', r));
      else if (kind === 1) await waitFor(() => over || smtp.sessions.length > sessions);
      else await waitFor(() => over || smtp.received.length >= target);
      points.push(['au démarrage', 'à une connexion', 'après un message reçu'][kind]!);
      child.kill('SIGKILL');
      await exited;
    }
    const final = await relais(['-C', dir, 'send', '--dep', '37', '--yes', '--json'], { env: { RELAIS_SMTP_URL: server.url } });
    const summary = JSON.parse(final.stdout) as { unconfirmedList: Array<{ commune: string }> };
    const db = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT commune, recipient, status FROM deliveries').all() as Array<{ commune: string; recipient: string; status: string }>;
    db.close();
    expect(rows).toHaveLength(255);
    expect(rows.every((r) => r.status === 'sent' || r.status === 'unconfirmed')).toBe(true);
    const unconfirmed = rows.filter((r) => r.status === 'unconfirmed');
    expect(summary.unconfirmedList.length).toBe(unconfirmed.length);
    const perRecipient = new Map<string, number>();
    for (const m of server.received) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
    for (const r of rows) {
      const n = perRecipient.get(r.recipient) ?? 0;
      if (r.status === 'sent') expect(n, r.recipient).toBe(1);
      else expect(n, r.recipient).toBeLessThanOrEqual(1);
    }
    tally.push([`SIGKILL pendant relais send (${[...new Set(points)].join(', ')})`, KILLS]);
  });
});

describe('interrupted while a server holds the answer', () => {
  // Default timeouts (30 s and more): the grace after the signal, not a timeout, ends the wait.
  it('SIGTERM while the SMTP server has not acknowledged the message: relais stops, the email is unconfirmed, never resent alone', async () => {
    server = await startSmtp({ stallData: ['mairie@orleans.example'] });
    const dir = sampleCampaign();
    const child = spawn(process.execPath, [BIN, '-C', dir, 'send', '--commune', '45234', '--yes', '--json'], { env: { ...process.env, NO_COLOR: '1', RELAIS_SMTP_URL: server.url }, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    await waitFor(() => server!.stalled.length > 0);
    const { code } = await interrupt(child, 'SIGTERM');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ sent: 0, unconfirmed: 1, unconfirmedList: [{ commune: '45234' }] });
    const db = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
    const row = db.prepare("SELECT status, last_reply FROM deliveries WHERE commune = '45234'").get() as { status: string; last_reply: string };
    db.close();
    expect(row.status).toBe('unconfirmed');
    expect(row.last_reply).toContain('interrompu avant la réponse du serveur SMTP');
    const again = await relais(['-C', dir, 'send', '--commune', '45234', '--yes', '--json'], { env: { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_TIMEOUT_MS: '500' } });
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 0 });
    expect(server.stalled).toEqual(['mairie@orleans.example']);
    tally.push(['SIGTERM pendant qu’un serveur SMTP retient sa réponse', 1]);
  });

  it('SIGTERM while an API has not answered: relais stops, the post is unconfirmed, never republished alone', async () => {
    const social = await startSocial();
    try {
      const dir = sampleCampaign();
      const yaml = join(dir, 'campagne.yaml');
      writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/\npublications:\n(?: {2}.*\n)+/, '\n'));
      const env = { ...socialEnv(social), RELAIS_HTTP_TIMEOUT_MS: '60000' };
      expect((await relais(['-C', dir, 'schedule', 'add', '--channel', 'facebook', '--at', 'now', '--text', 'Merci aux maires'], { env })).code).toBe(0);
      social.script.facebook.push({ status: 200, hang: true });
      const child = spawn(process.execPath, [BIN, '-C', dir, 'schedule', 'run', '--watch', '--json'], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      await waitFor(() => social.received.length > 0);
      const { code } = await interrupt(child, 'SIGTERM');
      expect(code).toBe(1);
      const result = JSON.parse(stdout) as { published: unknown[]; unconfirmed: Array<{ channel: string; reason: string }> };
      expect(result.published).toEqual([]);
      expect(result.unconfirmed).toEqual([{ id: 1, channel: 'facebook', reason: expect.stringContaining('interrompu avant la réponse du réseau') }]);
      const again = await relais(['-C', dir, 'schedule', 'run', '--json'], { env });
      expect(JSON.parse(again.stdout)).toMatchObject({ published: [] });
      expect(social.received).toHaveLength(1);
      tally.push(['SIGTERM pendant qu’une API retient sa réponse', 1]);
    } finally {
      await social.close();
    }
  });
});

describe('Ctrl-C at the confirmation, on a real terminal', () => {
  /** relais in a pseudo-terminal (script, from util-linux) of the given width, its output collected. */
  function inTerminal(args: string[], env: Record<string, string>, columns: number): { child: ChildProcess; output: () => string } {
    ensureDebianPackage('/usr/bin/script', 'bsdutils');
    const command = `stty cols ${columns} rows 40; exec ${[process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ')}`;
    const child = spawn('script', ['-qefc', command, '/dev/null'], { env: { ...process.env, ...env, NO_COLOR: '1', CI: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    return { child, output: () => output };
  }

  it.each([120, 0])('answers « non » and sends nothing (terminal %i columns wide), with no progress drawn over the question', async (columns) => {
    server = await startSmtp();
    const dir = sampleCampaign();
    const { child, output } = inTerminal(['-C', dir, 'send', '--commune', '45234'], { RELAIS_SMTP_URL: server.url }, columns);
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    try {
      await waitFor(() => output().includes('[o/N]'));
      child.stdin!.write('\x03');
      expect(await exited).toBe(0);
    } finally {
      // A terminal left running by a failure would draw forever.
      child.kill('SIGKILL');
    }
    expect(output()).toContain('Envoi annulé : rien n’est parti.');
    expect(output()).not.toContain('erreur inattendue');
    // No spinner frame before the question (it would draw over it), and no runaway redrawing.
    expect(output().slice(0, output().indexOf('[o/N]'))).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(output().length).toBeLessThan(100_000);
    expect(server.received).toEqual([]);
    tally.push([`Ctrl-C à la confirmation d’envoi (terminal de ${columns} colonnes)`, 1]);
  });
});

describe('a rehearsal in the local outbox killed in the middle of a write', () => {
  it('writes that copy again at the next send, instead of calling it « non confirmé », and removes the temporary file left', async () => {
    const dir = await sampleWithLetters();
    const first = await relais(['-C', dir, 'send', '--commune', '45234', '--yes']);
    expect(first.code, first.stderr).toBe(0);
    // What a SIGKILL between the journal's « sending » and the rename leaves: the row, a temporary file.
    const db = new Database(join(dir, '.relais/journal.sqlite'));
    expect(db.prepare("UPDATE deliveries SET status = 'sending' WHERE commune = '45234' AND destination = 'outbox'").run().changes).toBe(1);
    db.close();
    const folder = join(dir, 'out', 'outbox', '45');
    writeFileSync(join(folder, '.0123456789ab.tmp'), 'From: moitié d’un message');
    const again = await relais(['-C', dir, 'send', '--commune', '45234', '--yes', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 1, unconfirmed: 0 });
    expect(readdirSync(folder).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const check = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
    expect(check.prepare("SELECT status FROM deliveries WHERE commune = '45234'").get()).toEqual({ status: 'sent' });
    check.close();
  });
});

describe('relais run interrupted during its emails', () => {
  it('says what this run sent and what the journal says is left, as send does, not « interrompu » alone', async () => {
    server = await startSmtp({ stallData: ['mairie@orleans.example'] });
    const dir = await sampleWithLetters();
    const env = { ...process.env, NO_COLOR: '1', RELAIS_SMTP_URL: server.url, RELAIS_SMTP_MAX_CONNECTIONS: '1' };
    const child = spawn(process.execPath, [BIN, '-C', dir, 'run', '--dep', '45', '--yes'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitFor(() => server!.stalled.length > 0);
    const sentBefore = server.received.length;
    const { code } = await interrupt(child, 'SIGINT');
    expect(code).toBe(1);
    const said = /interrompu pendant les courriels : (\d+) envoyés? par cette exécution ; selon le journal : (\d+) envoyés?, .*pas encore envoyés?\. Relancez « relais run »/.exec(stderr.replace(/\u202f/g, ''));
    expect(said, stderr).not.toBeNull();
    expect(Number(said![1])).toBe(sentBefore);
    expect(Number(said![2])).toBe(sentBefore);
  });
});
