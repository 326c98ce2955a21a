import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import type { LetterModel } from '../campaign/letter.js';
import type { Plan } from '../campaign/plan.js';
import { writeFileAtomic } from '../files.js';
import type { Job } from './jobs.js';
import { contentHash } from './keys.js';
import type { FontFiles } from './fonts.js';
import { ALL_COMMUNES, PRINT_FINGERPRINT, printFileMatches, printHistory } from './manifest.js';
import { additionsListPath, additionsListText, nextHistory, type PrintHistory } from './print-changes.js';

/**
 * A département's print file (the letters that go by post), as `relais letters` keeps it: whether
 * it is drawn again, removed or left as it is, and its versions since the last `letters --posted`
 * in the manifest — so that a mail room is never handed a letter twice nor told of one it lacks.
 */

/** A commune that came into a print file or left it, and its own letter's file. */
export interface PrintChange {
  code: string;
  nom: string;
  path: string;
  /** The version of the print file it joined in (added letters). */
  version?: { n: number; date: string };
}

export interface PrintFile {
  dep: string;
  path: string;
  letters: number;
  /** Of those letters, town halls whose email came back (a bounce notice). */
  bounced: number;
  /** Of those letters, town halls whose address a server refused at once: the email never left. */
  refused: number;
  pages: number;
  written: boolean;
  /** This version of the file and those before it since its last `letters --posted`, oldest first. */
  version?: { n: number; date: string };
  versions?: PrintHistory['versions'];
  /**
   * A print file rewritten since its first version after the last `letters --posted`: which
   * letters joined it after that version (a bounce, a refusal), each with the version it joined
   * in, and which went out (an address found). That first version may be in the post already.
   */
  changes?: { since: string; letters: number; added: PrintChange[]; removed: PrintChange[]; list?: string };
}

/** A letter of the print file, with what its own file was made from. */
export interface PrintCandidate {
  code: string;
  key: string;
  adresse: string[];
  hash: string;
  base: LetterModel;
  bounced: boolean;
  refused: boolean;
}

/** What the letters' run shares with its print files: the manifest read and the one being written. */
export interface PrintBook {
  manifest: Record<string, string>;
  next: Record<string, string>;
  /** A manifest entry's name (relative to out/lettres/, forward slashes). */
  entryOf: (path: string) => string;
  /** Records the hash in the next manifest; true when the file is up to date and stays. */
  keep: (rel: string, hash: string, path: string) => boolean;
  fontNames: FontFiles['names'];
  /** `letters --all`: every commune, for another use; not a version of the file. */
  all: boolean;
  /** Départements whose print file was just noted posted (`letters --posted`). */
  restart: string[];
}

/**
 * What the manifest keeps of a print file besides its hash: pages, its letters and its date, and
 * its versions since the last --posted with the version each letter joined in (#history).
 * `#previous` and `#previous-date`, the one version before kept by earlier releases, are read
 * once to start the history, then dropped.
 */
const PRINT_KEYS = ['', '#pages', '#communes', '#date', '#history', '#previous', '#previous-date', PRINT_FINGERPRINT];
/** The last version's number of a print file removed (emptied): the next one goes on from it. */
const LAST_NUMBER = '#last-version';

const versionOf = (h: PrintHistory, n: number) => {
  const v = h.versions.find((x) => x.n === n) ?? h.versions.at(-1)!;
  return { n: v.n, date: v.date };
};

/** Nothing (left) to post in a département: its print file goes, or an older one would be printed again by mistake. True when a file was removed. */
export async function dropPrintFile(old: string, book: PrintBook): Promise<boolean> {
  const removed = existsSync(old);
  if (removed) await rm(old, { force: true });
  // Its list of additions went with it: it spoke of a file that is gone.
  await rm(additionsListPath(old), { force: true });
  const entry = book.entryOf(old);
  const last = printHistory(book.manifest, entry)?.versions.at(-1)?.n ?? Number(book.manifest[`${entry}${LAST_NUMBER}`] ?? 0);
  for (const k of PRINT_KEYS) delete book.next[`${entry}${k}`];
  // Its versions' numbers are never given again: a mail room naming « n° 2 » later must not
  // find another file's second version under that number.
  if (last) book.next[`${entry}${LAST_NUMBER}`] = String(last);
  return removed;
}

/** A département's print file: its entry in the report, and the job that draws it when it changed. */
export function printFilePlan(dep: string, path: string, toPrint: PrintCandidate[], book: PrintBook, plan: Plan, title: string): { entry: PrintFile; job?: Job } {
  const { manifest, next: nextManifest } = book;
  // Postal-code order, as the mail room sorts: the last address line starts with the code.
  toPrint.sort((a, b) => (a.adresse.at(-1) ?? '').localeCompare(b.adresse.at(-1) ?? ''));
  const rel = book.entryOf(path);
  const entry: PrintFile = { dep, path, letters: toPrint.length, bounced: toPrint.filter((p) => p.bounced).length, refused: toPrint.filter((p) => p.refused).length, pages: Number(manifest[`${rel}#pages`] ?? 0), written: false };
  const members = toPrint.map((p) => p.code);
  // Each letter's hash, kept in the history: a letter rewritten while in the file (a new
  // address) is told to `letters --posted`, the mail room may hold the old one.
  const letterHashes = Object.fromEntries(toPrint.map((p) => [p.code, p.hash]));
  // Just noted posted: the letters still in the file are counted from its next version, the
  // first since; they were not in the version the user said was posted.
  const before = printHistory(manifest, rel);
  const restarted = book.restart.includes(dep);
  const history = restarted ? undefined : before;
  const from = (restarted ? (before?.versions.at(-1)?.n ?? 0) : before ? 0 : Number(manifest[`${rel}${LAST_NUMBER}`] ?? 0)) + 1;
  const describe = (h: PrintHistory) => {
    const last = h.versions.at(-1)!;
    entry.version = { n: last.n, date: last.date };
    entry.versions = h.versions;
  };
  const forget = () => {
    delete nextManifest[`${rel}#previous`];
    delete nextManifest[`${rel}#previous-date`];
    delete nextManifest[`${rel}${LAST_NUMBER}`];
  };
  // Kept only if it is still the very file the manifest describes (see PRINT_FINGERPRINT): one a
  // stopped run left, or changed by hand, is drawn again and recorded.
  if (book.keep(rel, contentHash(book.fontNames, [toPrint.map((p) => p.hash)]), path) && printFileMatches(manifest, rel, path)) {
    nextManifest[`${rel}#pages`] = String(entry.pages);
    if (!book.all) {
      // The same file, its letters those of the manifest: noted posted just now, it is the
      // first version since (with its own date).
      const h = history ? { ...history, hashes: history.hashes ?? letterHashes } : nextHistory(undefined, members, manifest[`${rel}#date`] ?? new Date().toISOString(), from, letterHashes);
      nextManifest[`${rel}#history`] = JSON.stringify(h);
      forget();
      describe(h);
    }
    return { entry };
  }
  const bases: Record<string, LetterModel> = {};
  for (const p of toPrint) bases[p.key] = p.base;
  const job: Job = { kind: 'print', dep, bases, items: toPrint.map((p) => ({ key: p.key, adresse: p.adresse })), path, title };
  // The print file is rewritten whole; the earlier one may be in the post already. Which
  // letters came in or went out since is said, by name: reprinting everything would post the
  // others twice. (`--all` prints everyone for another use: it is not a version of the file.)
  // Not the print file the manifest describes: `letters --posted` refuses it until it is drawn again.
  if (book.all) {
    nextManifest[`${rel}${PRINT_FINGERPRINT}`] = ALL_COMMUNES;
    return { entry, job };
  }
  const now = new Date().toISOString();
  // Each version since the last --posted, and the one each letter joined in: `letters --posted`
  // must know which letters joined after the version the mail room may have printed.
  const next = nextHistory(history, members, now, from, letterHashes);
  describe(next);
  const first = next.versions[0]!;
  if (next.versions.length > 1) {
    const inFile = new Set(members);
    const name = (code: string): PrintChange => {
      const r = plan.recipient(code);
      return { code, nom: r?.recipient.commune.nom ?? code, path: r?.paths.letter ?? '' };
    };
    const added = members.filter((c) => next.joined[c]! > first.n).map((c) => ({ ...name(c), version: versionOf(next, next.joined[c]!) }));
    const removed = next.first.filter((c) => !inFile.has(c)).map(name);
    if (added.length || removed.length) entry.changes = { since: first.date, letters: first.letters, added, removed };
  }
  nextManifest[`${rel}#history`] = JSON.stringify(next);
  forget();
  nextManifest[`${rel}#communes`] = JSON.stringify(members);
  nextManifest[`${rel}#date`] = now;
  return { entry, job };
}

/**
 * Every letter that joined a rewritten print file, in a list beside it; a list left by an
 * earlier version would speak of other letters, so it goes when nothing joined this one.
 */
export async function writeAdditionsLists(print: PrintFile[], campaignDir: string): Promise<void> {
  for (const entry of print) {
    if (!entry.written) continue;
    const list = additionsListPath(entry.path);
    const changes = entry.changes;
    if (changes?.added.length) {
      const rel = (c: PrintChange) => ({ ...c, path: relative(campaignDir, c.path).split('\\').join('/') });
      await writeFileAtomic(list, additionsListText(basename(entry.path), entry.versions?.[0] ? { n: entry.versions[0].n, date: entry.versions[0].date } : changes.since, changes.letters, changes.added.map(rel), changes.removed.map(rel)));
      changes.list = list;
    } else await rm(list, { force: true });
  }
}
