import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type ExcelJS from 'exceljs';
import { expect } from 'vitest';
import { loadCampaign } from '../../src/campaign/load.js';
import { buildRecipients } from '../../src/campaign/recipients.js';
import { communeReference } from '../../src/data/cog.js';
import { ProblemList } from '../../src/problems.js';
import { campaignWith } from './campaign.js';

/**
 * A sample campaign whose town-hall list (`mairies`) or mayors' file (`maires`) is this workbook,
 * written as data/<source>.xlsx; `yaml` then edits campagne.yaml (to name a column, say).
 */
export async function campaignWithWorkbook(source: 'mairies' | 'maires', wb: ExcelJS.Workbook, yaml?: (text: string) => string): Promise<string> {
  const dir = campaignWith({});
  await wb.xlsx.writeFile(join(dir, 'data', `${source}.xlsx`));
  const path = join(dir, 'campagne.yaml');
  const text = readFileSync(path, 'utf8').replace(new RegExp(`^ {2}${source}: .*$`, 'm'), `  ${source}: data/${source}.xlsx`);
  writeFileSync(path, yaml ? yaml(text) : text);
  return dir;
}

/** The recipients of one département of a campaign, joined in-process, and the problems the join found. */
export async function joinedDepartement(dir: string, dep = '45') {
  const { campaign, problems } = await loadCampaign(dir);
  expect(campaign, problems.errors.map((p) => p.message).join('\n')).toBeDefined();
  const found = new ProblemList();
  const joined = await buildRecipients(campaign!, communeReference(), found, [dep]);
  return { joined, found, recipient: (code: string) => joined.recipients.find((r) => r.commune.code === code) };
}
