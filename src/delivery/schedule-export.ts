import { existsSync, statSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { STATE_DIR } from '../campaign/paths.js';
import { CAMPAIGN_FILE, campaignPath, type Campaign } from '../campaign/load.js';
import { toCsv } from '../data/csv-write.js';
import { RelaisError } from '../errors.js';
import { exportedMediumName } from '../media/declared.js';
import type { PostStore } from './posts-store.js';
import type { CampaignMedia } from './schedule-io.js';

/** `schedule export`: the calendar as a CSV that `schedule import` (schedule-io.ts) reads back. */

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
 * `schedule export` writes a CSV wherever it is told: never over the campaign itself
 * (campagne.yaml, its templates and data files, the journal).
 */
export function checkExportTarget(campaign: Campaign, target: string, shown: string): void {
  const inside = (dir: string) => {
    const rel = relative(resolve(campaign.dir, dir), target);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  // Any campagne.yaml or journal folder is some campaign's, even outside this one.
  const anyCampaign = basename(target) === CAMPAIGN_FILE || target.split(sep).includes(STATE_DIR);
  const own = anyCampaign || ['templates', 'data', 'medias', STATE_DIR].some(inside) || configuredFiles(campaign).includes(target);
  if (own) throw new RelaisError(`${shown} est un fichier de la campagne (campagne.yaml, modèles, données ou journal) : l'export ne l'écrase pas ; choisissez un autre nom, par exemple out/publications.csv`, { file: shown });
  if (existsSync(target) && statSync(target).isDirectory()) throw new RelaisError(`${shown} est un dossier : donnez le nom du fichier CSV à écrire`, { file: shown });
}

/**
 * The posts as a CSV that `schedule import` reads back: with their media (a name declared under
 * `medias:`, or a file of the campaign) and each one's alt text, one column pair per medium.
 */
export function exportPosts(store: PostStore, media?: CampaignMedia): string {
  const posts = store.list();
  const carried = new Map(posts.map((p) => [p.id, media?.store.of(p.id) ?? []]));
  const most = Math.max(0, ...[...carried.values()].map((m) => m.length));
  const header = ['id', 'canal', 'date', 'texte', 'statut', 'fuseau'];
  for (let n = 1; n <= most; n++) header.push(`media_${n}`, `texte_alternatif_${n}`);
  return toCsv(
    header,
    posts.map((p) => {
      const cells: Array<string | number> = [p.id, p.channel, p.due_utc, p.text, p.status, p.tz];
      const own = carried.get(p.id)!;
      for (let n = 0; n < most; n++) cells.push(own[n] ? exportedMediumName(media!.campaign, own[n]!) : '', own[n]?.alt ?? '');
      return cells;
    }),
  );
}
