import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { BIN } from './helpers/cli.js';

/**
 * An office PC whose disk fills up during `relais send`. The emails (here to the outbox; through
 * an SMTP server the path is the same) leave one by one, and the journal (.relais/journal.sqlite)
 * records each. When the disk is full, SQLite cannot add to the journal, and relais stops with
 * « relais : erreur inattendue : disk I/O error » (« database or disk is full » on a full tmpfs):
 * English, the phrase the house rules forbid, no file named, and not one word of what happened
 * before the stop — a dozen messages had left, some recorded « en cours » (outcome unknown). The
 * agent cannot tell whether mayors got the email, nor that the journal is the file to make room
 * for. A user expects a French message naming the journal and the reason (« disque plein » /
 * « fichier trop grand »), and what was sent and what was not (as the Ctrl-C path says it).
 */
describe('relais send when the disk fills up under the journal', () => {
  it('says in French that the journal could not be written, and what was sent before the stop', async () => {
    const dir = await sampleWithLetters();
    // The shell ignores SIGXFSZ and caps every file at 200 KB: the .eml files (≈ 100 KB) fit, the
    // journal's write-ahead log outgrows the cap after a few messages (EFBIG, as a full disk).
    const run = spawnSync('sh', ['-c', `trap '' XFSZ; ulimit -f 400; exec "$0" "$@"`, process.execPath, BIN, '-C', dir, 'send', '--yes'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const said = run.stdout + run.stderr;
    expect(run.status).toBe(1);
    // Now: « relais : erreur inattendue : disk I/O error (relancez avec RELAIS_DEBUG=1 pour le détail) ».
    expect(said).not.toMatch(/erreur inattendue/);
    expect(said).not.toMatch(/disk I\/O error|database or disk is full/);
    expect(said).toMatch(/journal/);
    expect(said).toMatch(/disque plein|trop grand/);
    // What left before the stop, counted (written / sent, or of unknown outcome).
    expect(said).toMatch(/\d+ (messages? |courriels? )?(écrits?|envoyés?|en cours|non confirmés?)/);
  });

  it('a journal that cannot be created for want of room is not called unreadable, to be backed up', async () => {
    const dir = await sampleWithLetters();
    // 2 KB per file: SQLite cannot even lay the journal's first pages down.
    const run = spawnSync('sh', ['-c', `trap '' XFSZ; ulimit -f 4; exec "$0" "$@"`, process.execPath, BIN, '-C', dir, 'send', '--yes'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.status).toBe(1);
    // Now: « le journal .relais/journal.sqlite est illisible (disk I/O error) : il n'a pas été
    // modifié ; sauvegardez-le et consultez le README (« après un incident ») » — about an empty
    // file relais has just created: nothing to read, nothing to save; the disk is the problem.
    expect(run.stderr).not.toMatch(/disk I\/O error|database or disk is full/);
    expect(run.stderr).not.toMatch(/illisible/);
    expect(run.stderr).toMatch(/\.relais\/journal\.sqlite.*(disque plein|trop grand)/);
  });
});
