import { existsSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { basename, isAbsolute, join, relative } from 'node:path';
import { isPrintFile } from '../campaign/paths.js';
import { ALL_COMMUNES, fileFingerprint, PRINT_FINGERPRINT } from './manifest.js';
import { dropPrintFile, type PrintBook } from './print-file.js';

/**
 * What `relais letters` wrote for a département that has left the campaign (campagne.yaml no longer
 * names it): its letters and its print file stay in out/lettres/<dep>/ otherwise, named nowhere, and
 * a mail room printing « every print file in out/lettres/ » posts letters signed for a campaign that
 * département left. Only the files the manifest says relais wrote are removed — never a file of the
 * user's — and a print file that is no longer the one relais wrote (changed or replaced since) is
 * left where it is, named.
 */
export interface DepartedFiles {
  /** The département's folder under out/lettres/ (its code). */
  dep: string;
  /** Letters removed. */
  letters: number;
  /** The print file removed, if there was one. */
  print?: string;
  /** A print file left in place: not the one relais wrote. */
  kept?: string;
}

/** The département folders the manifest speaks of that are not the campaign's, with their entries. */
function departedEntries(manifest: Record<string, string>, campaignDeps: string[]): Map<string, Set<string>> {
  const kept = new Set(campaignDeps);
  const byDep = new Map<string, Set<string>>();
  for (const key of Object.keys(manifest)) {
    const entry = key.split('#')[0]!;
    const slash = entry.indexOf('/');
    if (slash <= 0) continue;
    const dep = entry.slice(0, slash);
    // A folder name as relais makes them (never `..`): a manifest edited by hand may say anything.
    if (kept.has(dep) || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(dep)) continue;
    const set = byDep.get(dep) ?? new Set<string>();
    set.add(entry);
    byDep.set(dep, set);
  }
  return byDep;
}

/** The file of a manifest entry, if it stays under out/lettres/ (a manifest edited by hand may say anything). */
function entryPath(root: string, entry: string): string | undefined {
  const path = join(root, entry);
  const rel = relative(root, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? path : undefined;
}

/** Whether the print file on disk is one relais wrote: the fingerprint the manifest keeps, or none to compare (older relais, `--all`). */
function writtenByRelais(manifest: Record<string, string>, entry: string, path: string): boolean {
  const expected = manifest[`${entry}${PRINT_FINGERPRINT}`];
  return expected === undefined || expected === ALL_COMMUNES || fileFingerprint(path) === expected;
}

/** Removes what relais wrote for départements no longer in the campaign, and says what it did. */
export async function removeDeparted(root: string, campaignDeps: string[], book: PrintBook): Promise<DepartedFiles[]> {
  const done: DepartedFiles[] = [];
  for (const [dep, entries] of departedEntries(book.manifest, campaignDeps)) {
    const result: DepartedFiles = { dep, letters: 0 };
    for (const entry of entries) {
      const path = entryPath(root, entry);
      if (!path) continue;
      if (isPrintFile(basename(entry))) {
        if (existsSync(path) && !writtenByRelais(book.manifest, entry, path)) {
          // Its description stays in the manifest: named again at each run until it is moved.
          result.kept = path;
          continue;
        }
        if (await dropPrintFile(path, book)) result.print = path;
        continue;
      }
      if (existsSync(path)) {
        await rm(path, { force: true });
        result.letters++;
      }
      for (const key of Object.keys(book.next)) if (key === entry || key.startsWith(`${entry}#`)) delete book.next[key];
    }
    // The folder goes too when nothing else is in it (a file of the user's keeps it).
    await rmdir(join(root, dep)).catch(() => undefined);
    if (result.letters || result.print || result.kept) done.push(result);
  }
  return done;
}

/**
 * The same, without touching anything: what is still on disk for départements no longer in the
 * campaign (`status` names it until `relais letters` removes it).
 */
export function departedOnDisk(root: string, campaignDeps: string[], manifest: Record<string, string>): DepartedFiles[] {
  const found: DepartedFiles[] = [];
  for (const [dep, entries] of departedEntries(manifest, campaignDeps)) {
    const result: DepartedFiles = { dep, letters: 0 };
    for (const entry of entries) {
      const path = entryPath(root, entry);
      if (!path || !existsSync(path)) continue;
      if (!isPrintFile(basename(entry))) result.letters++;
      else if (writtenByRelais(manifest, entry, path)) result.print = path;
      else result.kept = path;
    }
    if (result.letters || result.print || result.kept) found.push(result);
  }
  return found;
}
