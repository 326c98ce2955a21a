import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * README's guide, step 11: « relais status --failed --csv echecs.csv, qui liste aussi les adresses
 * revenues en erreur, pour corriger le fichier des mairies ». An agent who takes « pour corriger le
 * fichier des mairies » literally gives a data file of the campaign as the target (the
 * préfecture's town-hall list in CSV; here the sample's data/maires.csv): src/cli/status.ts writes
 * the failure list over it (writeFileAtomic, no check), and the file — corrections included — is
 * gone, replaced by a CSV of failures; campagne.yaml itself is no safer. `relais schedule export` refuses exactly this (checkExportTarget: « l'export ne
 * l'écrase pas »); the failure list must too, and leave the file as it was.
 */
describe('an output file (status --failed --csv, track --out) aimed at a data file of the campaign', () => {
  it('refuses to write the failure list over a data file of the campaign', async () => {
    const dir = sampleCampaign();
    const mairies = join(dir, 'data', 'maires.csv');
    const before = readFileSync(mairies);
    const r = await relais(['-C', dir, 'status', '--failed', '--csv', mairies]);
    expect(readFileSync(mairies).equals(before), `data/maires.csv remplacé par : ${readFileSync(mairies, 'utf8').slice(0, 200)}`).toBe(true);
    expect(r.code, r.stdout).not.toBe(0);
    expect(r.stderr).toMatch(/maires\.csv/);
  });

  it('track --out does not write its table over the sign-up export it read either', async () => {
    // « relais track --out data/inscriptions.csv »: the figures (département;total…) replace the
    // platform's export they were computed from (src/cli/track.ts writes --out unchecked).
    const dir = sampleCampaign();
    const signups = join(dir, 'data', 'inscriptions.csv');
    const before = readFileSync(signups);
    const r = await relais(['-C', dir, 'track', '--out', signups]);
    expect(readFileSync(signups).equals(before), `data/inscriptions.csv remplacé par : ${readFileSync(signups, 'utf8').slice(0, 120)}`).toBe(true);
    expect(r.code, r.stdout).not.toBe(0);
  });
});
