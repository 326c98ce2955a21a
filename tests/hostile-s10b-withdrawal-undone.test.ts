import { describe, expect, it } from 'vitest';
import { isWithdrawn } from '../src/tracker/cells.js';

/**
 * A volunteer who withdrew and came back: platforms and offices write it « Désinscription
 * annulée », « Annulation de la désinscription », « Réinscrit (désinscription annulée) ».
 * src/tracker/signups.ts WITHDRAWN takes any word starting « annul » or « desinscri » as a
 * withdrawal, so these volunteers are left out of the figure the letters print (« pas moins de
 * N volontaires ») and counted among « désinscriptions non comptées ».
 */
describe('a withdrawal undone', () => {
  it('counts « Désinscription annulée » and its wordings as signed up', () => {
    for (const s of ['Désinscription annulée', 'Annulation de la désinscription', 'Réinscrit (désinscription annulée)']) {
      expect(isWithdrawn(s), s).toBe(false);
    }
  });
});
