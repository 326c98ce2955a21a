import { describe, expect, it } from 'vitest';
import { slug, stripAccents, withArticle, withDe } from '../src/text/french.js';

describe('withDe (charnière)', () => {
  it.each([
    ['Loiret', 2, 'du Loiret'],
    ['Indre-et-Loire', 1, "d'Indre-et-Loire"],
    ['Indre', 5, "de l'Indre"],
    ['Cher', 2, 'du Cher'],
    ['Eure-et-Loir', 1, "d'Eure-et-Loir"],
    ['Loir-et-Cher', 2, 'du Loir-et-Cher'],
    ['Tours', 0, 'de Tours'],
    ['Orléans', 1, "d'Orléans"],
    ['Le Mans', 2, 'du Mans'],
    ['Les Ulis', 4, 'des Ulis'],
    ['La Ferté-Saint-Aubin', 3, 'de La Ferté-Saint-Aubin'],
    ["L'Île-Bouchard", 5, "de L'Île-Bouchard"],
    ['Bouches-du-Rhône', 4, 'des Bouches-du-Rhône'],
    ['Hauts-de-Seine', 4, 'des Hauts-de-Seine'],
  ])('%s (%i) → %s', (name, tncc, expected) => {
    expect(withDe(name, tncc)).toBe(expected);
  });

  it('gives the bare article', () => {
    expect(withArticle('Loiret', 2)).toBe('le Loiret');
    expect(withArticle('Indre', 5)).toBe("l'Indre");
    expect(withArticle('Indre-et-Loire', 1)).toBe('Indre-et-Loire');
  });
});

describe('text helpers', () => {
  it('strips accents and ligatures', () => {
    expect(stripAccents('POUËSSEL Œuvre Châteauroux')).toBe('POUESSEL OEuvre Chateauroux');
  });

  it('slugs without separators or dots', () => {
    expect(slug("L'Île-Bouchard")).toBe('l-ile-bouchard');
    expect(slug('../../etc/passwd')).toBe('etc-passwd');
    expect(slug('a\\b/c\0d')).toBe('a-b-c-d');
    expect(slug('...')).toBe('sans-nom');
  });
});
