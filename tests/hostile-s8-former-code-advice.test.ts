import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * An RNE export older than the commune reference still has a row for a commune that has since
 * merged into its neighbour (a commune nouvelle): here 37215, whose code the published reference
 * lists among Amboise's (37003) former codes — and Amboise has its own mayor at line 894.
 * `relais check` says « 37215 est le code d'une ancienne commune, aujourd'hui Amboise (37003) :
 * utilisez 37003 ». Followed to the letter, that advice gives the next error: « Amboise (37003)
 * apparaît deux fois (déjà ligne 894) ». A row of a merged commune whose successor already has its
 * mayor is not a code to change but a row to remove (the mayor of a commune that no longer exists).
 * Likely cause: locate() in src/campaign/communes.ts gives the same advice whatever the file holds.
 */
interface Check {
  errors: Array<{ kind: string; message: string; file?: string; line?: number }>;
}

describe('an RNE row under the former code of a commune whose successor has its own mayor', () => {
  it('is not answered « utilisez 37003 », which makes Amboise appear twice', async () => {
    const dir = sampleCampaign();
    const maires = join(dir, 'data', 'maires.csv');
    expect(readFileSync(maires, 'utf8')).toMatch(/\n37;Indre-et-Loire;;;37003;Amboise;/);
    appendFileSync(maires, '37;Indre-et-Loire;;;37215;Saint-Denis-Hors;MARTIN;Paul;M;01/01/1960;33;Cadres;23/03/2014;23/03/2014\n');
    const first = await relaisJson<Check>(['-C', dir, 'check']);
    const former = first.json.errors.find((p) => p.kind === 'code-insee-ancien');
    expect(former?.message).toMatch(/37215/);

    // The advice followed as written.
    const advised = /utilisez (\d{5})/.exec(former!.message)?.[1];
    if (advised) {
      writeFileSync(maires, readFileSync(maires, 'utf8').replace(';37215;Saint-Denis-Hors;', `;${advised};Saint-Denis-Hors;`));
      const second = await relaisJson<Check>(['-C', dir, 'check']);
      // Today: « Amboise (37003) apparaît deux fois (déjà ligne 894) ».
      expect(second.json.errors.filter((p) => p.kind === 'commune-en-double').map((p) => p.message)).toEqual([]);
    }
  });
});
