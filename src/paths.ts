import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
