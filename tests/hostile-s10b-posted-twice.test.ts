import { describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * Two agents of the préfecture's mail room: one posts impression-45.pdf and runs `relais letters
 * --posted --dep 45` (24 letters noted, the print file deleted: nothing left to post); the other,
 * not knowing, runs the same command. relais answers « aucun fichier à imprimer n'a encore été
 * écrit pour 45 : lancez « relais letters », imprimez et postez les fichiers, puis « relais
 * letters --posted » » (exit 1): untrue — it was written, and its 24 letters are noted posted —
 * and it sends the agent to print and post again. src/letters/posted.ts recordPosted reads only
 * the manifest's print-file entries, which the rewrite after --posted deleted; the journal knows
 * the letters are posted. `--previous` gets the same answer.
 */
describe('relais letters --posted run again after every letter of the département is noted posted', () => {
  it('says the letters are already noted posted, not that no print file was ever written', async () => {
    const dir = await sampleWithLetters();
    const first = await relais(['-C', dir, 'letters', '--posted', '--dep', '45']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('24 lettres notées postées');

    const again = await relais(['-C', dir, 'letters', '--posted', '--dep', '45']);
    const said = again.stdout + again.stderr;
    // It says « aucun fichier à imprimer n'a encore été écrit pour 45 : lancez « relais letters », imprimez et postez… ».
    expect(said).not.toContain("n'a encore été écrit");
    expect(said).toMatch(/24 lettres[^\n]*postées/);
  });
});
