import { describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * findVersion (src/letters/print-changes.ts) matches a date by prefix: `frenchDateTime(v.date)
 * .startsWith(text)`. An empty `--posted-version` — a mail room's script calling
 * `--posted-version "$VERSION"` with the variable unset — is a prefix of every date: with one
 * version in the file it names that version, and 24 letters are noted posted that nobody named.
 * An empty value should be a usage error (exit 2), nothing noted.
 */
describe('letters --posted --posted-version "" (an empty value)', () => {
  it('is a usage error and notes nothing', async () => {
    const dir = await sampleWithLetters();
    const posted = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--posted-version', '']);
    // Now: exit 0, « Département 45 : 24 lettres notées postées (fichier à imprimer, version n° 1 …) ».
    expect(posted.stdout).not.toContain('notées postées');
    expect(posted.code).toBe(2);
  });
});
