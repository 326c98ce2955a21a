import { describe, expect, it } from 'vitest';
import { communeReference } from '../src/data/cog.js';
import { departementOf } from '../src/tracker/cells.js';

/**
 * CEDEX codes are not in La Poste's list of communes; `track` then takes the département from the
 * code's first digits (« 45057 » Orléans Cedex → Loiret), three of them overseas (src/tracker/
 * cells.ts departementOf). Two cases go wrong:
 *
 * - « 97743 Saint-Denis Cedex 9 » is La Réunion's own (the préfecture's and the ARS's address): its
 *   first three digits « 977 » are taken for Saint-Barthélemy, a collectivity whose only postal code
 *   is 97133 (and Saint-Martin's 97150, never 978xx). For an ARS La Réunion campaign, a volunteer
 *   who gives the CEDEX code of the hospital or office where they work is silently counted out of
 *   the région, in Saint-Barthélemy. The user expects 974.
 * - Corsica's CEDEX codes (« 20188 Ajaccio Cedex 9 », « 20401 Bastia Cedex ») are rejected
 *   (« département introuvable »), while every mainland CEDEX code is read: the first digits of a
 *   Corsican code say which département too (200–201 Corse-du-Sud, 202–206 Haute-Corse, as the
 *   ordinary codes 20000 Ajaccio and 20200 Bastia are read). The user expects 2A and 2B.
 */
const ref = communeReference();

describe('track: CEDEX postal codes overseas and in Corsica', () => {
  it('counts La Réunion’s CEDEX code 97743 in La Réunion, not in Saint-Barthélemy', () => {
    expect(departementOf(ref, '', '97400', '')).toBe('974');
    expect(departementOf(ref, '', '97743', '')).toBe('974');
  });

  it('reads Corsica’s CEDEX codes as it reads the mainland’s', () => {
    expect(departementOf(ref, '', '45057', '')).toBe('45');
    expect(departementOf(ref, '', '20188', '')).toBe('2A');
    expect(departementOf(ref, '', '20401', '')).toBe('2B');
  });
});
