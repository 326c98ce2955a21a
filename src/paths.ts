import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The file that makes a folder a campaign. Here, not in campaign/, so that finding it loads nothing heavy. */
export const CAMPAIGN_FILE = 'campagne.yaml';

/** The installed relais package: it holds the sample campaign (campagne.yaml, templates/, data/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'bin', 'relais.js'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('racine du paquet relais introuvable');
    dir = parent;
  }
  return dir;
}
