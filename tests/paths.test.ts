import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { FULL_STRENGTH, recordTally } from './helpers/fuzz.js';

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
    // The campaign three levels down a folder of its own: every ../../ lands in that folder, which
    // is watched whole (other tests come and go in the system's temporary folder meanwhile).
    const box = tempDir('relais-paths-');
    const dir = sampleCampaign(join(box, 'a', 'b', 'campagne'));
    const outsideCampaign = (f: string) => !f.startsWith(join('a', 'b', 'campagne'));
    const outside = snapshot(box).filter(outsideCampaign);
    const cases: string[][] = [];
    // Paths the user names for an output are written where they point, even outside the campaign
    // (`--out /srv/www/suivi.html`): nothing else may appear outside it.
    const explicit: string[] = [];
    const output = (path: string) => {
      explicit.push(relative(box, path));
      return path;
    };
    const all: string[][][] = [];
    for (const bad of BAD_NAMES) {
      all.push([
        ['track', '--out', output(join(dir, 'out', bad))],
        ['track', join(dir, bad)],
        ['status', '--failed', '--csv', output(join(dir, 'out', bad))],
        ['schedule', 'export', output(join(dir, 'out', bad))],
        ['schedule', 'import', join(dir, bad)],
        ['schedule', 'cancel', bad],
        ['schedule', 'add', '--channel', 'x', '--at', 'now', '--template', bad],
        ['preview', bad],
        ['letters', '--commune', bad],
        ['send', '--dep', bad, '--dry-run'],
        ['posts', '--dep', bad],
        ['preview', '45234', '--channel', bad],
        ['init', output(join(dir, 'out', bad, 'sous', '..', '..', bad))],
      ]);
    }
    // `npm run fuzz` tries every name in every argument; `npm test` tries each argument with one
    // name, rotating, so that every name still reaches at least two arguments, one of them naming
    // a file (each run loads the whole campaign: the full cross product alone took a minute and a
    // half of the suite).
    const kinds = all[0]!.length;
    for (let k = 0; k < kinds; k++) {
      for (let n = 0; n < BAD_NAMES.length; n++) {
        if (FULL_STRENGTH || n === k % BAD_NAMES.length) cases.push(all[n]![k]!);
      }
    }
    const asked = (f: string) => explicit.some((e) => f === e || f.startsWith(`${e}${sep}`) || e.startsWith(`${f}${sep}`));
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
    // Only explicit output paths may succeed (a name like "CON" is valid here).
    expect(refused).toBeGreaterThan(cases.length / 2);
    const appeared = snapshot(box).filter(outsideCampaign).filter((f) => !outside.includes(f));
    expect(appeared.filter((f) => !asked(f))).toEqual([]);
    recordTally('paths', [['noms et chemins piégés (arguments de fichier, commune, département, id)', cases.length]]);
  }, FULL_STRENGTH ? 1_200_000 : 300_000);
});
