import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { ReadyCampaign } from '../campaign/check.js';
import { RelaisError, UsageError } from '../errors.js';
import { countOf, frenchDateTime, namedList } from '../text/format.js';
import { readManifest } from './generate.js';
import { additionsListPath } from './print-changes.js';

/**
 * `relais letters --posted`: the letters of the last print file of each département (or of those
 * chosen) were printed and posted. Recorded in the journal, those town halls are reached: their
 * letter is not printed again, and no email goes to them if an address turns up later.
 *
 * The print file may have been rewritten after the mail room printed it (a bounce, a refused
 * address): the letters that joined it since its previous version are named, and noted posted
 * only once the user confirms it; `--previous` notes the previous version instead, and those
 * letters stay in the print file.
 */
export interface PrintVersion {
  date: string;
  communes: string[];
}

/** A print file as the manifest knows it: its last version and the one before. */
export interface PrintVersions {
  dep: string;
  path: string;
  latest: PrintVersion;
  previous?: PrintVersion;
}

export interface Joined {
  dep: string;
  /** The last version, and the previous one they were not in. */
  date: string;
  letters: number;
  since: string;
  sinceLetters: number;
  communes: Array<{ code: string; nom: string }>;
  /** The whole list beside the print file, relative to the campaign folder, when it is there. */
  list?: string;
}

export interface PostedFiles {
  /** Letters newly recorded (a letter already recorded keeps its first date). */
  added: number;
  files: Array<{ dep: string; date: string; letters: number; version: 'derniere' | 'precedente'; joined?: Joined }>;
}

export async function printVersions(plan: ReadyCampaign['plan'], departements: string[]): Promise<PrintVersions[]> {
  const manifest = await readManifest(plan.paths.manifest);
  const versions: PrintVersions[] = [];
  for (const d of plan.departements) {
    if (departements.length && !departements.includes(d.departement.code)) continue;
    const rel = relative(plan.paths.letters, d.paths.print).split('\\').join('/');
    const list = manifest[`${rel}#communes`];
    if (!list) continue;
    const previous = manifest[`${rel}#previous`];
    versions.push({
      dep: d.departement.code,
      path: d.paths.print,
      latest: { date: manifest[`${rel}#date`] ?? '', communes: JSON.parse(list) as string[] },
      ...(previous ? { previous: { date: manifest[`${rel}#previous-date`] ?? '', communes: JSON.parse(previous) as string[] } } : {}),
    });
  }
  return versions;
}

const dated = (date: string) => (date ? `du ${frenchDateTime(date)}` : 'précédente');

/** « le fichier à imprimer du 45 (version du …, 26 lettres) a 2 lettres ajoutées depuis sa version du … (24 lettres) : … » */
export function joinedLine(j: Joined): string {
  return `fichier à imprimer du département ${j.dep} (version ${dated(j.date)}, ${countOf(j.letters, 'lettre')}) : ${countOf(j.communes.length, 'lettre ajoutée', 'lettres ajoutées')} depuis sa version ${dated(j.since)} (${countOf(j.sinceLetters, 'lettre')}) : ${namedList(j.communes.map((c) => `${c.nom} ${c.code}`))}${j.list ? ` (liste complète : ${j.list})` : ''}`;
}

export async function recordPosted(
  ready: ReadyCampaign,
  departements: string[],
  options: { previous?: boolean; confirm?: (joined: Joined[]) => Promise<boolean> | boolean } = {},
): Promise<PostedFiles> {
  const { plan } = ready;
  const versions = await printVersions(plan, departements);
  if (!versions.length) {
    throw new RelaisError(`aucun fichier à imprimer n'a encore été écrit${departements.length ? ` pour ${departements.join(', ')}` : ''} : lancez « relais letters », imprimez et postez les fichiers, puis « relais letters --posted »`, { field: '--posted' });
  }
  const nom = (code: string) => plan.recipient(code)?.recipient.commune.nom ?? code;
  const files: PostedFiles['files'] = [];
  const chosen: Array<{ dep: string; communes: string[] }> = [];
  for (const v of versions) {
    if (options.previous) {
      if (!v.previous) throw new UsageError(`--previous : le fichier à imprimer du département ${v.dep} n'a pas de version précédente connue (il n'a été écrit qu'une fois, version ${dated(v.latest.date)}) : « relais letters --posted${departements.length ? ` --dep ${v.dep}` : ''} » note celle-ci`);
      files.push({ dep: v.dep, date: v.previous.date, letters: v.previous.communes.length, version: 'precedente', ...joinedOf(v) });
      chosen.push({ dep: v.dep, communes: v.previous.communes });
    } else {
      files.push({ dep: v.dep, date: v.latest.date, letters: v.latest.communes.length, version: 'derniere', ...joinedOf(v) });
      chosen.push({ dep: v.dep, communes: v.latest.communes });
    }
  }
  const joined = files.flatMap((f) => (f.joined ? [f.joined] : []));
  if (!options.previous && joined.length && !(await (options.confirm ?? (() => false))(joined))) {
    // Noting them posted would keep these town halls from any letter or email: only on the user's word.
    const deps = joined.map((j) => j.dep).join(',');
    throw new RelaisError(
      `rien n'est noté posté : ${joined.map(joinedLine).join(' ; ')}. Si ${joined.length > 1 ? 'ces fichiers ont été imprimés et postés' : 'ce fichier a été imprimé et posté'} avec ces lettres, confirmez : « relais letters --posted --dep ${deps} --yes » ; si c'est la version précédente qui l'a été, « relais letters --posted --dep ${deps} --previous » (les lettres ajoutées restent à imprimer)`,
      { field: '--posted' },
    );
  }

  function joinedOf(v: PrintVersions): { joined?: Joined } {
    if (!v.previous) return {};
    const was = new Set(v.previous.communes);
    const came = v.latest.communes.filter((c) => !was.has(c));
    if (!came.length) return {};
    const list = additionsListPath(v.path);
    return {
      joined: {
        dep: v.dep,
        date: v.latest.date,
        letters: v.latest.communes.length,
        since: v.previous.date,
        sinceLetters: v.previous.communes.length,
        communes: came.map((code) => ({ code, nom: nom(code) })),
        ...(existsSync(list) ? { list: relative(plan.paths.dir, list).split('\\').join('/') } : {}),
      },
    };
  }

  const letters = chosen.flatMap(({ dep, communes }) =>
    communes.map((code) => {
      const r = plan.recipient(code);
      return { commune: code, departement: dep, recipient: r ? r.letter.model.adresse.join(' / ') : code, hash: r?.letter.key ?? '' };
    }),
  );
  const { Journal } = await import('../delivery/journal.js');
  const journal = Journal.open(ready.campaign.dir, plan.campaign);
  try {
    const when = new Date().toISOString().slice(0, 10);
    return { added: journal.markPosted(letters, `lettre postée (fichier à imprimer noté posté le ${when})`), files };
  } finally {
    journal.close();
  }
}
