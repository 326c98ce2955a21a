import { describe, expect, it } from 'vitest';
import { communeReference } from '../src/data/cog.js';
import { isTimeOfDay, isoDateKey, mayHoldInvisible, visibleCopy, visibleTrimmed } from '../src/tracker/bytes.js';
import { dayOf } from '../src/tracker/aggregate.js';
import { departementOf, departementWritten, excelScientific, isWithdrawn, parseDay } from '../src/tracker/cells.js';
import { timeOffset, ZoneDays } from '../src/tracker/zone.js';

/** The cells of a sign-up export as platforms and offices write them, read one by one (no spawn). */
const ref = communeReference();

describe('the status cell', () => {
  it('says withdrawn for the words platforms and offices use, whatever the case and accents', () => {
    for (const s of ['désinscrit', 'Désinscrite', 'Désinscription', 'DESINSCRIT', 'Compte supprimé', 'supprimé', 'Annulation', 'Annulé', 'Inscription annulée', 'retiré', 'Désistement']) {
      expect(isWithdrawn(s), s).toBe(true);
    }
  });

  it('says signed up for the others', () => {
    for (const s of ['inscrit', 'Inscrite', 'Inscription validée', 'actif', 'en attente', 'Retraité', '']) expect(isWithdrawn(s), s).toBe(false);
    // A withdrawal that did not happen, or was undone: the volunteer is still signed up.
    for (const s of ['Réinscrit après désinscription', 'Inscrit (annulation refusée)', 'Non retiré', 'Annulé puis réactivé', "En attente d'annulation", "Demande d'annulation"]) expect(isWithdrawn(s), s).toBe(false);
  });
});

describe('an instant written with a blank before its zone', () => {
  const time = (s: string) => isTimeOfDay((i) => s.charCodeAt(i), 0, s.length);
  it('is a time of day: « UTC », « GMT », « +0100 » after one blank', () => {
    for (const s of ['23:30:00 UTC', '23:30:00 GMT', '00:30:00 +0100', '00:30 +01:00', '23:30:00UTC', '23:30 Z']) expect(time(s), s).toBe(true);
    for (const s of ['23:30:00  UTC', '23:30:00 CET', '23:30:00 UT', '23:30:00 UTCX', '25:00 UTC']) expect(time(s), s).toBe(false);
  });

  it('falls on its day in the campaign’s zone, not the day written', () => {
    const paris = new ZoneDays('Europe/Paris');
    expect(timeOffset('23:30:00 UTC')).toBe(0);
    expect(timeOffset('00:30:00 +0100')).toBe(60);
    expect(parseDay('2020-03-26 23:30:00 UTC', paris)).toBe(dayOf('2020-03-27'));
    expect(parseDay('2020-03-27 00:30:00 +0100', paris)).toBe(dayOf('2020-03-27'));
    expect(parseDay('2020-03-26 22:30:00 GMT', paris)).toBe(dayOf('2020-03-26'));
    // The fast path hands such an instant to the general one, which knows the zone.
    const s = '2020-03-26 23:30:00 UTC';
    expect(isoDateKey(Buffer.from(s), 0, s.length)).toBe(-1);
  });
});

describe('invisible characters in a cell', () => {
  const visible = (s: string) => {
    const buf = Buffer.from(`;${s};`);
    const out = Buffer.alloc(buf.length);
    if (!mayHoldInvisible(buf, 1, buf.length - 1)) return s.trim();
    const [a, b] = visibleCopy(buf, 1, buf.length - 1, out);
    return out.toString('utf8', a, b);
  };
  it('are dropped inside and around the value, as visibleTrimmed drops them from text', () => {
    for (const s of ['A1\u200B', '\u200BA1', 'A\u200C1', '\u200D A1 \u2060', '\uFEFFA1', 'A1', 'é1\u200B', ' \u00a0A1\u202f']) {
      expect(visible(s), JSON.stringify(s)).toBe('A1'.replace('A', s.includes('é') ? 'é' : 'A'));
      expect(visibleTrimmed(s)).toBe(visible(s));
    }
    expect(visible('\u200B')).toBe('');
  });
  it('ignores the invisible characters a copy from a web page leaves', () => {
    expect(departementOf(ref, '37\u200B', '', '')).toBe('37');
    expect(departementOf(ref, '', '\u2060 45000', '')).toBe('45');
    expect(departementOf(ref, '', '', '\uFEFF37261')).toBe('37');
  });
});

describe('the département cell', () => {
  it('reads a code, a name compared loosely, a code with its name, or the name with its code', () => {
    for (const cell of ['37', '37 - Indre-et-Loire', '37-Indre-et-Loire', 'Indre-et-Loire', 'Indre et Loire', 'INDRE-ET-LOIRE', 'indre-et-loire (37)', 'Indre-et-Loire 37']) {
      expect(departementWritten(ref, cell), cell).toBe('37');
    }
    expect(departementWritten(ref, 'Loiret')).toBe('45');
    expect(departementWritten(ref, 'Loir-et-Cher')).toBe('41');
    expect(departementWritten(ref, 'Le Loiret')).toBe('45');
    expect(departementWritten(ref, 'Corse du Sud')).toBe('2A');
    expect(departementWritten(ref, '2a - Corse-du-Sud')).toBe('2A');
    expect(departementWritten(ref, 'Côtes d’Armor')).toBe('22');
  });

  it('names none when the code and the name disagree, or for a name that is no département', () => {
    expect(departementWritten(ref, '37 - Loiret')).toBeUndefined();
    expect(departementWritten(ref, 'Indre-et')).toBeUndefined();
    expect(departementWritten(ref, 'Tours')).toBeUndefined();
    expect(departementWritten(ref, '')).toBeUndefined();
  });

  it('reads a postal code typed in the département column only when all its communes are in one département', () => {
    expect(departementWritten(ref, '37000')).toBe('37');
    expect(departementWritten(ref, '45000')).toBe('45');
    // 52100 serves Saint-Dizier (Haute-Marne) and two communes of the Marne: ambiguous in that column.
    expect(new Set(ref.communesByPostalCode('52100').map((c) => c.departement)).size).toBeGreaterThan(1);
    expect(departementWritten(ref, '52100')).toBeUndefined();
    // …where the postal-code column still says which, by its first digits.
    expect(departementOf(ref, '52100', '52100', '')).toBe('52');
    expect(departementWritten(ref, '99999')).toBeUndefined();
  });
});

describe('an id Excel wrote in scientific notation', () => {
  const sci = (s: string) => excelScientific(Buffer.from(s), 0, Buffer.byteLength(s));
  it('is recognised with a comma or a point, in either case', () => {
    for (const s of ['1,23457E+11', '1.23457E+11', '1,23457e+11', '1E+12']) expect(sci(s), s).toBe(true);
  });
  it('is not confused with an id that merely holds a « + » or an E', () => {
    for (const s of ['123456789012', 'E+11', 'A+B', 'ABE12', '1,2E+', 'id+1E+11']) expect(sci(s), s).toBe(false);
  });
});
