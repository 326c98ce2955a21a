import { describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { relais, relaisJson } from './helpers/cli.js';

/**
 * `relais letters --all --dep 45` (every commune, « for another use »: an archive, a copy for the
 * sous-préfectures) writes its 325 letters to the same out/lettres/45/impression-45.pdf, the file
 * the mail room prints and posts; its report line says « 325 lettres à imprimer ». The mail room
 * prints it and posts it, then the agent runs `relais letters --posted --dep 45 --yes`, as the
 * README says. relais answers « 24 lettres notées postées (fichier à imprimer, version n° 1…) »,
 * removes the file (« plus aucune lettre à poster ») and says nothing of the 301 other letters
 * that were in the file on disk: those town halls get the email at the next `relais send` as well
 * — two letters each, against « every town hall reached exactly once ». A user expects
 * `--posted` to see that the print file on disk is the `--all` one (the manifest knows it) and
 * to refuse or to say so, naming it, rather than noting version n° 1 and deleting the evidence.
 */
describe('relais letters --posted after letters --all', () => {
  it('does not note version n° 1 posted in silence when the file on disk held every commune', async () => {
    const dir = await sampleWithLetters();
    const all = await relais(['-C', dir, 'letters', '--all', '--dep', '45']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/impression-45\.pdf : 325 lettres/);

    const posted = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--yes']);
    const said = posted.stdout + posted.stderr;
    // Now: exit 0, « 24 lettres notées postées (… version n° 1 …) », the file deleted, no word of --all.
    expect(posted.code, said).toBe(1);
    expect(said).toMatch(/rien n'est noté posté/);
    expect(said).toMatch(/--all/);
    // Nothing noted: the print file is still there, none of its letters said posted.
    expect(existsSync(join(dir, 'out', 'lettres', '45', 'impression-45.pdf'))).toBe(true);
    const status = await relaisJson<Record<string, unknown>>(['-C', dir, 'status']);
    const json = JSON.stringify(status.json);
    expect(json).toContain('"lettresPostees"');
    expect(json).not.toMatch(/"lettresPostees":[1-9]/);
  });
});
