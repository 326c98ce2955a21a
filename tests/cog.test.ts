import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPACT_COMMUNES, CommuneReference, type CompactCommunes, codePrefix, communesSource, compactCommunes, publishedCommunes } from '../src/data/cog.js';
import { COG_YEARS, cogYear } from '../src/data/cog-year.js';
import { ROOT } from './helpers/cli.js';

/**
 * The commune reference is read from a compact index (dist/cog/communes.json, written by the
 * build) instead of the package's 8.6 MB file. Whatever relais looks up must be what the package
 * says: every commune, former code and arrondissement, in the package's order.
 */
describe('the compact commune index', () => {
  const published = publishedCommunes();
  const { source } = communesSource();
  const reference = (compact: CompactCommunes) => new CommuneReference({ departements: [], regions: [] }, () => compact);

  it('gives every commune, former code and arrondissement of the package, each département in order', () => {
    const ref = reference(compactCommunes(published, source));
    // Compared as JSON text: 35,000 expectations, or a deep comparison of two such maps, take minutes.
    const same = (a: unknown, b: unknown) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    same([...published.communes.keys()].map((code) => ref.commune(code)), [...published.communes.values()]);
    same([...ref.communes], [...published.communes]);
    same([...ref.formerCodes], [...published.formerCodes]);
    same([...published.arrondissements.keys()].map((code) => ref.arrondissement(code)), [...published.arrondissements.values()].map((a) => ({ nom: a.nom, commune: published.communes.get(a.commune) })));
    const departements = [...new Set([...published.communes.values()].map((c) => c.departement))];
    expect(departements.length).toBeGreaterThan(100);
    same(departements.map((dep) => ref.communesOf(dep)), departements.map((dep) => [...published.communes.values()].filter((c) => c.departement === dep)));
    const byPostalCode = new Map<string, string[]>();
    for (const c of published.communes.values()) for (const cp of c.codesPostaux) byPostalCode.set(cp, [...(byPostalCode.get(cp) ?? []), c.code]);
    expect(byPostalCode.size).toBeGreaterThan(5000);
    same([...byPostalCode.keys()].map((cp) => ref.communesByPostalCode(cp).map((c) => c.code)), [...byPostalCode.values()]);
    expect(ref.communesByPostalCode('99999')).toEqual([]);
    // Paris's arrondissements and a few codes that are no commune.
    expect(ref.arrondissement('75105')?.commune.code).toBe('75056');
    for (const code of ['', '4', '45999', '99999', '2C001', 'toString', '__proto__']) expect(ref.commune(code), code).toBeUndefined();
  });

  it('groups overseas communes under three characters, Corsica under 2A and 2B', () => {
    expect(['45234', '97411', '2A004', '2B033', '98735'].map(codePrefix)).toEqual(['45', '974', '2A', '2B', '987']);
  });

  it('is written by the build from the installed package, which it names', () => {
    const file = join(ROOT, COMPACT_COMMUNES);
    // `npm test` builds first; run alone from the sources, this test has nothing to look at.
    expect(existsSync(file)).toBe(true);
    const built = JSON.parse(readFileSync(file, 'utf8')) as CompactCommunes;
    expect(built.source).toEqual(source);
    expect(JSON.stringify(built)).toBe(JSON.stringify(compactCommunes(published, source)));
  });

  it('is of a year relais knows (messages name it): a new version of the package needs its year in COG_YEARS', () => {
    // The package's README gives each version's year (« millésime ») in a table: 2026 | 6.0.0.
    const readme = readFileSync(join(ROOT, 'node_modules/@etalab/decoupage-administratif/README.md'), 'utf8');
    const year = COG_YEARS[source.version];
    expect(year, `@etalab/decoupage-administratif ${source.version}`).toBeDefined();
    expect(readme).toMatch(new RegExp(`^\\|\\s*${year}\\s*\\|\\s*${source.version.replace(/\./g, '\\.')}\\s*\\|`, 'm'));
    expect(cogYear()).toBe(year);
  });
});
