import { cp, mkdir, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RelaisError } from '../errors.js';
import { CAMPAIGN_FILE } from './load.js';

/** What makes a campaign: copied by `relais init` from the sample shipped with relais. */
export const CAMPAIGN_ENTRIES = [CAMPAIGN_FILE, 'templates', 'data'] as const;

/**
 * Copies the sample campaign into a new folder. Refuses to touch an existing campaign, or any
 * non-empty folder: a préfecture's files are never overwritten by a typo in a path.
 */
export async function initCampaign(sampleDir: string, target: string): Promise<string[]> {
  const dest = resolve(target);
  let entries: string[] = [];
  try {
    if (!(await stat(dest)).isDirectory()) throw new RelaisError(`${target} existe déjà et n'est pas un dossier`, { file: target });
    entries = await readdir(dest);
  } catch (err) {
    if (err instanceof RelaisError) throw err;
  }
  if (entries.includes(CAMPAIGN_FILE)) {
    throw new RelaisError(`${target} contient déjà une campagne (${CAMPAIGN_FILE}) : rien n'a été modifié`, { file: join(target, CAMPAIGN_FILE) });
  }
  if (entries.length > 0) {
    throw new RelaisError(`${target} n'est pas vide : choisissez un nouveau dossier pour la campagne`, { file: target });
  }
  await mkdir(dest, { recursive: true });
  const copied: string[] = [];
  for (const entry of CAMPAIGN_ENTRIES) {
    const from = join(sampleDir, entry);
    try {
      await stat(from);
    } catch {
      continue;
    }
    await cp(from, join(dest, entry), { recursive: true, errorOnExist: true, force: false });
    copied.push(entry);
  }
  return copied;
}
