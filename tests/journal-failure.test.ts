import { describe, expect, it } from 'vitest';
import { type JournalFailure, JournalGuard, journalStopped, JournalWriteFailed, someCommunes } from '../src/delivery/journal-failure.js';

const sqlite = (code: string) => Object.assign(new Error('write failed'), { code });

describe('the journal failing in the middle of a send', () => {
  it('keeps every failure and stops the lanes; an error that is not the journal’s is thrown as is', () => {
    let stops = 0;
    const guard = new JournalGuard(() => stops++);
    expect(() => guard.write('45004', 'accepted', () => { throw sqlite('SQLITE_FULL'); })).toThrow(JournalWriteFailed);
    expect(() => guard.write('45006', 'accepted', () => { throw sqlite('SQLITE_FULL'); })).toThrow(JournalWriteFailed);
    expect(guard.failures.map((f) => f.commune)).toEqual(['45004', '45006']);
    // relais's own bug (a TypeError) is not blamed on the journal.
    const bug = new TypeError('x is undefined');
    expect(() => guard.write('45008', 'before', () => { throw bug; })).toThrow(bug);
    expect(guard.failures).toHaveLength(2);
    expect(stops).toBe(3);
  });

  it('says every message: sent + unconfirmed (named, a few then « et N autres ») + refused + left = selected', () => {
    const failures: JournalFailure[] = ['45004', '45006', '45008', '45010', '45012', '45014'].map((commune) => ({ error: sqlite('SQLITE_FULL'), commune, stage: 'accepted' }));
    failures.push({ error: sqlite('SQLITE_IOERR_WRITE'), commune: '45020', stage: 'before' });
    const e = journalStopped(failures, {
      sent: 3,
      unconfirmedList: [{ commune: '45016', recipient: 'a@b.example' }],
      failures: [{ commune: '45018', recipient: 'c@d.example', status: 'failed-permanent', reply: '550' }, { commune: '45019', recipient: 'e@f.example', status: 'failed-temporary', reply: '451' }],
    }, 20);
    const said = e.message;
    expect(said).toContain('sur 20 messages à envoyer : 3 messages envoyés et notés ; 7 messages non confirmés (6 acceptés par le serveur');
    expect(said).toContain('1 à la remise incertaine ; communes 45004, 45006, 45008, 45010, 45012 et 2 autres)');
    expect(said).toContain('1 message refusé par le serveur');
    // 20 − 3 − 7 − 1: the one not handed over and the one refused for now among them.
    expect(said).toContain('9 messages restent à envoyer');
    expect(said).toContain('disque plein (plus de place pour le journal) (6 écritures refusées)');
    expect(said).toContain('Libérez de la place sur ce disque');
    expect(said).not.toContain('le dernier');
  });

  it('says what to correct for a journal that refuses writes for another reason', () => {
    const e = journalStopped([{ error: sqlite('SQLITE_READONLY'), commune: '45004', stage: 'before' }], { sent: 0, unconfirmedList: [], failures: [] }, 1);
    expect(e.message).toContain('1 message reste à envoyer');
    expect(e.message).toMatch(/Rendez .relais\/journal.sqlite et son dossier .relais accessibles en écriture/);
    expect(e.message).not.toContain('Corrigez cela');
    expect(someCommunes(['45001', '45002'])).toBe('45001 et 45002');
  });
});
