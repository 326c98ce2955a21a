import { describe, expect, it } from 'vitest';
import { communeReference } from '../src/data/cog.js';
import { isTimeOfDay, isoDateKey, mayHoldInvisible, visibleCopy, withoutInvisible } from '../src/tracker/bytes.js';
import { dayOf } from '../src/tracker/aggregate.js';
import { departementOf, isWithdrawn, parseDay } from '../src/tracker/signups.js';
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
  it('are dropped inside and around the value, as withoutInvisible drops them from text', () => {
    for (const s of ['A1\u200B', '\u200BA1', 'A\u200C1', '\u200D A1 \u2060', '\uFEFFA1', 'A1', 'é1\u200B', ' \u00a0A1\u202f']) {
      expect(visible(s), JSON.stringify(s)).toBe('A1'.replace('A', s.includes('é') ? 'é' : 'A'));
      expect(withoutInvisible(s)).toBe(visible(s));
    }
    expect(visible('\u200B')).toBe('');
  });
  it('ignores the invisible characters a copy from a web page leaves', () => {
    expect(departementOf(ref, '37\u200B', '', '')).toBe('37');
    expect(departementOf(ref, '', '\u2060 45000', '')).toBe('45');
    expect(departementOf(ref, '', '', '\uFEFF37261')).toBe('37');
  });
});
