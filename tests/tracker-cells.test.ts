import { describe, expect, it } from 'vitest';
import { communeReference } from '../src/data/cog.js';
import { isWithdrawn } from '../src/tracker/signups.js';

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
