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
