import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * A campaign narrowed after a first run: the Indre-et-Loire leaves it (its préfecture writes its
 * own letter), campagne.yaml keeps the Loiret alone, and `relais letters` is run again. Its report
 * names out/lettres/45/impression-45.pdf only; out/lettres/37/impression-37.pdf (17 letters signed
 * for a département no longer in the campaign) and its 272 letters stay in out/lettres/, unnamed,
 * and `status` speaks of the Loiret alone. The préfecture's agent prints « every print file in
 * out/lettres/ », or the folder is copied to the print shop's USB key: 17 letters go out in the
 * name of a campaign the Indre-et-Loire left. A user expects the print file of a département no
 * longer in the campaign to be removed, or at least named by `relais letters` as left from an
 * earlier run (not to print).
 */
describe('relais letters after a département left the campaign', () => {
  it('removes or names the print file the departed département left in out/lettres/', async () => {
    const dir = await sampleWithLetters();
    const print37 = join(dir, 'out', 'lettres', '37', 'impression-37.pdf');
    expect(existsSync(print37)).toBe(true);
    const yamlPath = join(dir, 'campagne.yaml');
    const yaml = readFileSync(yamlPath, 'utf8');
    const loiretOnly = yaml.replace(/\n {2}"37":\n(?: {4}.*\n)+/, '\n');
    expect(loiretOnly).not.toBe(yaml);
    writeFileSync(yamlPath, loiretOnly);

    // status counts the Loiret alone, and names what the Indre-et-Loire left on disk (not to print).
    const status = await relais(['-C', dir, 'status', '--json']);
    const doc = JSON.parse(status.stdout) as { departements: Array<{ code: string }>; departementsRetires: unknown[] };
    expect(doc.departements.map((d) => d.code)).toEqual(['45']);
    expect(doc.departementsRetires).toEqual([{ departement: '37', lettres: 272, impression: 'out/lettres/37/impression-37.pdf', impressionModifiee: null }]);

    const r = await relais(['-C', dir, 'letters']);
    expect(r.code).toBe(0);
    const said = r.stdout + r.stderr;
    // Now: the file is still there and nothing names it.
    expect(!existsSync(print37) || said.includes('impression-37.pdf')).toBe(true);
    // Removed, and said: the letters relais wrote for the 37 with it.
    expect(existsSync(print37)).toBe(false);
    expect(said).toMatch(/département 37 : 272 lettres et le fichier à imprimer out\/lettres\/37\/impression-37\.pdf .*supprimés/);
  });
});
