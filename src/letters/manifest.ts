import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { ReadyCampaign } from '../campaign/check.js';
import { historyFrom, type PrintHistory } from './print-changes.js';

/**
 * The letters' manifest (out/lettres/.manifest.json) as the other commands read it: what each
 * letter and print file was drawn from, and each print file's versions. `letters` writes it.
 */

/** A print file's history as the manifest keeps it (or as an older manifest tells it). */
export function printHistory(manifest: Record<string, string>, rel: string): PrintHistory | undefined {
  const at = (k: string) => manifest[`${rel}${k}`];
  return historyFrom({ history: at('#history'), communes: at('#communes'), date: at('#date'), previous: at('#previous'), previousDate: at('#previous-date') });
}

/**
 * A print file's fingerprint as the manifest keeps it (`#sha256`): the SHA-256 of its bytes,
 * recorded when the manifest that describes it is written. A print file is drawn and put in place
 * before the manifest is written; a `relais letters` stopped between the two (SIGKILL, a closed
 * terminal) leaves a new file beside the old description. The fingerprint tells them apart.
 */
export const PRINT_FINGERPRINT = '#sha256';
/** Set by `letters --all`: the file on disk is every commune's, not the print file the manifest describes. */
export const ALL_COMMUNES = 'tous';

/** The SHA-256 of a file's bytes; undefined when it cannot be read. */
export function fileFingerprint(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}

/**
 * Whether the print file on disk is the one the manifest describes: the same bytes. A manifest
 * written before fingerprints (older relais) cannot say: taken as it is, as before.
 */
export function printFileMatches(manifest: Record<string, string>, rel: string, path: string): boolean {
  const expected = manifest[`${rel}${PRINT_FINGERPRINT}`];
  if (expected === undefined) return true;
  return expected !== ALL_COMMUNES && fileFingerprint(path) === expected;
}

export async function readManifest(path: string): Promise<Record<string, string>> {
  try {
    const data = JSON.parse(await readFile(path, 'utf8')) as { files?: Record<string, string> };
    return data.files ?? {};
  } catch {
    return {};
  }
}

/**
 * The communes in the last version of each print file, with the date it was written, and those
 * an earlier version since the last --posted held: a town hall among them may have its letter in
 * the post already (send says so before emailing it;
 * `letters --posted` records them as posted).
 */
export async function lastPrinted(plan: ReadyCampaign['plan']): Promise<Map<string, { dep: string; date: string }>> {
  const manifest = await readManifest(plan.paths.manifest);
  const printed = new Map<string, { dep: string; date: string }>();
  for (const d of plan.departements) {
    const rel = relative(plan.paths.letters, d.paths.print).split('\\').join('/');
    const list = manifest[`${rel}#communes`];
    if (!list) continue;
    // Letters an earlier version of the series held, gone from the file since (an address found):
    // that version may be the one in the post. Dated by the last version that held them.
    const history = printHistory(manifest, rel);
    for (const g of history?.gone ?? []) printed.set(g.code, { dep: d.departement.code, date: history!.versions.find((v) => v.n === g.to)?.date ?? '' });
    for (const code of JSON.parse(list) as string[]) printed.set(code, { dep: d.departement.code, date: manifest[`${rel}#date`] ?? '' });
  }
  return printed;
}
