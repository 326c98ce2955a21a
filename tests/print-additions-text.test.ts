import { describe, expect, it } from 'vitest';
import { additionsListPath, additionsListText } from '../src/letters/print-changes.js';

describe('the list of letters added to a print file', () => {
  it('sits beside the print file', () => {
    expect(additionsListPath('/c/out/lettres/45/impression-45.pdf')).toBe('/c/out/lettres/45/impression-45-ajouts.txt');
  });

  it('names every letter added, one a line, and those removed', () => {
    const added = Array.from({ length: 1200 }, (_, i) => ({ code: String(45001 + i), nom: `Commune ${i}`, path: `out/lettres/45/${45001 + i}-commune-${i}.pdf` }));
    const text = additionsListText('impression-45.pdf', '2026-11-30T12:44:00.000Z', 24, added, [{ code: '45234', nom: 'Orléans', path: '' }]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Fichier à imprimer impression-45.pdf : 1\u202f200 lettres ajoutées depuis sa version du 30/11/2026 à 13:44 (24 lettres).');
    expect(lines.filter((l) => /^out\/lettres\/45\/\d{5}-commune-\d+\.pdf\tCommune \d+ \d{5}$/.test(l))).toHaveLength(1200);
    expect(text).toContain('1 lettre retirée depuis cette version :\n\nOrléans 45234\n');
  });

  it('speaks of one letter in the singular', () => {
    const text = additionsListText('impression-45.pdf', '', 1, [{ code: '45001', nom: 'Adon', path: 'out/lettres/45/45001-adon.pdf' }], []);
    expect(text).toContain('1 lettre ajoutée depuis sa version précédente (1 lettre)');
    expect(text).toContain("n'imprimez que cette lettre");
    expect(text).not.toContain('retirée');
  });
});
