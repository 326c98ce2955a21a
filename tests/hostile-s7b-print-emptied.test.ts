import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * A print file whose every town hall has since got an address (a new directory export, an office
 * that collected the missing addresses): src/letters/generate.ts skips a département with nothing
 * to print (`if (communes.length || !toPrint.length) continue;`) before it compares with the
 * manifest's `#communes`. The old out/lettres/45/impression-45.pdf, 24 letters, stays on disk as
 * if current, `letters` says nothing of it (no « 24 lettres retirées depuis la version du … »),
 * and the manifest still lists its communes. Whoever posts what is in out/ posts 24 letters to
 * town halls that the emails reach too.
 */
describe('a print file whose town halls all got an address since', () => {
  it('is not left in out/ as if current, and letters says its letters went out', async () => {
    const dir = await sampleWithLetters();
    const print = join(dir, 'out', 'lettres', '45', 'impression-45.pdf');
    const first = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('impression-45.pdf : 24 lettres à imprimer');

    const path = join(dir, 'data', 'annuaire-mairies.json');
    const records = JSON.parse(readFileSync(path, 'utf8')) as Array<{ code_insee_commune: string; pivot: Array<{ type_service_local: string }>; adresse_courriel: string[] }>;
    let given = 0;
    for (const r of records) {
      if (r.code_insee_commune.startsWith('45') && r.pivot[0]?.type_service_local === 'mairie' && r.adresse_courriel.length === 0) {
        r.adresse_courriel = [`mairie@${r.code_insee_commune}.example`];
        given++;
      }
    }
    expect(given).toBe(24);
    writeFileSync(path, JSON.stringify(records));

    const after = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(after.code, after.stderr).toBe(0);
    // Today: « 0 lettre écrite, 325 inchangées », the 24-letter print file still in out/.
    expect(after.stdout + after.stderr).toContain('impression-45.pdf');
    expect(existsSync(print)).toBe(false);
  });
});
