import { cp, mkdir, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RelaisError, systemError } from '../errors.js';
import { refusal } from '../files.js';
import { CAMPAIGN_FILE } from './load.js';

/** What makes a campaign: copied by `relais init` from the sample shipped with relais. */
export const CAMPAIGN_ENTRIES = [CAMPAIGN_FILE, 'templates', 'data', 'medias'] as const;

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
    // Absent is what we want; anything else (a parent that is a file, no right to look) is said.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw systemError(err, 'de créer la campagne dans', target);
  }
  if (entries.includes(CAMPAIGN_FILE)) {
    throw new RelaisError(`${target} contient déjà une campagne (${CAMPAIGN_FILE}) : rien n'a été modifié`, { file: join(target, CAMPAIGN_FILE) });
  }
  if (entries.length > 0) {
    throw new RelaisError(`${target} n'est pas vide : choisissez un nouveau dossier pour la campagne`, { file: target });
  }
  try {
    await mkdir(dest, { recursive: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw systemError({ ...e, code: refusal(dest, e) }, 'de créer le dossier', target);
  }
  const copied: string[] = [];
  for (const entry of CAMPAIGN_ENTRIES) {
    const from = join(sampleDir, entry);
    try {
      await stat(from);
    } catch {
      continue;
    }
    try {
      await cp(from, join(dest, entry), { recursive: true, errorOnExist: true, force: false });
    } catch (err) {
      throw systemError(err, 'de copier la campagne d’exemple dans', join(target, entry));
    }
    copied.push(entry);
  }
  return copied;
}
