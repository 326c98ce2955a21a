import { describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * The README's step 10–11 followed: letters written, the print files printed and posted, noted with
 * `relais letters --posted` (which then removes the print files: « plus aucune lettre à poster dans
 * ce département »). `relais status` then says of each département « lettres : 272 (fichier à
 * imprimer pas encore écrit : relais letters) »: untrue — it was written, printed and posted — and
 * its advice leads nowhere (`relais letters` writes nothing, no print file).
 * Likely cause: src/cli/status.ts prints that phrase whenever no print file is in out/lettres/<dép>/
 * and the département has town halls by post, without reading the letters noted posted in the journal.
 */
describe('status once every letter of the print files is noted posted', () => {
  it('does not say the print file is not written yet, nor send the user to relais letters', async () => {
    const dir = await sampleWithLetters();
    const posted = await relais(['-C', dir, 'letters', '--posted']);
    expect(posted.code, posted.stderr).toBe(0);
    expect(posted.stdout + posted.stderr).toMatch(/17 lettres notées postées/);

    const status = await relais(['-C', dir, 'status']);
    expect(status.code).toBe(0);
    const line37 = status.stdout.split('\n').find((l) => l.startsWith('37 Indre-et-Loire'));
    expect(line37).toBeDefined();
    // Today: « lettres : 272 (fichier à imprimer pas encore écrit : relais letters) ».
    expect(line37).not.toMatch(/pas encore écrit/);
  });
});
