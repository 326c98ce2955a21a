import { describe, expect, it } from 'vitest';
import { DETAILED, ProblemList, problemCount } from '../src/problems.js';

describe('problemCount', () => {
  it('counts every problem a summary line folds, not the line as one', () => {
    const list = new ProblemList();
    for (let i = 0; i < DETAILED + 100; i++) list.warning('fiche-rejetee', `fiche ${i}`, { file: 'a.json', line: i + 2 });
    for (let i = 0; i < 41; i++) list.warning('adresse-vide', `mairie ${i}`, { file: 'a.json', line: i + 5000 });
    list.error('code-insee-inconnu', 'code 99999', { file: 'b.csv', line: 3 });
    // The list stays bounded: a thousand detailed, then one line for the hundred others.
    expect(list.warnings).toHaveLength(DETAILED + 1 + 41);
    expect(problemCount(list.warnings)).toBe(DETAILED + 100 + 41);
    expect(problemCount(list.errors)).toBe(1);
    expect(problemCount([])).toBe(0);
  });

  it('keeps the count when a summary is handed over to another list', () => {
    const inner = new ProblemList();
    for (let i = 0; i < DETAILED + 2500; i++) inner.warning('inscription-rejetee', `ligne ${i}`, { file: 'x.csv', line: i + 2 });
    const outer = new ProblemList();
    for (const p of inner.items) outer.add(p);
    expect(problemCount(outer.warnings)).toBe(DETAILED + 2500);
  });
});
