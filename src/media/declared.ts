import { existsSync } from 'node:fs';
import { basename, relative, isAbsolute } from 'node:path';
import type { Campaign } from '../campaign/load.js';
import { campaignPath, CAMPAIGN_FILE } from '../campaign/load.js';
import { channelName } from '../channels/types.js';
import { RelaisError } from '../errors.js';
import type { ProblemList } from '../problems.js';
import { LIMITS, type MediaNetwork } from './limits.js';
import { keptFacts } from './facts-cache.js';
import { formatLabel, hashFile, probeFile, type MediaFacts, type Probe } from './probe.js';
import { mediumProblems, setProblems } from './validate.js';

/**
 * The media a post carries: declared once in campagne.yaml (`medias:`) or given to
 * `schedule add --media`, probed by content and checked against every network it goes to,
 * before anything leaves.
 */
export interface Medium<P extends MediaFacts = Probe> {
  name: string;
  /** Absolute path. */
  path: string;
  /** As shown to people (relative to the campaign). */
  shown: string;
  alt: string | undefined;
  title: string | undefined;
  probe: P;
}

function shownPath(campaign: Pick<Campaign, 'dir'>, path: string): string {
  const rel = relative(campaign.dir, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel.split('\\').join('/');
}

/** An image or a video without a description is unreadable for the blind: refused. */
function altProblem(m: { name: string; alt: string | undefined }, probe: MediaFacts): string | undefined {
  if (probe.kind === 'document' || m.alt) return undefined;
  return `le média « ${m.name} » (${formatLabel(probe.format)}) n'a pas de texte alternatif : décrivez-le en français (texte_alternatif, ou --alt) pour les personnes qui ne le voient pas`;
}

/** One medium given on the command line, checked for one network (all problems in one error). */
export async function commandLineMedia(campaign: Pick<Campaign, 'dir'>, files: string[], alts: string[], network: MediaNetwork): Promise<Medium[]> {
  if (alts.length > files.length) throw new RelaisError('plus de --alt que de --media : un texte alternatif par média, dans le même ordre', { field: '--alt' });
  const media: Medium[] = [];
  const problems: string[] = [];
  for (const [i, file] of files.entries()) {
    const path = campaignPath(campaign, file);
    const probe = await probeFile(path, file);
    const m = { name: basename(file), path, shown: shownPath(campaign, path), alt: alts[i]?.trim() || undefined, title: undefined, probe };
    const alt = altProblem(m, probe);
    if (alt) problems.push(alt.replace('(texte_alternatif, ou --alt)', '(--alt)'));
    for (const p of mediumProblems(probe, network)) problems.push(`${file} refusé par ${LIMITS[network].label} : ${p}`);
    media.push(m);
  }
  for (const p of setProblems(media.map((m) => m.probe), network)) problems.push(p);
  if (problems.length) throw new RelaisError(problems.length === 1 ? problems[0]! : `${problems.length} problèmes de médias :\n  ${problems.join('\n  ')}`, { field: '--media' }, { details: { problemes: problems } });
  return media;
}

/**
 * The declared media, probed once each; problems of a medium itself (missing, empty, no alt text)
 * go to `problems`. Hashed unless `hash` is false (the check reads their facts only). Their facts
 * are kept in the campaign's state folder between commands (facts-cache.ts).
 */
export async function declaredMedia(campaign: Campaign, problems?: ProblemList): Promise<Map<string, Medium>>;
export async function declaredMedia(campaign: Campaign, problems: ProblemList | undefined, options: { hash: false }): Promise<Map<string, Medium<MediaFacts>>>;
export async function declaredMedia(campaign: Campaign, problems?: ProblemList, options: { hash: boolean } = { hash: true }): Promise<Map<string, Medium<MediaFacts>>> {
  const found = new Map<string, Medium<MediaFacts>>();
  const facts = keptFacts(campaign.dir);
  const read = async (path: string, shown: string): Promise<MediaFacts | Probe> => {
    const f = await facts.read(path, shown);
    return options.hash ? { ...f, sha256: await hashFile(path) } : f;
  };
  for (const [name, d] of Object.entries(campaign.config.medias ?? {})) {
    const path = campaignPath(campaign, d.fichier);
    const shown = shownPath(campaign, path);
    try {
      const probe = await read(path, shown);
      const m: Medium<MediaFacts> = { name, path, shown, alt: d.texte_alternatif, title: d.titre, probe };
      const alt = altProblem(m, probe);
      if (alt) problems?.error('media', alt, { file: CAMPAIGN_FILE, field: `medias.${name}.texte_alternatif` }, 'file');
      found.set(name, m);
    } catch (err) {
      if (!(err instanceof RelaisError)) throw err;
      problems?.error('media', `média « ${name} » : ${err.message}`, { file: CAMPAIGN_FILE, field: `medias.${name}.fichier` }, 'file');
    }
  }
  facts.save();
  return found;
}

/** A medium named in a cell of an imported row (`schedule import`), with its alt text if given. */
export interface MediumCell {
  /** The column, to name it in a problem (media_1, …). */
  column: string;
  /** A name declared under `medias:`, or a file path relative to the campaign. */
  value: string;
  alt: string | undefined;
}

/**
 * The media of an imported row, checked as `schedule add --media` checks them: each cell names a
 * medium declared under `medias:` (its alt text by default) or a file of the campaign. Every
 * problem is returned with its column, so that an import names them all before adding nothing.
 */
export async function importedMedia(campaign: Pick<Campaign, 'dir'>, cells: MediumCell[], network: MediaNetwork, declared: Map<string, Medium>): Promise<{ media: Medium[]; problems: Array<{ field: string; message: string }> }> {
  const media: Medium[] = [];
  const problems: Array<{ field: string; message: string }> = [];
  for (const cell of cells) {
    let m: Medium;
    const known = declared.get(cell.value);
    if (known) m = { ...known, alt: cell.alt ?? known.alt };
    else {
      const path = campaignPath(campaign, cell.value);
      try {
        m = { name: basename(cell.value), path, shown: shownPath(campaign, path), alt: cell.alt, title: undefined, probe: await probeFile(path, cell.value) };
      } catch (err) {
        if (!(err instanceof RelaisError)) throw err;
        const names = [...declared.keys()];
        const unknown = !existsSync(path) ? ` ; ce n'est pas non plus un média déclaré sous medias: (${names.length ? `déclarés : ${names.join(', ')}` : 'aucun'})` : '';
        problems.push({ field: cell.column, message: `${err.message}${unknown}` });
        continue;
      }
    }
    const alt = altProblem(m, m.probe);
    if (alt) problems.push({ field: cell.column, message: alt.replace('(texte_alternatif, ou --alt)', `(colonne ${cell.column.replace(/^media/, 'texte_alternatif')})`) });
    for (const why of mediumProblems(m.probe, network)) problems.push({ field: cell.column, message: `${m.shown} refusé par ${LIMITS[network].label} : ${why}` });
    media.push(m);
  }
  // A set refused as a whole (five images on X) is blamed on its last medium, the one too many.
  for (const why of setProblems(media.map((m) => m.probe), network)) problems.push({ field: cells.at(-1)?.column ?? 'media_1', message: why });
  return { media, problems };
}

/** How an export names a medium: its name under `medias:` when it is that file, else its path. */
export function exportedMediumName(campaign: Campaign, medium: { name: string; path: string }): string {
  const declared = campaign.config.medias?.[medium.name];
  if (declared && campaignPath(campaign, declared.fichier) === medium.path) return medium.name;
  return shownPath(campaign, medium.path);
}

/** A publication of campagne.yaml, as people find it: its number, its network, its date. */
export function publicationLabel(index: number, canal: string, date: string): string {
  return `publication n° ${index + 1} de campagne.yaml (${LIMITS[(channelName(canal) as MediaNetwork) ?? 'twitter']?.label ?? canal}, ${date})`;
}

/**
 * `relais check`: every declared medium against every network a publication puts it on; a name
 * not declared; a mix a network refuses. Returns the declared media for the caller to reuse.
 */
export async function checkCampaignMedia(campaign: Campaign, problems: ProblemList): Promise<Map<string, Medium<MediaFacts>>> {
  // Facts only: the hash (a whole read of each video) is taken when a post is queued.
  const media = await declaredMedia(campaign, problems, { hash: false });
  const declared = new Set(Object.keys(campaign.config.medias ?? {}));
  for (const [i, p] of (campaign.config.publications ?? []).entries()) {
    if (!p.medias?.length) continue;
    const network = channelName(p.canal) as MediaNetwork;
    if (!LIMITS[network]) continue;
    const label = publicationLabel(i, p.canal, p.date);
    const location = { file: CAMPAIGN_FILE, field: `publications.${i}.medias` };
    const probes: MediaFacts[] = [];
    for (const name of p.medias) {
      if (!declared.has(name)) {
        const known = [...declared];
        problems.error('media', `${label} : le média « ${name} » n'est pas déclaré sous medias:${known.length ? ` (déclarés : ${known.join(', ')})` : ' (aucun média déclaré)'}`, location, 'file');
        continue;
      }
      const m = media.get(name);
      if (!m) continue; // its own problem is already reported
      probes.push(m.probe);
      for (const why of mediumProblems(m.probe, network)) problems.error('media', `${label} : le média « ${name} » (${m.shown}) est refusé par ${LIMITS[network].label} : ${why}`, location, 'file');
    }
    for (const why of setProblems(probes, network)) problems.error('media', `${label} : ${why}`, location, 'file');
  }
  return media;
}
