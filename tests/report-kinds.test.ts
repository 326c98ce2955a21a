import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIND_LABELS } from '../src/cli/report.js';
import { ROOT } from './helpers/cli.js';

describe('the headings of relais check', () => {
  it('name every kind of problem relais reports in French, never by its code', () => {
    const src = join(ROOT, 'src');
    const files = readdirSync(src, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
    const kinds = new Set<string>();
    for (const f of files) for (const m of readFileSync(join(src, f), 'utf8').matchAll(/\b(?:error|warning|info)\('([a-z-]+)'/g)) kinds.add(m[1]!);
    expect(kinds.size).toBeGreaterThan(30);
    expect([...kinds].filter((k) => !KIND_LABELS[k])).toEqual([]);
  });
});
