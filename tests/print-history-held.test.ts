import { describe, expect, it } from 'vitest';
import { heldBy, nextHistory } from '../src/letters/print-changes.js';

/**
 * The manifest's history of a print file keeps which letters each version held, those that left
 * since included, and which letters were rewritten in it: `letters --posted-version` notes what a
 * version held, `--posted` names what changed since the first version.
 */
describe('a print file’s history (nextHistory, heldBy)', () => {
  const v1 = nextHistory(undefined, ['A', 'B', 'C'], '2026-11-30T08:00:00.000Z', 1, { A: 'a1', B: 'b1', C: 'c1' });

  it('keeps the versions that held a letter gone since, and heldBy gives it for those versions only', () => {
    const v2 = nextHistory(v1, ['A', 'C', 'D'], '2026-11-30T09:00:00.000Z', 1, { A: 'a1', C: 'c1', D: 'd1' });
    const v3 = nextHistory(v2, ['C', 'D'], '2026-11-30T10:00:00.000Z', 1, { C: 'c1', D: 'd1' });
    expect(v3.gone).toEqual([
      { code: 'B', from: 1, to: 1 },
      { code: 'A', from: 1, to: 2 },
    ]);
    expect(heldBy(v3, 1).sort()).toEqual(['A', 'B', 'C']);
    expect(heldBy(v3, 2).sort()).toEqual(['A', 'C', 'D']);
    expect(heldBy(v3, 3).sort()).toEqual(['C', 'D']);
  });

  it('a letter that left and came back is held once, by the versions that held it', () => {
    const v2 = nextHistory(v1, ['A', 'C'], '2026-11-30T09:00:00.000Z', 1, { A: 'a1', C: 'c1' });
    const v3 = nextHistory(v2, ['A', 'B', 'C'], '2026-11-30T10:00:00.000Z', 1, { A: 'a1', B: 'b1', C: 'c1' });
    expect(v3.joined.B).toBe(3);
    expect(heldBy(v3, 1).sort()).toEqual(['A', 'B', 'C']);
    expect(heldBy(v3, 2).sort()).toEqual(['A', 'C']);
    expect(heldBy(v3, 3).sort()).toEqual(['A', 'B', 'C']);
  });

  it('notes the last version that rewrote a letter, and none for a letter unchanged or of unknown hash', () => {
    const v2 = nextHistory(v1, ['A', 'B', 'C'], '2026-11-30T09:00:00.000Z', 1, { A: 'a2', B: 'b1', C: 'c1' });
    const v3 = nextHistory(v2, ['A', 'B', 'C'], '2026-11-30T10:00:00.000Z', 1, { A: 'a2', B: 'b1', C: 'c3' });
    expect(v3.rewritten).toEqual({ A: 2, C: 3 });
    // A history written before hashes were kept says nothing of rewrites.
    const old = { versions: v1.versions, joined: v1.joined, first: v1.first };
    expect(nextHistory(old, ['A', 'B', 'C'], '2026-11-30T09:00:00.000Z', 1, { A: 'x', B: 'y', C: 'z' }).rewritten).toEqual({});
  });
});
