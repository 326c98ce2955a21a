import type * as fontkit from 'fontkit';

/**
 * Pair kerning read straight from a font's GPOS table, as fontkit's layout would apply it, for
 * the letter serializer: it needs the kerning of each pair of characters, not a full OpenType
 * layout of every word.
 */
/** fontkit's parsed OpenType structures, as far as pair kerning reads them. */
type Coverage = { version: 1; glyphs: number[] } | { version: 2; rangeRecords: Array<{ start: number; end: number; startCoverageIndex: number }> };
type ClassDef = { version: 1; startGlyph: number; classValueArray: number[] } | { version: 2; classRangeRecord: Array<{ start: number; end: number; class: number }> };
interface Value {
  xAdvance?: number;
}
type PairPos =
  | { version: 1; coverage: Coverage; pairSets: { get(i: number): Array<{ secondGlyph: number; value1?: Value }> } }
  | { version: 2; coverage: Coverage; classDef1: ClassDef; classDef2: ClassDef; classRecords: { get(i: number): { get(j: number): { value1?: Value } } } };
interface Lookup {
  lookupType: number;
  subTables: Iterable<PairPos | { extension: PairPos; lookupType: number }>;
}
interface Gpos {
  featureList: Array<{ tag: string; feature: { lookupListIndexes: number[] } }>;
  lookupList: { get(i: number): Lookup };
}
export type PairKerning = (first: number, second: number) => number;

function coverageIndex(c: Coverage, glyph: number): number {
  if (c.version === 1) return c.glyphs.indexOf(glyph);
  for (const r of c.rangeRecords) if (r.start <= glyph && glyph <= r.end) return r.startCoverageIndex + glyph - r.start;
  return -1;
}

function classOf(c: ClassDef, glyph: number): number {
  if (c.version === 1) {
    const i = glyph - c.startGlyph;
    return i >= 0 && i < c.classValueArray.length ? c.classValueArray[i]! : 0;
  }
  for (const r of c.classRangeRecord) if (r.start <= glyph && glyph <= r.end) return r.class;
  return 0;
}

/**
 * The `kern` feature's pair adjustments (GPOS lookup type 2, possibly behind extension lookups),
 * applied as fontkit applies them: per lookup, the first subtable that covers the pair. Font
 * units; undefined for a font without GPOS kerning (its text is then set without kerning).
 */
export function pairKerning(font: fontkit.Font): PairKerning | undefined {
  let gpos: Gpos | undefined;
  try {
    gpos = (font as unknown as { GPOS?: Gpos }).GPOS;
  } catch {
    return undefined;
  }
  if (!gpos) return undefined;
  const indexes = [...new Set(gpos.featureList.filter((f) => f.tag === 'kern').flatMap((f) => f.feature.lookupListIndexes))].sort((a, b) => a - b);
  const tables: PairPos[][] = [];
  for (const i of indexes) {
    const lookup = gpos.lookupList.get(i);
    const subs: PairPos[] = [];
    for (const t of lookup.subTables) {
      const type = lookup.lookupType === 9 ? (t as { lookupType: number }).lookupType : lookup.lookupType;
      if (type === 2) subs.push(lookup.lookupType === 9 ? (t as { extension: PairPos }).extension : (t as PairPos));
    }
    if (subs.length) tables.push(subs);
  }
  if (!tables.length) return undefined;
  // Coverage and classes per glyph, memoised: a campaign asks for every pair of its glyphs.
  const memo = new Map<object, Map<number, number>>();
  const cached = (table: object, glyph: number, find: () => number) => {
    let m = memo.get(table);
    if (!m) memo.set(table, (m = new Map()));
    let v = m.get(glyph);
    if (v === undefined) m.set(glyph, (v = find()));
    return v;
  };
  const sets = new Map<object, Map<number, number>>();
  return (first, second) => {
    let total = 0;
    for (const subs of tables) {
      for (const t of subs) {
        const index = cached(t.coverage, first, () => coverageIndex(t.coverage, first));
        if (index < 0) continue;
        if (t.version === 1) {
          const set = t.pairSets.get(index);
          let bySecond = sets.get(set);
          if (!bySecond) sets.set(set, (bySecond = new Map(set.map((p) => [p.secondGlyph, p.value1?.xAdvance ?? 0]))));
          const v = bySecond.get(second);
          if (v === undefined) continue;
          total += v;
        } else {
          const c1 = cached(t.classDef1, first, () => classOf(t.classDef1, first));
          const c2 = cached(t.classDef2, second, () => classOf(t.classDef2, second));
          total += t.classRecords.get(c1).get(c2).value1?.xAdvance ?? 0;
        }
        break;
      }
    }
    return total;
  };
}
