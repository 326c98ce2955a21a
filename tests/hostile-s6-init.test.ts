import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * `relais init "Ma campagne été"`: the next step it prints is meant to be copied into the
 * terminal. It used to read « relais -C /tmp/…/Ma campagne été check », which the shell splits
 * into three arguments.
 */
describe('init into a folder whose name has a space', () => {
  it('prints a next command that can be pasted as it is', async () => {
    const dir = join(tempDir(), 'Ma campagne été');
    const r = await relais(['init', dir]);
    expect(r.code).toBe(0);
    const quoted = [`-C "${dir}"`, `-C '${dir}'`, `-C ${dir.replace(/ /g, '\\ ')}`];
    expect(quoted.some((q) => r.stdout.includes(q)), r.stdout).toBe(true);
  });
});
