import { countOf, frenchDateTime } from '../text/format.js';

/**
 * A print file's versions since its last `letters --posted`, and the version each of its letters
 * joined it in. The mail room prints one version, maybe not the last: a letter is noted posted
 * only when the user said that a version holding it was posted. Pure: the manifest keeps it.
 */
export interface PrintHistory {
  /** Each version written since the last --posted (numbered on from the one posted), oldest first. */
  versions: Array<{ n: number; date: string; letters: number }>;
  /** The letters of the last version, by commune: the version they joined the file in. */
  joined: Record<string, number>;
  /** The letters of the first version: what left the file since is said too. */
  first: string[];
  /**
   * Letters that left the file since the first version, with the versions that held them (from,
   * to): a version named posted held them, their town hall has that letter. Absent in a history
   * written before it was kept.
   */
  gone?: Array<{ code: string; from: number; to: number }>;
  /** The hash of each letter of the last version: a letter rewritten (a new address) is told. */
  hashes?: Record<string, string>;
  /**
   * Letters of the last version rewritten while in the file: the last version that changed them.
   * The mail room may hold the letter of an earlier version (the old address).
   */
  rewritten?: Record<string, number>;
}

/**
 * The history the manifest keeps, or, from a manifest written before it was kept, the one its
 * last two versions tell (those of the previous version joined it first, the others in the last).
 */
export function historyFrom(entries: { history?: string; communes?: string; date?: string; previous?: string; previousDate?: string }): PrintHistory | undefined {
  if (entries.history) return JSON.parse(entries.history) as PrintHistory;
  if (!entries.communes) return undefined;
  const latest = JSON.parse(entries.communes) as string[];
  const previous = entries.previous ? (JSON.parse(entries.previous) as string[]) : undefined;
  if (!previous) return { versions: [{ n: 1, date: entries.date ?? '', letters: latest.length }], joined: Object.fromEntries(latest.map((c) => [c, 1])), first: latest };
  const was = new Set(previous);
  return {
    versions: [
      { n: 1, date: entries.previousDate ?? '', letters: previous.length },
      { n: 2, date: entries.date ?? '', letters: latest.length },
    ],
    joined: Object.fromEntries(latest.map((c) => [c, was.has(c) ? 1 : 2])),
    first: previous,
  };
}

/**
 * The history once a new version of the file is written with these letters. A letter already in
 * the last version keeps the version it joined in (a rewrite with the same communes, a template
 * fixed, changes no one's); one that comes (back) joins in this version.
 */
/**
 * @param from the number of a first version: after a --posted, the numbers go on (n° 4 after the
 * n° 3 posted), so that a version named once means that one, never a later file's.
 */
export function nextHistory(history: PrintHistory | undefined, members: string[], date: string, from = 1, hashes?: Record<string, string>): PrintHistory {
  const kept = hashes ? { hashes: Object.fromEntries(members.map((c) => [c, hashes[c] ?? ''])) } : {};
  if (!history || !history.versions.length) {
    return { versions: [{ n: from, date, letters: members.length }], joined: Object.fromEntries(members.map((c) => [c, from])), first: members, gone: [], rewritten: {}, ...kept };
  }
  const n = history.versions.at(-1)!.n + 1;
  const inFile = new Set(members);
  // Those of the last version not in this one: the versions that held them are kept.
  const gone = [...(history.gone ?? []), ...Object.keys(history.joined).filter((c) => !inFile.has(c)).map((c) => ({ code: c, from: history.joined[c]!, to: n - 1 }))];
  const rewritten: Record<string, number> = {};
  for (const c of members) {
    if (history.joined[c] === undefined) continue;
    const was = history.hashes?.[c];
    // Unknown before (an older manifest): nothing can be said of it.
    if (was && hashes?.[c] && was !== hashes[c]) rewritten[c] = n;
    else if (history.rewritten?.[c] !== undefined) rewritten[c] = history.rewritten[c];
  }
  return {
    versions: [...history.versions, { n, date, letters: members.length }],
    joined: Object.fromEntries(members.map((c) => [c, history.joined[c] ?? n])),
    first: history.first,
    gone,
    rewritten,
    ...kept,
  };
}

/** The letters version n° k held: those still in the file that joined in it or before, and those gone since. */
export function heldBy(history: PrintHistory, k: number): string[] {
  const now = Object.keys(history.joined).filter((c) => history.joined[c]! <= k);
  const inFile = new Set(now);
  const gone = (history.gone ?? []).filter((g) => g.from <= k && k <= g.to && !inFile.has(g.code)).map((g) => g.code);
  return [...now, ...new Set(gone)];
}

/** A version's date for the user: « n° 2 du 30/11/2026 à 13:44 ». */
export function versionName(v: { n: number; date: string }): string {
  return `n° ${v.n}${v.date ? ` du ${frenchDateTime(v.date)}` : ''}`;
}

/**
 * The version the user names with `--posted-version`: its number (« 2 », « n°2 ») or its date as
 * `letters` shows it (« 30/11/2026 à 13:44 », or « 30/11/2026 13:44 ») or in ISO form (a prefix).
 * Undefined when none is named so; a list when the date names several.
 */
export function findVersion(history: PrintHistory, named: string): PrintHistory['versions'] {
  const text = named.trim().replace(/\s+/g, ' ');
  // Empty, it would be a prefix of every date.
  if (!text) return [];
  const number = versionNumber(text);
  if (number !== undefined) return history.versions.filter((v) => v.n === number);
  const french = text.replace(/ à /, ' ');
  return history.versions.filter((v) => v.date && (frenchDateTime(v.date).replace(' à ', ' ') === french || frenchDateTime(v.date).startsWith(text) || v.date.startsWith(text)));
}

/** The number `--posted-version` names (« 2 », « n° 2 »), undefined when it names a date. */
export function versionNumber(named: string): number | undefined {
  const number = /^(?:n°|no|n)?\s*(\d+)$/i.exec(named.trim());
  return number ? Number(number[1]) : undefined;
}

/**
 * The letters that joined a print file after its first version since the last --posted, as a list
 * the mail room can keep: when that version is already in the post, these letters, and only these,
 * are to be printed (each says the version it joined in, for a mail room that printed a later
 * one). A région's relay refusing 2,000 addresses adds hundreds to one file: the terminal names
 * ten, this file names them all.
 */
export const additionsListPath = (printPath: string): string => printPath.replace(/\.pdf$/i, '') + '-ajouts.txt';

export interface ChangeLine {
  code: string;
  nom: string;
  /** The letter's own file, relative to the campaign folder. */
  path: string;
  /** The version of the print file it joined in, when it joined after the first. */
  version?: { n: number; date: string };
}

/** `since`: the version the letters joined after (its number and date), or a date alone. */
export function additionsListText(printName: string, since: string | { n: number; date: string }, previousLetters: number, added: ChangeLine[], removed: ChangeLine[]): string {
  const when = typeof since === 'string' ? (since ? `du ${frenchDateTime(since)}` : 'précédente') : versionName(since);
  const lines = [
    `Fichier à imprimer ${printName} : ${countOf(added.length, 'lettre ajoutée', 'lettres ajoutées')} depuis sa version ${when} (${countOf(previousLetters, 'lettre')}).`,
    `Si cette version est déjà postée, n'imprimez que ${added.length > 1 ? 'ces lettres' : 'cette lettre'} (chacune est aussi dans ${printName}) :`,
    '',
    ...added.map((c) => `${c.path}\t${c.nom} ${c.code}${c.version ? `\tajoutée en version ${versionName(c.version)}` : ''}`),
  ];
  if (removed.length) {
    lines.push('', `${countOf(removed.length, 'lettre retirée', 'lettres retirées')} depuis cette version :`, '', ...removed.map((c) => `${c.nom} ${c.code}`));
  }
  return `${lines.join('\n')}\n`;
}
