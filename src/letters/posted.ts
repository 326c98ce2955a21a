import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { ReadyCampaign } from '../campaign/check.js';
import { RelaisError, UsageError } from '../errors.js';
import { countOf, frenchDateTime, namedList } from '../text/format.js';
import { ALL_COMMUNES, PRINT_FINGERPRINT, printFileMatches, printHistory, readManifest } from './manifest.js';
import { additionsListPath, findVersion, heldBy, type PrintHistory, versionName, versionNumber } from './print-changes.js';

/**
 * `relais letters --posted`: the letters of the last print file of each département (or of those
 * chosen) were printed and posted. Recorded in the journal, those town halls are reached: their
 * letter is not printed again, and no email goes to them if an address turns up later.
 *
 * The print file may have been rewritten after the mail room printed it (a bounce, a refused
 * address): the letters that joined it after its first version since the last --posted are named,
 * with the version each joined in, and noted posted only once the user confirms it.
 * `--posted-version` names the version that was posted instead (as `letters` lists them): only
 * the letters it held are noted, those that joined after it stay in the print file.
 */
export interface PrintVersions {
  dep: string;
  path: string;
  history: PrintHistory;
  /** The last version's letters. */
  communes: string[];
}

export interface JoinedLetter {
  code: string;
  nom: string;
  /** The version of the print file it joined in. */
  version: { n: number; date: string };
}

export interface Joined {
  dep: string;
  /** The last version (its number, date, letters), and the first since the last --posted. */
  n: number;
  date: string;
  letters: number;
  since: string;
  sinceLetters: number;
  /** Letters of the last version that joined after the first. */
  communes: JoinedLetter[];
  /**
   * Letters of the first version rewritten since (a new address), with the version that rewrote
   * them: the mail room may hold the old letter. Noted posted, as they are now, on the user's word.
   */
  rewritten: JoinedLetter[];
  /**
   * Letters of an earlier version that left the file since (not reached by email, not noted), with
   * the last version that held them: not in the last version, so not noted posted by it; a mail
   * room that posted an earlier version names it (--posted-version).
   */
  removed: JoinedLetter[];
  /** Every version since the last --posted, for --posted-version. */
  versions: PrintHistory['versions'];
  /** The whole list beside the print file, relative to the campaign folder, when it is there. */
  list?: string;
}

export interface PostedFiles {
  /** Letters newly recorded (a letter already recorded keeps its first date). */
  added: number;
  files: Array<{
    dep: string;
    /** The version noted posted, and the file's last. */
    version: { n: number; date: string };
    latest: { n: number; date: string };
    /** Letters of the last version noted posted (those it shares with the version posted). */
    letters: number;
    /** Letters that joined after the first version, noted posted on the user's word. */
    joined?: Joined;
    /** Letters that joined after the version posted: they stay in the print file. */
    left: JoinedLetter[];
    /** Letters of the version posted that left the file since: noted posted with it, named. */
    removed: JoinedLetter[];
    /** Letters of the version posted rewritten since (the post has the old one): noted posted, named. */
    rewritten: JoinedLetter[];
  }>;
}

/** `verify`: a print file on disk that is not the one the manifest describes is refused (see notDescribed). */
export async function printVersions(plan: ReadyCampaign['plan'], departements: string[], verify = true): Promise<PrintVersions[]> {
  const manifest = await readManifest(plan.paths.manifest);
  const versions: PrintVersions[] = [];
  for (const d of plan.departements) {
    if (departements.length && !departements.includes(d.departement.code)) continue;
    const rel = relative(plan.paths.letters, d.paths.print).split('\\').join('/');
    const list = manifest[`${rel}#communes`];
    const history = printHistory(manifest, rel);
    if (!list || !history?.versions.length) continue;
    // The file the mail room printed is the one on disk: its letters must be those the manifest
    // lists. A file no longer there was moved or deleted after printing (relais never leaves the
    // place empty: it puts the new file in before the manifest): the manifest's version is the one
    // printed — unless the last written was a --all file, which holds every letter.
    const missing = !existsSync(d.paths.print);
    if (verify && (missing ? manifest[`${rel}${PRINT_FINGERPRINT}`] === ALL_COMMUNES : !printFileMatches(manifest, rel, d.paths.print))) throw notDescribed(plan, d.paths.print, history, missing);
    versions.push({ dep: d.departement.code, path: d.paths.print, history, communes: JSON.parse(list) as string[] });
  }
  return versions;
}

/**
 * The print file on disk is not the one the manifest describes: a `relais letters` stopped while it
 * rewrote the print files (it puts each one in place, then writes the list of their letters), a
 * `letters --all`, or a file changed by hand. Which letters it holds, relais cannot say: nothing
 * is noted, and `relais letters` draws it again and records it.
 */
function notDescribed(plan: ReadyCampaign['plan'], path: string, history: PrintHistory, missing: boolean): RelaisError {
  const file = relative(plan.paths.dir, path).split('\\').join('/');
  // What was posted may be an earlier version, whose letters relais knows: named with the option
  // that notes it, so that nobody reprints and posts those letters a second time.
  return new RelaisError(
    `rien n'est noté posté : ${missing ? `le fichier à imprimer ${file} n'existe plus, et le dernier écrit était un « relais letters --all » (toutes les lettres)` : `le fichier à imprimer ${file} n'est pas la version dont relais tient la liste des lettres (un « relais letters » interrompu pendant qu'il récrivait les fichiers à imprimer, un « relais letters --all », ou un fichier changé à la main)`} : relais ne peut pas dire quelles lettres ${missing ? 'il tenait' : 'il tient'}. Si c'est une version qu'il a écrite que vous avez postée, notez-la : « relais letters --posted --posted-version <n°> » (versions : ${versionList(history.versions)}) ; sinon, relancez « relais letters », imprimez et postez le fichier qu'il écrit, puis « relais letters --posted »`,
    { field: '--posted' },
  );
}

const versionList = (versions: PrintHistory['versions']) => versions.map((v) => `${versionName(v)}, ${countOf(v.letters, 'lettre')}`).join(' ; ');
const joinedNames = (letters: JoinedLetter[]) => namedList(letters.map((c) => `${c.nom} ${c.code} (version n° ${c.version.n})`));

export const rewrittenNames = (letters: JoinedLetter[]) => namedList(letters.map((c) => `${c.nom} ${c.code} (réécrite en version n° ${c.version.n})`));
export const removedNames = (letters: JoinedLetter[]) => namedList(letters.map((c) => `${c.nom} ${c.code} (dernière version la tenant : n° ${c.version.n})`));

/**
 * « fichier à imprimer du département 45 (version n° 3 du …, 26 lettres) : 2 lettres ajoutées après
 * sa version n° 1 du … (24 lettres) : … ; 1 lettre réécrite depuis la version n° 1 : … ; 1 lettre
 * retirée depuis la version n° 1, pas dans la n° 3 : … »
 */
export function joinedLine(j: Joined): string {
  const first = j.versions[0]!;
  const parts = [
    j.communes.length ? `${countOf(j.communes.length, 'lettre ajoutée', 'lettres ajoutées')} après sa version ${versionName(first)} (${countOf(j.sinceLetters, 'lettre')}) : ${joinedNames(j.communes)}${j.list ? ` (liste complète : ${j.list})` : ''}` : '',
    j.rewritten.length ? `${countOf(j.rewritten.length, 'lettre réécrite', 'lettres réécrites')} depuis la version n° ${first.n} (la poste a peut-être l'ancienne) : ${rewrittenNames(j.rewritten)}` : '',
    j.removed.length ? `${countOf(j.removed.length, 'lettre retirée', 'lettres retirées')} depuis la version n° ${first.n}, pas dans la n° ${j.n} ni notée${j.removed.length > 1 ? 's' : ''} postée${j.removed.length > 1 ? 's' : ''} par elle : ${removedNames(j.removed)}` : '',
  ].filter(Boolean);
  return `fichier à imprimer du département ${j.dep} (version ${versionName({ n: j.n, date: j.date })}, ${countOf(j.letters, 'lettre')}) : ${parts.join(' ; ')}`;
}

type Version = PrintHistory['versions'][number];

/**
 * The version `--posted-version` names in this print file. None, or several, is said with the
 * file's versions: a date several versions have, a version of another département's file, a
 * number of a series already closed (by a --posted, or the file emptied), one that never was.
 * Usage errors (exit 2): the command names nothing that can be noted, the campaign is as it was.
 */
function namedVersion(v: PrintVersions, named: string, others: PrintVersions[], file: (v: PrintVersions) => string): Version {
  const { versions } = v.history;
  const found = findVersion(v.history, named);
  if (found.length === 1) return found[0]!;
  const head = `--posted-version ${named}`;
  const theirs = `versions de ce fichier depuis son dernier --posted : ${versionList(versions)}`;
  if (found.length > 1) {
    throw new UsageError(`${head} : ${countOf(found.length, 'version')} du fichier à imprimer ${file(v)} ont cette date (${versionList(found)}) : nommez celle qui a été postée par son numéro, « --posted-version ${found[0]!.n} » par exemple`);
  }
  const n = versionNumber(named);
  const what = n === undefined ? `de version à cette date (un numéro, « ${versions.at(-1)!.n} », ou une date comme relais letters la montre, « ${frenchDateTime(versions.at(-1)!.date || Date.now())} »)` : `de version n° ${n}`;
  const o = others.find((x) => findVersion(x.history, named).length);
  const theirsToo = o ? `${n === undefined ? 'cette date est celle' : 'ce numéro est celui'} d'une version du fichier du département ${o.dep} (${file(o)}) : pour lui, « relais letters --posted --dep ${o.dep} --posted-version ${named} »` : '';
  // Numbers go on and are never given again: one below the series under way was of a series closed.
  if (n !== undefined && n >= 1 && n < versions[0]!.n) {
    throw new UsageError(
      `${head} : la version n° ${n} du fichier à imprimer ${file(v)} n'est plus en attente : elle précède sa série de versions en cours, commencée à la n° ${versions[0]!.n} (un --posted ou le fichier vidé a clos la précédente ; relais status compte les lettres notées postées) ; ${theirsToo ? `${theirsToo} ; ` : ''}${theirs}`,
    );
  }
  if (o) throw new UsageError(`${head} : le fichier à imprimer du département ${v.dep} (${file(v)}) n'a pas ${what} ; ${theirsToo} ; versions du fichier du département ${v.dep} depuis son dernier --posted : ${versionList(versions)}`);
  throw new UsageError(`${head} : le fichier à imprimer ${file(v)} n'a pas ${what} ; ${theirs}`);
}

/**
 * The version named was posted, but none of its letters is left to note: each left the print file
 * since (an email reached its town hall, or it is already noted posted). A data fact, not a
 * mistyped command (exit 1): the campaign changed since that version was printed.
 */
function nothingHeld(v: PrintVersions, k: Version, heldLetters: string[], file: string): RelaisError {
  // Those still in the last version (noted already); the others left the file since.
  const inFile = new Set(v.communes);
  const held = heldLetters.filter((c) => inFile.has(c)).length;
  const gone = Math.max(0, k.letters - held);
  const them = k.letters > 1;
  // Still in the manifest's last version (the file not rewritten since), yet noted already.
  const why = held
    ? `${gone ? `${countOf(gone, 'en est sortie', 'en sont sorties')} depuis (un courriel a atteint leur mairie, ou elles sont déjà notées postées), ` : ''}${countOf(held, 'est déjà notée postée ou atteinte par courriel', 'sont déjà notées postées ou atteintes par courriel')}`
    : `${them ? 'toutes en sont sorties' : 'elle en est sortie'} depuis (un courriel a atteint ${them ? 'leur mairie' : 'sa mairie'}, ou ${them ? 'elles sont déjà notées postées' : 'elle est déjà notée postée'} : relais status)`;
  const left = v.communes.length - held;
  return new RelaisError(
    `--posted-version ${k.n} : rien n'est noté posté, rien ne change : ${them ? `des ${countOf(k.letters, 'lettre')}` : 'de la lettre'} de la version ${versionName(k)} du fichier à imprimer ${file}, aucune ne reste à noter postée : ${why}.${
      left ? ` ${left > 1 ? `Les ${countOf(left, 'lettre ajoutée', 'lettres ajoutées')}` : 'La lettre ajoutée'} au fichier après cette version ${left > 1 ? 'restent' : 'reste'} à imprimer.` : ''
    } Versions de ce fichier depuis son dernier --posted : ${versionList(v.history.versions)}`,
    { field: '--posted-version' },
  );
}

export async function recordPosted(
  ready: ReadyCampaign,
  departements: string[],
  options: { version?: string; confirm?: (joined: Joined[]) => Promise<boolean> | boolean } = {},
): Promise<PostedFiles> {
  const { plan } = ready;
  // A version named by the user (--posted-version) is what was posted, whatever is on disk now.
  const versions = await printVersions(plan, departements, options.version === undefined);
  if (!versions.length) {
    const where = departements.length ? ` pour ${departements.join(', ')}` : '';
    // No print file waiting: never written, or every letter of it already noted posted (a second
    // agent of the mail room running the same command): said as it is.
    const { emailFates } = await import('../delivery/journal.js');
    const posted = emailFates(plan.paths.dir, plan.campaign).posted;
    const already = plan.recipients.filter((p) => posted.has(p.recipient.commune.code) && (!departements.length || departements.includes(p.recipient.departement.code))).length;
    if (already) {
      throw new RelaisError(`aucun fichier à imprimer en attente${where} : ${countOf(already, 'lettre par courrier est déjà notée postée', 'lettres par courrier sont déjà notées postées')} (relais status) ; rien de nouveau n'est noté`, { field: '--posted' });
    }
    throw new RelaisError(`aucun fichier à imprimer n'a encore été écrit${where} : lancez « relais letters », imprimez et postez les fichiers, puis « relais letters --posted »`, { field: '--posted' });
  }
  // A version is of one print file: its number or date names nothing in another's.
  if (options.version !== undefined && versions.length > 1) {
    throw new UsageError(`--posted-version nomme une version d'un fichier à imprimer : choisissez son département (--dep ${versions.map((v) => v.dep).join(' ou --dep ')})`);
  }
  // The other départements' print files: a version named from one of them is said to be theirs.
  const { emailFates } = await import('../delivery/journal.js');
  const fates = emailFates(plan.paths.dir, plan.campaign);
  const fileName = (v: PrintVersions) => relative(plan.paths.dir, v.path).split('\\').join('/');
  const others = options.version !== undefined ? (await printVersions(plan, [], false)).filter((o) => !versions.some((v) => v.dep === o.dep)) : [];
  const nom = (code: string) => plan.recipient(code)?.recipient.commune.nom ?? code;
  const files: PostedFiles['files'] = [];
  const chosen: Array<{ dep: string; communes: string[] }> = [];
  for (const v of versions) {
    const { history } = v;
    const last = history.versions.at(-1)!;
    const latest = { n: last.n, date: last.date };
    const joinedIn = (code: string) => history.joined[code] ?? last.n;
    // A letter with one version of this file: the one it joined, was rewritten in, left after.
    const at = (code: string, n: number): JoinedLetter => {
      const x = history.versions.find((y) => y.n === n) ?? last;
      return { code, nom: nom(code), version: { n: x.n, date: x.date } };
    };
    const letter = (code: string): JoinedLetter => {
      const at = history.versions.find((x) => x.n === joinedIn(code)) ?? last;
      return { code, nom: nom(code), version: { n: at.n, date: at.date } };
    };
    if (options.version !== undefined) {
      const k = namedVersion(v, options.version, others, fileName);
      // A letter of the last version that joined in version k or before was in every version
      // since: in k. The others joined after it; nobody said they were printed.
      // With those of version k that left the file since (an address found, not used yet): their
      // letter is in the post all the same, and no email must follow it.
      const inFile = new Set(v.communes);
      const held = heldBy({ ...history, joined: Object.fromEntries(v.communes.map((c) => [c, joinedIn(c)])) }, k.n);
      // None of them left to note: noting « nothing » posted would still end the file's series of
      // versions, as if the mail room had posted something. Said, and nothing changes.
      if (!held.some((c) => !fates.posted.has(c) && !fates.reached.has(c))) throw nothingHeld(v, k, held, fileName(v));
      const lastHeld = (code: string) => Math.max(...(history.gone ?? []).filter((g) => g.code === code && g.from <= k.n && k.n <= g.to).map((g) => g.to));
      files.push({
        dep: v.dep,
        version: { n: k.n, date: k.date },
        latest,
        letters: held.length,
        left: v.communes.filter((c) => joinedIn(c) > k.n).map(letter),
        // Named when it matters: an email that reached the town hall already is no email to come.
        removed: held.filter((c) => !inFile.has(c) && !fates.posted.has(c) && !fates.reached.has(c)).map((c) => at(c, lastHeld(c))),
        rewritten: held.filter((c) => inFile.has(c) && (history.rewritten?.[c] ?? 0) > k.n).map((c) => at(c, history.rewritten![c]!)),
      });
      chosen.push({ dep: v.dep, communes: held });
    } else {
      files.push({ dep: v.dep, version: latest, latest, letters: v.communes.length, left: [], removed: [], rewritten: [], ...joinedOf(v, letter) });
      chosen.push({ dep: v.dep, communes: v.communes });
    }
  }
  // Every letter of the files already noted posted, or reached by email, since they were written
  // (a --posted stopped before the files were rewritten, a send after them): noting « them » would
  // note nothing and still end their versions, as if the mail room had posted something.
  if (options.version === undefined && chosen.every((c) => c.communes.every((code) => fates.posted.has(code) || fates.reached.has(code)))) {
    const named = versions.map((v) => `${fileName(v)} (version ${versionName(v.history.versions.at(-1)!)}, ${countOf(v.communes.length, 'lettre')})`);
    throw new RelaisError(
      `rien n'est noté posté, rien ne change : ${versions.length > 1 ? 'les lettres des fichiers à imprimer' : 'les lettres du fichier à imprimer'} ${named.join(', ')} sont toutes déjà notées postées ou atteintes par courriel depuis ${versions.length > 1 ? 'qu\'ils ont été écrits' : 'qu\'il a été écrit'} (relais status) ; « relais letters » ${versions.length > 1 ? 'les met' : 'le met'} à jour`,
      { field: '--posted' },
    );
  }
  const joined = files.flatMap((f) => (f.joined ? [f.joined] : []));
  if (joined.length && !(await (options.confirm ?? (() => false))(joined))) {
    // Noting them posted would keep these town halls from any letter or email: only on the user's word.
    const deps = joined.map((j) => j.dep).join(',');
    const one = joined.length === 1 ? joined[0]! : undefined;
    throw new RelaisError(
      `rien n'est noté posté : ${joined.map(joinedLine).join(' ; ')}. Si ${joined.length > 1 ? 'ces fichiers ont été imprimés et postés' : 'ce fichier a été imprimé et posté'} ${joined.some((j) => j.communes.length || j.rewritten.length) ? 'avec ces lettres, telles quelles' : 'dans sa dernière version, sans ces lettres'}, confirmez : « relais letters --posted --dep ${deps} --yes » ; ${
        one
          ? `si c'est une version antérieure qui l'a été, nommez-la : « relais letters --posted --dep ${one.dep} --posted-version <n°> » (versions : ${versionList(one.versions)}), les lettres ajoutées après elle restent à imprimer`
          : 'si c\'est une version antérieure qui l\'a été, nommez-la, un département à la fois : « relais letters --posted --dep <département> --posted-version <n°> » (relais letters --posted --dep <département> liste ses versions)'
      }`,
      { field: '--posted' },
    );
  }

  function joinedOf(v: PrintVersions, letter: (code: string) => JoinedLetter): { joined?: Joined } {
    const { history } = v;
    const first = history.versions[0]!;
    const last = history.versions.at(-1)!;
    const came = v.communes.filter((c) => (history.joined[c] ?? last.n) > first.n);
    const at = (code: string, n: number): JoinedLetter => {
      const x = history.versions.find((y) => y.n === n) ?? last;
      return { code, nom: nom(code), version: { n: x.n, date: x.date } };
    };
    // In the first version and rewritten since: the mail room may have posted the old letter.
    const rewritten = v.communes.filter((c) => (history.joined[c] ?? last.n) <= first.n && (history.rewritten?.[c] ?? 0) > first.n).map((c) => at(c, history.rewritten![c]!));
    // In an earlier version and gone since, neither reached by email nor noted posted: not in the
    // last version, so not noted by it; posted if the mail room printed an earlier one.
    const inFile = new Set(v.communes);
    const gone = new Map<string, number>();
    for (const g of history.gone ?? []) if (!inFile.has(g.code)) gone.set(g.code, Math.max(gone.get(g.code) ?? 0, g.to));
    const removed = [...gone].filter(([c]) => !fates.posted.has(c) && !fates.reached.has(c)).map(([c, n]) => at(c, n));
    if (!came.length && !rewritten.length && !removed.length) return {};
    const list = additionsListPath(v.path);
    return {
      joined: {
        dep: v.dep,
        n: last.n,
        date: last.date,
        letters: v.communes.length,
        since: first.date,
        sinceLetters: first.letters,
        communes: came.map(letter),
        rewritten,
        removed,
        versions: history.versions,
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
