import { describe, expect, it } from 'vitest';
import { communeReference } from '../src/data/cog.js';
import { placePostalCode } from '../src/data/postal-codes.js';

/**
 * ARS Guadeloupe, Saint-Martin et Saint-Barthélemy: its campaign writes to the two collectivités
 * too. Their town halls' addresses, as every directory gives them: « Hôtel de la Collectivité,
 * BP 113, 97098 Saint-Barthélemy Cedex » and « BP 374, Marigot, 97054 Saint-Martin Cedex ». Their
 * CEDEX codes start with 970, not with the collectivité's « département » code (977, 978):
 * src/data/postal-codes.ts placePostalCode only accepts a CEDEX code that starts with the département's
 * code, then finds « 97098 CEDEX » « mal formé (5 chiffres attendus) », drops the CEDEX code from
 * the envelope for 97133, and tells the user to « corriger la ligne » that is right. The same for
 * a code written « 45043 Cédex 1 » (accented, as half the town-hall lists write it) or with the
 * locality in the cell (« 45043 ORLEANS CEDEX 1 »): a correct CEDEX address called malformed and
 * replaced by the ordinary code.
 */
describe('a CEDEX code the check does not know', () => {
  const ref = communeReference();
  const commune = (code: string) => {
    const c = ref.commune(code);
    if (!c) throw new Error(`${code} absent de la référence`);
    return c;
  };

  it('keeps the CEDEX codes of Saint-Barthélemy (97098) and Saint-Martin (97054)', () => {
    // The code kept, its CEDEX printed after the locality (« 97098 SAINT-BARTHELEMY CEDEX »), no problem said.
    expect(placePostalCode('97098 CEDEX', commune('97701'))).toEqual({ code: '97098', cedex: 'CEDEX' });
    expect(placePostalCode('97054 CEDEX', commune('97801'))).toEqual({ code: '97054', cedex: 'CEDEX' });
  });

  it('keeps a CEDEX code written « Cédex » or with the locality in the cell', () => {
    expect(placePostalCode('45043 Cédex 1', commune('45234')).code).toMatch(/^45043\b/);
    expect(placePostalCode('45043 ORLEANS CEDEX 1', commune('45234')).code).toMatch(/^45043\b/);
  });
});
