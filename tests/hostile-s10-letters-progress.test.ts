import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { BIN } from './helpers/cli.js';
import { ensureDebianPackage } from './helpers/debian.js';

/**
 * Occitanie from the préfecture's own list, without email addresses: 4 446 letters, all by post.
 * On the terminal `relais letters` counts « Lettres 8 892 / 8 892 — 907 par seconde », then prints
 * « 4 446 lettres écrites »: each letter copied into its print file is counted as one more letter,
 * and the rate and the time left are computed on that double count. With the usual share of
 * town halls without an address it is « 4 783 » for 4 446. Shown here on the Loiret of the sample
 * (325 communes, 24 by post): « Lettres 349 / 349 », « 325 lettres écrites ».
 */
function onTerminal(args: string[]): { code: number | null; stderr: string } {
  ensureDebianPackage('/usr/bin/script', 'bsdutils');
  const command = `stty cols 120 rows 40; exec ${[process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ')} > /dev/null`;
  const r = spawnSync('script', ['-qefc', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '' } });
  return { code: r.status, stderr: r.stdout };
}

describe('the progress of relais letters for a département, on a terminal', () => {
  it('counts the letters it writes, not each letter once more for its copy in the print file', () => {
    const dir = sampleCampaign();
    const { code, stderr } = onTerminal(['-C', dir, 'letters', '--dep', '45']);
    expect(code).toBe(0);
    const frames = [...stderr.matchAll(/Lettres ([\d  ]+) \/ ([\d  ]+)/g)].map((m) => ({ done: Number(m[1]!.replace(/\D/g, '')), total: Number(m[2]!.replace(/\D/g, '')) }));
    expect(frames.length, 'no progress drawn: nothing to check').toBeGreaterThan(0);
    // The Loiret has 325 communes, one letter each; 24 of them are also copied into impression-45.pdf.
    const last = frames.at(-1)!;
    expect(`Lettres ${last.done} / ${last.total}`, 'the progress says more letters than there are').toBe('Lettres 325 / 325');
    for (const f of frames) expect(f.total).toBe(325);
  });
});
