import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { allFiles, sampleCampaign, sampleLoiret } from './helpers/campaign.js';
import { BIN, relais } from './helpers/cli.js';

/**
 * A campaign folder the user may read but not write: a colleague's on a shared drive, a copy kept
 * read-only for the record. Its journal is read by `status` and `schedule list` as it stands —
 * what a send wrote into the -wal too — and a command that would write it says why it cannot,
 * without calling the journal unreadable.
 */

/** Root writes anywhere: relais then runs without the capabilities that override file modes (setpriv), as in tests/sweep.test.ts. */
const root = process.getuid?.() === 0;
const BOUND_BY_MODES = ['--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search', '--'];

function unprivileged(args: string[]): { code: number; stdout: string; stderr: string } {
  const command = [process.execPath, BIN, ...args];
  const [program, ...rest] = root ? ['setpriv', ...BOUND_BY_MODES, ...command] : command;
  const run = spawnSync(program!, rest, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

/** Every file and folder of the campaign without its write bits (and given them back). */
function setWritable(dir: string, on: boolean): void {
  const entries = [dir, ...readdirSync(dir, { recursive: true }).map((f) => join(dir, String(f)))];
  for (const path of entries) {
    const mode = statSync(path).mode & 0o777;
    chmodSync(path, on ? mode | 0o200 : mode & ~0o222);
  }
}

/** The Loiret sample with one post planned by hand: a journal of its own. */
async function campaignWithOnePost(): Promise<{ dir: string; journal: string }> {
  const dir = sampleLoiret();
  expect((await relais(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2030-01-02 10:00', '--text', 'Renfort-Covid'])).code).toBe(0);
  return { dir, journal: join(dir, '.relais', 'journal.sqlite') };
}

const journalCopies = () => readdirSync(tmpdir()).filter((f) => f.startsWith('relais-journal-')).length;

describe('a campaign folder that cannot be written to', () => {
  it('shows its journal in status and schedule list, -wal included, and refuses to write it with the true reason', async () => {
    const dir = sampleLoiret();
    expect((await relais(['-C', dir, 'letters'])).code).toBe(0);
    expect((await relais(['-C', dir, 'send'])).code).toBe(0);
    expect((await relais(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2030-01-02 10:00', '--text', 'Renfort-Covid : inscrivez-vous'])).code).toBe(0);
    const journal = join(dir, '.relais', 'journal.sqlite');
    const before = JSON.parse((await relais(['-C', dir, 'status', '--json'])).stdout) as unknown;

    // A change that only the -wal holds (its writer still open, nothing checkpointed): a town hall's
    // message refused since. Whoever reads the folder must see it.
    const db = new Database(journal);
    db.pragma('wal_autocheckpoint = 0');
    const changed = db.prepare("UPDATE deliveries SET status = 'failed-permanent', last_reply = '550 boîte inconnue' WHERE rowid = (SELECT min(rowid) FROM deliveries)").run();
    expect(changed.changes).toBe(1);
    expect(statSync(`${journal}-wal`).size).toBeGreaterThan(0);
    const status = await relais(['-C', dir, 'status', '--json']);
    const list = await relais(['-C', dir, 'schedule', 'list', '--json']);
    expect(status.code).toBe(0);
    expect(list.code).toBe(0);
    expect(JSON.parse(status.stdout)).not.toEqual(before);

    const copies = journalCopies();
    setWritable(dir, false);
    try {
      const readOnlyStatus = unprivileged(['-C', dir, 'status', '--json']);
      expect(readOnlyStatus.stderr).toBe('');
      expect(readOnlyStatus.code).toBe(0);
      expect(JSON.parse(readOnlyStatus.stdout)).toEqual(JSON.parse(status.stdout));
      const readOnlyList = unprivileged(['-C', dir, 'schedule', 'list', '--json']);
      expect(readOnlyList.code).toBe(0);
      expect(JSON.parse(readOnlyList.stdout)).toEqual(JSON.parse(list.stdout));
      expect(JSON.parse(readOnlyList.stdout)).toHaveLength(1);

      // A command that writes the journal: the reason, not « illisible … sauvegardez-le ».
      const cancel = unprivileged(['-C', dir, 'schedule', 'cancel', '1']);
      expect(cancel.code).toBe(1);
      expect(cancel.stderr).toMatch(/journal\.sqlite.*lecture seule/);
      expect(cancel.stderr).not.toContain('illisible');

      // Its writer gone, the journal whole again without a -wal: read, and refused, all the same.
      db.close();
      expect(existsSync(`${journal}-wal`)).toBe(false);
      expect(JSON.parse(unprivileged(['-C', dir, 'status', '--json']).stdout)).toEqual(JSON.parse(status.stdout));
      const add = unprivileged(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2030-01-03 10:00', '--text', 'Renfort-Covid']);
      expect(add.code).toBe(1);
      expect(add.stderr).toContain("le journal .relais/journal.sqlite ne peut pas être écrit : ce dossier de campagne est en lecture seule pour vous (droits, ou disque monté en lecture seule) ; « relais status » et « relais schedule list » le lisent sans l'écrire");
    } finally {
      setWritable(dir, true);
      if (db.open) db.close();
    }
    // Nothing of the campaign written but by its own writer's checkpoint, and the copies read gone with their process.
    expect(JSON.parse((await relais(['-C', dir, 'schedule', 'list', '--json'])).stdout)).toEqual(JSON.parse(list.stdout));
    expect(allFiles(join(dir, '.relais')).filter((f) => f.includes('relais-journal'))).toEqual([]);
    expect(journalCopies()).toBe(copies);

    // The journal and a -wal its writer left (it was killed: no -shm): SQLite alone cannot open it
    // read-only; its two files are read and joined all the same.
    const writer = new Database(journal);
    writer.pragma('wal_autocheckpoint = 0');
    writer.prepare("UPDATE deliveries SET status = 'failed-permanent', last_reply = '550 boîte inconnue' WHERE rowid = (SELECT min(rowid) FROM deliveries)").run();
    const left = sampleLoiret();
    mkdirSync(join(left, '.relais'));
    copyFileSync(journal, join(left, '.relais', 'journal.sqlite'));
    copyFileSync(`${journal}-wal`, join(left, '.relais', 'journal.sqlite-wal'));
    writer.close();
    expect(existsSync(join(left, '.relais', 'journal.sqlite-shm'))).toBe(false);
    setWritable(left, false);
    try {
      const fromTwoFiles = unprivileged(['-C', left, 'status', '--json']);
      expect(fromTwoFiles.stderr).toBe('');
      // What the journal says (its letters were written in the first folder only).
      const journalFigures = (json: string) => (JSON.parse(json) as { departements: Array<{ code: string; mairies: unknown; courriels: unknown }> }).departements.map((d) => [d.code, d.mairies, d.courriels]);
      expect(journalFigures(fromTwoFiles.stdout)).toEqual(journalFigures(status.stdout));
      expect(journalFigures(fromTwoFiles.stdout)).not.toEqual(journalFigures(JSON.stringify(before)));
    } finally {
      setWritable(left, true);
    }
    expect(existsSync(join(left, '.relais', 'journal.sqlite-shm'))).toBe(false);
    expect(journalCopies()).toBe(copies);
  });

  it('without a journal yet, lists no publication and writes nothing', () => {
    const dir = sampleCampaign();
    setWritable(dir, false);
    try {
      const list = unprivileged(['-C', dir, 'schedule', 'list', '--json']);
      expect(list.stderr).toBe('');
      expect(JSON.parse(list.stdout)).toEqual([]);
      expect(existsSync(join(dir, '.relais'))).toBe(false);
      const add = unprivileged(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2030-01-03 10:00', '--text', 'Renfort-Covid']);
      expect(add.code).toBe(1);
      expect(add.stderr).toContain('le journal .relais/journal.sqlite ne peut pas être écrit : ce dossier de campagne est en lecture seule pour vous');
    } finally {
      setWritable(dir, true);
    }
  });

  it("a journal file one may not write, in a folder one may: read without laying a -wal or -shm of one's own beside it", async () => {
    const { dir, journal } = await campaignWithOnePost();
    const list = await relais(['-C', dir, 'schedule', 'list', '--json']);
    expect(existsSync(`${journal}-wal`)).toBe(false);
    chmodSync(journal, 0o444);
    try {
      const read = unprivileged(['-C', dir, 'schedule', 'list', '--json']);
      expect(read.stderr).toBe('');
      expect(JSON.parse(read.stdout)).toEqual(JSON.parse(list.stdout));
      // Files of the reader's beside the journal would stop its owner's next send.
      expect(existsSync(`${journal}-wal`)).toBe(false);
      expect(existsSync(`${journal}-shm`)).toBe(false);
      const cancel = unprivileged(['-C', dir, 'schedule', 'cancel', '1']);
      expect(cancel.code).toBe(1);
      expect(cancel.stderr).toContain('le journal .relais/journal.sqlite ne peut pas être écrit : le fichier est en lecture seule pour vous');
    } finally {
      chmodSync(journal, 0o644);
    }
  });

  it('a damaged journal in a read-only folder is said damaged, not read-only', () => {
    const dir = sampleCampaign();
    mkdirSync(join(dir, '.relais'));
    writeFileSync(join(dir, '.relais', 'journal.sqlite'), 'bonjour\n'.repeat(1000));
    setWritable(dir, false);
    try {
      for (const args of [['status'], ['schedule', 'list']]) {
        const run = unprivileged(['-C', dir, ...args]);
        expect(run.code, args.join(' ')).toBe(1);
        expect(run.stderr, args.join(' ')).toContain('le journal .relais/journal.sqlite est illisible');
        expect(run.stderr, args.join(' ')).not.toContain('lecture seule');
      }
    } finally {
      setWritable(dir, true);
    }
  });

  it('a journal nobody may read is said so, not taken for a read-only folder', async () => {
    const { dir, journal } = await campaignWithOnePost();
    chmodSync(journal, 0o000);
    try {
      for (const args of [['status'], ['schedule', 'list'], ['schedule', 'cancel', '1']]) {
        const run = unprivileged(['-C', dir, ...args]);
        expect(run.code, args.join(' ')).toBe(1);
        expect(run.stderr, args.join(' ')).toContain("le journal .relais/journal.sqlite ne peut pas être lu : vous n'avez pas le droit de le lire");
      }
    } finally {
      chmodSync(journal, 0o644);
    }
  });
});
