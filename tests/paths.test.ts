import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { recordTally } from './helpers/fuzz.js';

/**
 * Names that try to leave their folder or break the file system — `../`, absolute paths,
 * backslashes, NUL, names longer than the system allows — in every argument that names a file,
 * a commune, a département or an id. Each gets a French error with a non-zero exit, never a
 * stack trace, and nothing is written outside the campaign.
 */
// (A NUL byte cannot reach a command line: the system refuses it before relais starts.)
const BAD_NAMES = ['../../evadé', '/etc/relais-evade', '..\\..\\evade', `${'x'.repeat(300)}.csv`, 'CON', ''];

function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

describe('paths and names that try to escape', () => {
  it('every file, commune, département and id argument: a French refusal, nothing written outside', async () => {
    const dir = sampleCampaign();
    const parent = dirname(dir);
    const outside = snapshot(parent).filter((f) => !f.startsWith(dir.slice(parent.length + 1)));
    const cases: string[][] = [];
    for (const bad of BAD_NAMES) {
      cases.push(
        ['track', '--out', join(dir, 'out', bad)],
        ['track', join(dir, bad)],
        ['status', '--failed', '--csv', join(dir, 'out', bad)],
        ['schedule', 'export', join(dir, 'out', bad)],
        ['schedule', 'import', join(dir, bad)],
        ['schedule', 'cancel', bad],
        ['preview', bad],
        ['letters', '--commune', bad],
        ['send', '--dep', bad, '--dry-run'],
        ['init', join(dir, 'out', bad, 'sous', '..', '..', bad)],
      );
    }
    let refused = 0;
    for (const args of cases) {
      const run = await relais(['-C', dir, ...args]);
      const shown = JSON.stringify(args);
      expect(run.stderr, shown).not.toMatch(/\n\s+at |TypeError|ERR_[A-Z_]+|undefined/);
      if (run.code !== 0) {
        refused++;
        // A French message on stderr: relais's own error line, or its report of the file.
        expect(run.stderr, shown).toMatch(/^relais : |Fichier illisible|introuvable/m);
      }
    }
    // Only explicit output paths inside the campaign may succeed (a name like "CON" is valid here).
    expect(refused).toBeGreaterThan(cases.length / 2);
    expect(snapshot(parent).filter((f) => !f.startsWith(dir.slice(parent.length + 1)))).toEqual(outside);
    recordTally('paths', [['noms et chemins piégés (arguments de fichier, commune, département, id)', cases.length]]);
  }, 240_000);
});
