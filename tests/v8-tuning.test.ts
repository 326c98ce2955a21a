import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLargeInput } from '../src/v8-tuning.js';
import { tempDir } from './helpers/campaign.js';

describe('the interrupt budget of a long run', () => {
  it('is asked for by files as large as a national RNE, together, not by a sample or by files that are not there', () => {
    const dir = tempDir();
    const file = (name: string, size: number) => {
      const path = join(dir, name);
      writeFileSync(path, '');
      // Sparse: the size is what is read, not the bytes.
      truncateSync(path, size);
      return path;
    };
    const sampleMayors = file('maires.csv', 215_658);
    const sampleDirectory = file('annuaire.json', 1_730_747);
    const nationalMayors = file('maires-national.csv', 4_295_123);
    const half = file('moitie.csv', 2 << 20);
    expect(isLargeInput([sampleMayors, sampleDirectory])).toBe(false);
    expect(isLargeInput([nationalMayors])).toBe(true);
    expect(isLargeInput([half, half])).toBe(true);
    expect(isLargeInput([half, join(dir, 'absent.csv')])).toBe(false);
    expect(isLargeInput([])).toBe(false);
  });
});
