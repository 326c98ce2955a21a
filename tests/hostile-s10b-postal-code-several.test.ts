import { describe, expect, it } from 'vitest';
import { communeReference } from '../src/data/cog.js';
import { placePostalCode } from '../src/data/postal-codes.js';

/**
 * A town hall whose postal code is mistyped in the préfecture's list — the letter O for a zero
 * (« 75OO4 », « 13OO2 »), as a hurried agent types — in a commune with several postal codes:
 * Paris (21), Marseille (16), Lyon (9). src/data/postal-codes.ts placePostalCode replaces any bad code by
 * « le code postal de la commune », commune.codesPostaux[0]: the Hôtel de Ville de Paris (75004)
 * gets 75001 on its envelope, Marseille's (Quai du Port, 13002) gets 13001 — another district's
 * sorting office — and check says « le code postal de la commune, 75001, est utilisé », which is
 * not true of a commune with 21 codes. A commune with one code may be given it; for one with
 * several, relais cannot know which, and must not say it does.
 */
describe('a mistyped postal code in a commune that has several', () => {
  const ref = communeReference();
  for (const [insee, written] of [
    ['75056', '75OO4'],
    ['13055', '13OO2'],
  ] as const) {
    it(`does not put the first of the commune's codes in place of « ${written} » (${insee})`, () => {
      const commune = ref.commune(insee)!;
      expect(commune.codesPostaux.length).toBeGreaterThan(1);
      const placed = placePostalCode(written, commune);
      // It says « code postal « 75OO4 » mal formé (5 chiffres attendus) : le code postal de la commune, 75001, est utilisé ».
      expect(placed.problem ?? '').not.toMatch(/le code postal de la commune, \d{5}, est utilisé/);
    });
  }
});
