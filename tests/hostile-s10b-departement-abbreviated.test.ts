import { describe, expect, it } from 'vitest';
import { communeReference } from '../src/data/cog.js';
import { departementWritten } from '../src/tracker/cells.js';

/**
 * Départements written out are read now (« 37 - Indre-et-Loire », « Indre et Loire »), by a loose
 * comparison with the reference's names (src/tracker/signups.ts departementWritten). Two ways
 * offices and platforms write them still make the volunteer « département introuvable », the row
 * rejected and the volunteer left out of the figure the letters print:
 * - « Saint » abbreviated « St » (« 93 - Seine St Denis », « Seine-St-Denis »), as every
 *   spreadsheet that ran out of column width does;
 * - the Rhône's two collectivités since 2015 as INSEE codes them and as drop-down lists of
 *   collectivités show them (« 69M - Métropole de Lyon », « 69D - Rhône »): both are in
 *   département 69.
 */
describe('a département written with « St » or as the Lyon metropolis', () => {
  const ref = communeReference();

  it('reads « 93 - Seine St Denis » and « Seine-St-Denis » as 93', () => {
    expect(departementWritten(ref, '93 - Seine St Denis')).toBe('93');
    expect(departementWritten(ref, 'Seine-St-Denis')).toBe('93');
  });

  it('reads « 69M - Métropole de Lyon » and « 69D - Rhône » as 69', () => {
    expect(departementWritten(ref, '69M - Métropole de Lyon')).toBe('69');
    expect(departementWritten(ref, '69D - Rhône')).toBe('69');
  });
});
