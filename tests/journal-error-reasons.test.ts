import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isJournalWriteFailure, sqliteReason, systemError, systemReason } from '../src/errors.js';

/**
 * The journal's errors come from SQLite in English (« database or disk is full »), naming no file:
 * said in French, naming the journal, like any system error.
 */
describe('errors of the journal (SQLite) in French', () => {
  it('a real SQLite error is read by its code, extended codes by their primary one', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x INTEGER PRIMARY KEY)');
    db.exec('INSERT INTO t VALUES (1)');
    let err: unknown;
    try {
      db.exec('INSERT INTO t VALUES (1)');
    } catch (e) {
      err = e;
    }
    db.close();
    expect((err as { code: string }).code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(sqliteReason(err)).toBe("erreur d'écriture du journal (code SQLITE_CONSTRAINT_PRIMARYKEY)");
    expect(systemReason({ code: 'SQLITE_FULL' })).toBe('disque plein (plus de place pour le journal)');
    // A write refused (full disk, file-size limit) reads « disk I/O error » too: both said.
    expect(systemReason({ code: 'SQLITE_IOERR_WRITE' })).toBe('écriture impossible sur le disque (disque plein, fichier trop grand pour la limite du système, ou support défaillant)');
    expect(systemReason({ code: 'SQLITE_IOERR_READ' })).toBe("erreur d'entrée-sortie du disque");
    expect(systemReason({ code: 'SQLITE_IOERR_WRITE', message: 'disk is full' })).toContain('disque plein');
    expect(sqliteReason({ code: 'ENOSPC' })).toBeUndefined();
  });

  it('one test says which SQLite errors are a write the disk refused', () => {
    for (const code of ['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC', 'SQLITE_IOERR_DIR_FSYNC']) expect(isJournalWriteFailure({ code })).toBe(true);
    for (const code of ['SQLITE_IOERR_READ', 'SQLITE_CORRUPT', 'SQLITE_CONSTRAINT_TRIGGER', 'ENOSPC']) expect(isJournalWriteFailure({ code })).toBe(false);
    expect(isJournalWriteFailure(new Error('x'))).toBe(false);
  });

  it('an unexpected SQLite error names the journal, not « erreur inattendue »', () => {
    const e = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    expect(systemError(e, 'd’accéder à').message).toBe('impossible d’accéder à .relais/journal.sqlite : disque plein (plus de place pour le journal)');
  });
});
