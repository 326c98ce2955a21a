import { existsSync, statSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { RelaisError } from '../errors.js';
import { CAMPAIGN_FILE, campaignPath, type Campaign } from './load.js';
import { STATE_DIR } from './paths.js';

/**
 * A file a command writes where it is told (`schedule export`, `status --failed --csv`, `track
 * --out`): never over the campaign itself. The guide says the failure list is « pour corriger le
 * fichier des mairies »: given that file's name, it replaced it, corrections and all.
 */

/** Every path a campaign's configuration names (data files, templates, attachments, fonts, logo). */
function configuredFiles(campaign: Campaign): string[] {
  const c = campaign.config;
  const found: string[] = [];
  const walk = (v: unknown, key?: string): void => {
    if (key === 'colonnes' || key === 'hors_campagne') return;
    if (typeof v === 'string') found.push(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk([c.sources, c.modeles, c.pieces_jointes, c.polices, c.logo, Object.values(c.medias ?? {}).map((m) => m.fichier)]);
  return found.map((f) => campaignPath(campaign, f));
}

/**
 * Refuses a target that is the campaign's (campagne.yaml, its templates, data and media folders,
 * the files it names, the journal), a file the command reads (`inputs`), or a folder. `what` names
 * the output (« l'export »), `example` a name to give instead.
 */
export function checkOutputTarget(campaign: Campaign, target: string, shown: string, what: string, example: string, inputs: readonly string[] = []): void {
  const inside = (dir: string) => {
    const rel = relative(resolve(campaign.dir, dir), target);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  // Any campagne.yaml or journal folder is some campaign's, even outside this one.
  const anyCampaign = basename(target) === CAMPAIGN_FILE || target.split(sep).includes(STATE_DIR);
  const own = anyCampaign || ['templates', 'data', 'medias', STATE_DIR].some(inside) || configuredFiles(campaign).includes(target) || inputs.includes(target);
  if (own) throw new RelaisError(`${shown} est un fichier de la campagne (campagne.yaml, modèles, données ou journal) : ${what} ne l'écrase pas ; choisissez un autre nom, par exemple ${example}`, { file: shown });
  if (existsSync(target) && statSync(target).isDirectory()) throw new RelaisError(`${shown} est un dossier : donnez le nom du fichier à écrire`, { file: shown });
}
