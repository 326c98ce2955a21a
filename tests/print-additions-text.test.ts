import { describe, expect, it } from 'vitest';
import { additionsListPath, additionsListText, findVersion, historyFrom, nextHistory, versionName } from '../src/letters/print-changes.js';

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

describe('a print file’s versions since its last --posted', () => {
  it('counts a letter from the version it joined in, and a rewrite with the same letters changes no one’s', () => {
    const v1 = nextHistory(undefined, ['45001'], '2026-11-30T08:00:00.000Z');
    const v2 = nextHistory(v1, ['45001', '45002'], '2026-11-30T09:00:00.000Z');
    const v3 = nextHistory(v2, ['45001', '45002', '45003'], '2026-11-30T10:00:00.000Z');
    expect(v3.joined).toEqual({ '45001': 1, '45002': 2, '45003': 3 });
    expect(v3.versions.map((v) => [v.n, v.letters])).toEqual([[1, 1], [2, 2], [3, 3]]);
    const rewritten = nextHistory(v2, ['45002', '45001'], '2026-11-30T10:00:00.000Z');
    expect(rewritten.joined).toEqual({ '45001': 1, '45002': 2 });
    expect(rewritten.versions.at(-1)!.n).toBe(3);
    expect(rewritten.first).toEqual(['45001']);
  });

  it('a letter that left the file and came back joins it again', () => {
    const v1 = nextHistory(undefined, ['45001', '45002'], 'a');
    const v2 = nextHistory(v1, ['45001'], 'b');
    expect(nextHistory(v2, ['45001', '45002'], 'c').joined).toEqual({ '45001': 1, '45002': 3 });
  });

  it('reads the last two versions an older manifest kept', () => {
    expect(historyFrom({ communes: '["45001","45002"]', date: 'd2', previous: '["45001"]', previousDate: 'd1' })).toEqual({
      versions: [
        { n: 1, date: 'd1', letters: 1 },
        { n: 2, date: 'd2', letters: 2 },
      ],
      joined: { '45001': 1, '45002': 2 },
      first: ['45001'],
    });
    expect(historyFrom({ communes: '["45001"]', date: 'd1' })?.joined).toEqual({ '45001': 1 });
    expect(historyFrom({})).toBeUndefined();
  });

  it('finds the version named by its number or its date, and says when a date names several', () => {
    const h = nextHistory(nextHistory(nextHistory(undefined, ['1'], '2026-11-30T08:00:10.000Z'), ['1', '2'], '2026-11-30T08:00:50.000Z'), ['1', '2', '3'], '2026-12-01T09:30:00.000Z');
    expect(findVersion(h, '2').map((v) => v.n)).toEqual([2]);
    expect(findVersion(h, 'n° 3').map((v) => v.n)).toEqual([3]);
    expect(findVersion(h, '4')).toEqual([]);
    // As letters shows it (Paris time): 01/12/2026 à 10:30.
    expect(findVersion(h, '01/12/2026 à 10:30').map((v) => v.n)).toEqual([3]);
    expect(findVersion(h, '30/11/2026 à 09:00').map((v) => v.n)).toEqual([1, 2]);
    expect(findVersion(h, '2026-11-30T08:00:50').map((v) => v.n)).toEqual([2]);
    expect(versionName(h.versions[2]!)).toBe('n° 3 du 01/12/2026 à 10:30');
  });

  it('writes in the list of additions the version each letter joined in', () => {
    const text = additionsListText('impression-45.pdf', '', 1, [{ code: '45002', nom: 'Aillant', path: 'out/lettres/45/45002-aillant.pdf', version: { n: 2, date: '2026-11-30T09:00:00.000Z' } }], []);
    expect(text).toContain('out/lettres/45/45002-aillant.pdf\tAillant 45002\tajoutée en version n° 2 du 30/11/2026 à 10:00\n');
  });
});

describe('the list of additions after a numbered version', () => {
  it('names that version by its number and date', () => {
    const text = additionsListText('impression-45.pdf', { n: 1, date: '2026-11-30T08:00:00.000Z' }, 24, [{ code: '45001', nom: 'Adon', path: 'out/lettres/45/45001-adon.pdf', version: { n: 2, date: '2026-11-30T09:00:00.000Z' } }], []);
    expect(text.split('\n')[0]).toBe('Fichier à imprimer impression-45.pdf : 1 lettre ajoutée depuis sa version n° 1 du 30/11/2026 à 09:00 (24 lettres).');
  });
});
