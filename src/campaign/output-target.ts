import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
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
  const protectedFiles = [...configuredFiles(campaign), ...inputs];
  // The name as written, and the file it reaches: a link to data/maires.csv, or « Data/Maires.csv »
  // on a file system that ignores case (Windows, macOS), is that file under another name.
  const own = [target, reached(target)].some((t) => ownPath(campaign.dir, t, protectedFiles) || ownPath(reached(campaign.dir), t, protectedFiles.map(reached)));
  if (own || protectedFiles.some((f) => sameFile(f, target))) {
    throw new RelaisError(`${shown} est un fichier de la campagne (campagne.yaml, modèles, données ou journal) : ${what} ne l'écrase pas ; choisissez un autre nom, par exemple ${example}`, { file: shown });
  }
  if (existsSync(target) && statSync(target).isDirectory()) throw new RelaisError(`${shown} est un dossier : donnez le nom du fichier à écrire`, { file: shown });
}

function ownPath(dir: string, target: string, files: readonly string[]): boolean {
  const inside = (sub: string) => {
    const rel = relative(resolve(dir, sub), target);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  // Any campagne.yaml or journal folder is some campaign's, even outside this one.
  const anyCampaign = basename(target) === CAMPAIGN_FILE || target.split(sep).includes(STATE_DIR);
  return anyCampaign || ['templates', 'data', 'medias', STATE_DIR].some(inside) || files.includes(target);
}

/** The path a file is reached by once links are followed (its folder's, for a file still to write). */
function reached(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    try {
      return join(realpathSync.native(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

/** The same file under two names (a hard link, another case of its name). */
function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}
