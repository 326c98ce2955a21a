import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAllAtomic } from '../src/sources/write.js';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { BIN, relais } from './helpers/cli.js';
import { annuaireEnv, sampleRecords, sampleRneRows, startAnnuaire, type AnnuaireServer } from './servers/annuaire.js';
import { waitFor } from './helpers/wait.js';

/**
 * Ctrl-C and SIGTERM during `relais fetch`: while a download is in progress, or during a pause
 * before a retry, the command stops at once, says so, and data/ is exactly the previous fetch,
 * without a hidden temporary or backup file. The stand-in holds an answer until the test has sent
 * the signal: nothing depends on timing.
 */
let server: AnnuaireServer;
let fetched: string;

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(join(dir, 'data')).map((f) => [f, readFileSync(join(dir, 'data', f), 'utf8')]));
}


beforeAll(async () => {
  server = await startAnnuaire();
  fetched = sampleCampaign();
  rmSync(join(fetched, 'data', 'annuaire-mairies.json'));
  const first = await relais(['-C', fetched, 'fetch'], { env: annuaireEnv(server) });
  expect(first.code, first.stderr).toBe(0);
});

afterAll(async () => {
  await server?.close();
});

async function interrupted(signal: NodeJS.Signals, arrange: () => void, reached: (stderr: string) => boolean) {
  const dir = tempDir();
  cpSync(fetched, dir, { recursive: true });
  const before = snapshot(dir);
  server.records = sampleRecords();
  server.rne.rows = sampleRneRows().filter((row) => !row.includes(';45011;'));
  for (const queue of Object.values(server.script)) queue.length = 0;
  server.log.length = 0;
  arrange();
  const child = spawn(process.execPath, [BIN, '-C', dir, 'fetch'], { env: { ...process.env, NO_COLOR: '1', ...annuaireEnv(server) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  await waitFor(() => reached(stderr));
  child.kill(signal);
  const code = await exited;
  expect(code).toBe(1);
  expect(stderr).toContain("interrompu : rien n'a été écrit, les fichiers précédents sont conservés");
  expect(stderr).not.toMatch(/erreur inattendue/);
  expect(snapshot(dir)).toEqual(before);
  expect(readdirSync(join(dir, 'data')).filter((f) => f.startsWith('.'))).toEqual([]);
}

describe('relais fetch interrupted', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s while the mayors file is downloading: nothing replaced, no temporary file', async (signal) => {
    await interrupted(
      signal,
      () => server.script.rne.push({ hold: true }),
      () => server.log.some((l) => l.kind === 'rne' && l.status === 0),
    );
  });

  it('Ctrl-C during the pause before a retry ends it at once', async () => {
    // A minute's wait asked by the server: relais would sleep it out without the signal.
    await interrupted(
      'SIGINT',
      () => server.script.records.push({ status: 503, headers: { 'retry-after': '60' }, body: '{}' }),
      (stderr) => stderr.includes('nouvel essai dans 60 s'),
    );
  });
});

describe('writeAllAtomic and a signal', () => {
  it('a signal before the first rename: the temporary files are removed, the previous files stay', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'a.json'), 'ancien a');
    const stop = new AbortController();
    let held = 0;
    let released = 0;
    const hold = () => {
      held++;
      // The signal arrives as the writing begins.
      stop.abort();
      return () => void released++;
    };
    const files = [
      { path: join(dir, 'data', 'a.json'), data: 'nouveau a' },
      { path: join(dir, 'data', 'b.csv'), data: 'nouveau b' },
    ];
    await expect(writeAllAtomic(files, { signal: stop.signal, hold })).rejects.toThrow("interrompu : rien n'a été écrit");
    expect(readdirSync(join(dir, 'data'))).toEqual(['a.json']);
    expect(readFileSync(join(dir, 'data', 'a.json'), 'utf8')).toBe('ancien a');
    expect([held, released]).toEqual([1, 1]);
  });

  it('without a signal, every file is replaced and nothing hidden is left', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), 'ancien a');
    let released = 0;
    await writeAllAtomic(
      [
        { path: join(dir, 'a.json'), data: 'nouveau a' },
        { path: join(dir, 'b.csv'), data: 'nouveau b' },
      ],
      { signal: new AbortController().signal, hold: () => () => void released++ },
    );
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'b.csv']);
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('nouveau a');
    expect(released).toBe(1);
  });
});
