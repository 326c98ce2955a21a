import { describe, expect, it } from 'vitest';
import { sampleWithLetters, setTownHallEmails } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * Monday: impression-45.pdf, version n° 1, 24 letters, Audeville (45012, no email) among them; the
 * mail room prints it. Tuesday: the directory gives Audeville an address; `relais letters` writes
 * version n° 2 without it and says « 1 retirée (Audeville 45012) ». Friday: the mail room says it
 * posted version n° 1: `relais letters --posted --dep 45 --posted-version 1` notes « 23 lettres
 * notées postées (… version n° 1 …) » — the letters of version 1 *still in the last version*
 * (recordPosted in src/letters/posted.ts: held = v.communes.filter(joinedIn <= k.n)). Audeville's
 * letter, posted in version n° 1, is neither noted nor named; the next `send` emails Audeville:
 * one town hall reached twice, by post and by email, without a word.
 *
 * What should happen: a letter that version n° k held and that left the file since (not reached
 * by email) is noted posted with it, or at least named, and no email goes to it afterwards.
 */
describe('--posted-version of a version that held a letter removed since (its town hall got an address)', () => {
  it('does not leave Audeville’s posted letter out, and no email follows it', async () => {
    const dir = await sampleWithLetters();
    setTownHallEmails(dir, '45012', ['mairie@audeville.example']);
    const v2 = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(v2.code, v2.stderr).toBe(0);
    expect(v2.stdout + v2.stderr).toContain('1 retirée (Audeville 45012)');

    const posted = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', '1']);
    // Now: exit 0, « 23 lettres notées postées (fichier à imprimer, version n° 1 …) » for a version of 24.
    const said = (posted.stdout + posted.stderr).split('\n').filter((l) => !l.includes('sans adresse électronique'));
    expect.soft(said.join('\n')).toMatch(/Audeville|45012/);

    const send = await relais(['-C', dir, 'send', '--commune', '45012', '--yes']);
    // Now: « Cette exécution : 1 écrit » — the email to a town hall whose letter was posted.
    expect(send.stdout + send.stderr).not.toMatch(/Cette exécution : 1 écrit/);
  });
});
