import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../src/cli/campaign.js';
import { generateLetters } from '../src/letters/generate.js';
import { sampleCampaign } from './helpers/campaign.js';
import { relais, type RunResult } from './helpers/cli.js';

/**
 * A mayor's secretary calls: « nous n'avons rien reçu, commune 45106 ». 45106 is Coudray, since
 * 2016 a commune déléguée of Le Malesherbois (45191): its town hall is reached through
 * Le Malesherbois's letter. `relais preview 45106` and `relais letters --commune 45106` answer
 * « la commune 45106 n'est pas un destinataire de cette campagne (départements : 37, 45) »: the
 * agent reads that Coudray, in the Loiret, is left out of the campaign — untrue — and is not
 * given the code to use. The message must name the commune that replaced it. `preview` is the
 * CLI (one spawn); `letters --commune` is its use case, in-process.
 */
let dir: string;
let preview: RunResult;

beforeAll(async () => {
  dir = sampleCampaign();
  preview = await relais(['-C', dir, 'preview', '45106']);
});

describe('a former commune code given to preview or letters --commune', () => {
  it('relais preview 45106 names Le Malesherbois (45191), the commune that replaced Coudray', () => {
    expect(preview.code).not.toBe(0);
    expect(preview.stderr).not.toMatch(/erreur inattendue/);
    expect(preview.stderr).toMatch(/45191/);
    expect(preview.stderr).toMatch(/Malesherbois/);
  });

  it('relais letters --commune 45106 names Le Malesherbois (45191) too', async () => {
    const campaign = await ready(dir);
    const err = (await generateLetters(campaign, { communes: ['45106'] }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/45191/);
    expect(err.message).toMatch(/Malesherbois/);
  });
});
