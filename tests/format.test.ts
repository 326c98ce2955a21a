import { describe, expect, it } from 'vitest';
import { bareUrl, directorTitle, frenchDate, frenchLongDate, frenchNumber, mayorSalutation, placeAndDate, plural, prefectTitle, roundDown } from '../src/text/format.js';
import { countOf, frenchPercent, namedList, shortenQuotes, telLink } from '../src/text/format.js';
import { axisTicks } from '../src/tracker/charts.js';

describe('French dates', () => {
  it.each([
    ['2020-04-10', 'vendredi 10 avril 2020'],
    ['2020-05-01', 'vendredi 1er mai 2020'],
    ['2020-03-26', 'jeudi 26 mars 2020'],
    ['2024-02-29', 'jeudi 29 février 2024'],
    ['2021-08-01', 'dimanche 1er août 2021'],
  ])('%s → %s', (iso, long) => {
    expect(frenchLongDate(iso)).toBe(long);
  });

  it('writes the place and date line', () => {
    expect(placeAndDate('Orléans', '2020-04-10')).toBe('Orléans, le vendredi 10 avril 2020');
    expect(frenchDate('2020-03-26')).toBe('26 mars 2020');
    expect(frenchDate('2020-12-01')).toBe('1er décembre 2020');
  });

  it.each(['2020-13-45', '2020-02-30', '10/04/2020', '', 'demain'])('refuses %s', (bad) => {
    expect(() => frenchLongDate(bad)).toThrow(/date invalide/);
  });
});

describe('French numbers', () => {
  it('puts the right space between groups of digits for each output', () => {
    expect(frenchNumber(2100)).toBe('2\u202f100');
    expect(frenchNumber(2100, 'x')).toBe('2\u00a0100');
    expect(frenchNumber(2100, 'sms')).toBe('2 100');
    expect(frenchNumber(1234567.5)).toBe('1\u202f234\u202f567,5');
    expect(frenchNumber('950')).toBe('950');
    expect(() => frenchNumber('beaucoup')).toThrow(/nombre attendu/);
  });

  it('rounds down, never overstating', () => {
    expect(roundDown(2154, 100)).toBe(2100);
    expect(roundDown(2199, 100)).toBe(2100);
    expect(roundDown(2100, 100)).toBe(2100);
    // Below one step the value itself is kept: 57 volunteers are not « pas moins de 0 ».
    expect(roundDown(99, 100)).toBe(99);
    expect(roundDown(57, 100)).toBe(57);
    expect(roundDown(0, 100)).toBe(0);
    expect(roundDown(100, 100)).toBe(100);
    expect(roundDown(2154, 50)).toBe(2150);
    expect(() => roundDown(5, 0)).toThrow();
  });

  it('agrees in number, 0 and 1 being singular in French', () => {
    expect(plural(0, 'volontaire')).toBe('volontaire');
    expect(plural(1, 'volontaire')).toBe('volontaire');
    expect(plural(2, 'volontaire')).toBe('volontaires');
    expect(plural(3, 'cheval', 'chevaux')).toBe('chevaux');
  });

  it.each([
    [2142, '2\u202f142 doublons'],
    [1, '1 doublon'],
    [0, '0 doublon'],
    [2, '2 doublons'],
    [1_000_000, '1\u202f000\u202f000 doublons'],
  ])('counts %d → %s', (n, expected) => {
    expect(countOf(n, 'doublon', 'doublons')).toBe(expected);
  });

  it('writes a share as a French percentage', () => {
    expect(frenchPercent(0.267)).toBe('26,7\u202f%');
    expect(frenchPercent(0.5)).toBe('50,0\u202f%');
    expect(frenchPercent(12.345, 0)).toBe('1\u202f235\u202f%');
  });
});

describe('phone links', () => {
  it.each([
    ['02 61 91 12 34', 'tel:+33261911234'],
    ['06 12 34 56 78', 'tel:+33612345678'],
    ['02 62 90 00 00', 'tel:0262900000'],
    ['05 90 99 00 00', 'tel:0590990000'],
    ['06 94 00 00 00', 'tel:0694000000'],
  ])('%s → %s', (phone, link) => {
    expect(telLink(phone)).toBe(link);
  });
});

describe('chart axes', () => {
  it.each([
    [397, [0, 100, 200, 300, 400]],
    [2148, [0, 500, 1000, 1500, 2000, 2500]],
    [1, [0, 1]],
    [0, [0, 1]],
    [7, [0, 2, 4, 6, 8]],
  ])('ticks for a maximum of %d', (max, ticks) => {
    expect(axisTicks(max)).toEqual(ticks);
  });

  it('always reaches the maximum, in whole, evenly spaced steps, and at most a dozen of them', () => {
    for (let max = 0; max < 5000; max += 7) {
      const ticks = axisTicks(max);
      expect(ticks[0]).toBe(0);
      expect(ticks.at(-1)!).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(12);
      const step = ticks[1]!;
      expect(Number.isInteger(step)).toBe(true);
      expect(ticks.every((t, i) => t === i * step)).toBe(true);
    }
  });
});

describe('people', () => {
  it('salutes the mayor from the RNE sex code', () => {
    expect(mayorSalutation('F')).toBe('Madame la Maire');
    expect(mayorSalutation('M')).toBe('Monsieur le Maire');
    expect(mayorSalutation(undefined)).toBe('Madame, Monsieur le Maire');
  });

  it('agrees the titles', () => {
    expect(prefectTitle('F', "d'Indre-et-Loire")).toBe("Préfète d'Indre-et-Loire");
    expect(prefectTitle('M', 'du Loiret')).toBe('Préfet du Loiret');
    expect(directorTitle('F', 'Centre-Val de Loire')).toBe("Directrice générale de l'ARS\nCentre-Val de Loire");
    expect(directorTitle('M', undefined)).toBe("Directeur général de l'ARS");
  });

  it('writes a URL as in prose', () => {
    expect(bareUrl('https://www.renfort-covid.fr/')).toBe('www.renfort-covid.fr');
  });
});

describe('shortenQuotes', () => {
  it('cuts a huge quoted value to its start and its size, and hides control characters', () => {
    const message = `adresse électronique « ${'y'.repeat(500_000)} » mal formée (Orléans)`;
    expect(shortenQuotes(message)).toBe(`adresse électronique « ${'y'.repeat(80)}… (500\u202f000 caractères) » mal formée (Orléans)`);
    expect(shortenQuotes('code « a\u0000b »')).toBe('code « a\ufffdb »');
    expect(shortenQuotes('court « abc »')).toBe('court « abc »');
    expect(shortenQuotes('x'.repeat(10_000)).length).toBeLessThan(2100);
  });
});

describe('namedList', () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `Commune ${i + 1}`);
  it('names them all up to ten, then counts the rest with a French plural', () => {
    expect(namedList(names(2))).toBe('Commune 1, Commune 2');
    expect(namedList(names(10))).toBe(names(10).join(', '));
    expect(namedList(names(11))).toBe(`${names(10).join(', ')} et 1 autre`);
    expect(namedList(names(12))).toBe(`${names(10).join(', ')} et 2 autres`);
    expect(namedList(names(1010))).toBe(`${names(10).join(', ')} et 1\u202f000 autres`);
  });
});
