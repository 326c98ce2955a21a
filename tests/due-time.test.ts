import { describe, expect, it } from 'vitest';
import { parseDue } from '../src/delivery/time.js';

/** The times a communicator types, or Excel writes back into an exported schedule. */
describe('parseDue', () => {
  const now = new Date('2026-11-30T08:00:00Z');
  it.each([
    ['2031-04-11 09:00', '2031-04-11T07:00:00.000Z'],
    ['11/04/2031 09:00', '2031-04-11T07:00:00.000Z'],
    ['11/04/2031 9h05', '2031-04-11T07:05:00.000Z'],
    ['1/12/2031 09:00:30', '2031-12-01T08:00:30.000Z'],
  ])('reads %s as Paris time', (text, utc) => {
    expect(parseDue(text, 'Europe/Paris', now).utc.toISOString()).toBe(utc);
  });

  it.each([['31/04/2031 09:00', "n'existe pas"], ['11/04/2031 24:00', "n'existe pas"], ['11/04/2031', 'illisible'], ['04/11/31 09:00', 'illisible']])('refuses %s', (text, why) => {
    expect(() => parseDue(text, 'Europe/Paris', now)).toThrow(why);
  });
});

describe('a time already past, overseas', () => {
  it('is refused with the time it is there, named as a French sentence names the place', () => {
    const now = new Date('2026-11-30T18:25:00Z');
    expect(() => parseDue('2026-11-30 09:00', 'Indian/Reunion', now)).toThrow('« 2026-11-30 09:00 » est dans le passé (il est 2026-11-30 22:25 à La Réunion)');
    expect(() => parseDue('2026-11-30 09:00', 'America/Cayenne', now)).toThrow('(il est 2026-11-30 15:25 en Guyane)');
  });
});
