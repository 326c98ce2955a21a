import { linkSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireCampaign } from '../src/campaign/load.js';
import { checkOutputTarget } from '../src/campaign/output-target.js';
import { sampleCampaign } from './helpers/campaign.js';

/**
 * An output file (status --failed --csv, track --out, schedule export) is never written over the
 * campaign's own files, whatever name reaches them: a link made to keep « the latest list » at
 * hand, a folder linked to data/, or (on Windows and macOS) the same name in other capitals.
 */
describe('an output target that reaches a campaign file by another name', () => {
  const check = async (target: string) => {
    const campaign = await requireCampaign(sampleCampaign());
    return () => checkOutputTarget(campaign, target, target, 'la liste des échecs', 'out/echecs.csv');
  };

  it('refuses a symbolic link to the town-hall file', async () => {
    const dir = sampleCampaign();
    const outside = mkdtempSync(join(tmpdir(), 'relais-target-'));
    const link = join(outside, 'mairies-a-corriger.csv');
    symlinkSync(join(dir, 'data', 'maires.csv'), link);
    const campaign = await requireCampaign(dir);
    expect(() => checkOutputTarget(campaign, link, 'mairies-a-corriger.csv', 'la liste des échecs', 'out/echecs.csv')).toThrow(/mairies-a-corriger\.csv est un fichier de la campagne/);
  });

  it('refuses a hard link to a data file, and a file to write in a folder linked to data/', async () => {
    const dir = sampleCampaign();
    const outside = mkdtempSync(join(tmpdir(), 'relais-target-'));
    const hard = join(outside, 'copie.csv');
    linkSync(join(dir, 'data', 'maires.csv'), hard);
    const linkedDir = join(outside, 'donnees');
    symlinkSync(join(dir, 'data'), linkedDir);
    const campaign = await requireCampaign(dir);
    expect(() => checkOutputTarget(campaign, hard, 'copie.csv', 'la liste des échecs', 'out/echecs.csv')).toThrow(/fichier de la campagne/);
    expect(() => checkOutputTarget(campaign, join(linkedDir, 'nouveau.csv'), 'donnees/nouveau.csv', 'la liste des échecs', 'out/echecs.csv')).toThrow(/fichier de la campagne/);
  });

  it('still writes a new file elsewhere, and in out/', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'relais-target-'));
    expect(await check(join(outside, 'echecs.csv'))).not.toThrow();
    const dir = sampleCampaign();
    const campaign = await requireCampaign(dir);
    expect(() => checkOutputTarget(campaign, join(dir, 'out', 'echecs.csv'), 'out/echecs.csv', 'la liste des échecs', 'out/echecs.csv')).not.toThrow();
  });
});
