import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * A mail room that deletes (or moves) the print file once printed, then notes it posted: relais
 * never leaves that place empty itself (the new file is put in before the manifest), so the version
 * the manifest describes is the one printed, and it is noted as before. After a « letters --all »,
 * the file printed held every letter: refused, nothing noted.
 */
describe('letters --posted when the print file is no longer on disk', () => {
  it('notes the version the manifest describes', async () => {
    const dir = await sampleWithLetters();
    rmSync(join(dir, 'out', 'lettres', '45', 'impression-45.pdf'));
    const posted = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--yes']);
    expect(posted.code, posted.stderr).toBe(0);
    expect(posted.stdout + posted.stderr).toMatch(/24 lettres/);
  });

  it('refuses when the last file written was a --all one', async () => {
    const dir = await sampleWithLetters();
    expect((await relais(['-C', dir, 'letters', '--all', '--dep', '45'])).code).toBe(0);
    rmSync(join(dir, 'out', 'lettres', '45', 'impression-45.pdf'));
    const posted = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--yes']);
    expect(posted.code).toBe(1);
    expect(posted.stderr).toMatch(/n'existe plus, et le dernier écrit était un « relais letters --all »/);
  });
});
