import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ReadyCampaign } from '../campaign/check.js';
import { departementContext } from '../campaign/context.js';
import { campaignKey, type Campaign } from '../campaign/load.js';
import { renderMessages } from '../campaign/messages.js';
import { channelName } from '../channels/types.js';
import { restoreCell, toCsv } from '../data/csv-write.js';
import { openTable } from '../data/table.js';
import { RelaisError } from '../errors.js';
import type { Problem } from '../problems.js';
import { Journal } from './journal.js';
import { PostStore, type Network } from './posts-store.js';
import { DEFAULT_TZ, planPost, validatePostText } from './schedule.js';
import { publishers, type Publisher } from './social.js';
import { parseDue } from './time.js';

/** The campaign's post store and its publishers (outbox for networks without credentials). */
export function openScheduler(campaign: Campaign, env: NodeJS.ProcessEnv): { journal: Journal; store: PostStore; pubs: Record<Network, Publisher> } {
  const pubs = publishers(env, join(campaign.dir, 'out', 'publications'));
  const journal = Journal.open(campaign.dir, campaignKey(campaign));
  return { journal, store: new PostStore(journal), pubs };
}

/** The network a --channel value (or a --template name, or an import's canal) names. */
export function networkOf(value: string, option: '--channel' | '--template' = '--channel'): Network {
  const c = channelName(value);
  const what = option === '--template' ? 'modèle' : 'canal';
  if (c !== 'twitter' && c !== 'facebook' && c !== 'linkedin') throw new RelaisError(`${what} « ${value} » inconnu : twitter (ou x), facebook, linkedin`, { field: option });
  return c;
}

/** The text of a channel template, rendered for a département (the first by default). */
export function templateText(ready: ReadyCampaign, channel: Network, dep?: string): string {
  const d = ready.campaign.departements.find((x) => !dep || x.code === dep);
  if (!d) throw new RelaisError(`le département ${dep} ne fait pas partie de la campagne`, { field: '--dep' });
  return renderMessages(ready.templates, departementContext(ready.campaign, d, ready.figures))[channel].texte;
}

/**
 * The `publications:` of campagne.yaml, queued once each (a key per entry): re-running never
 * queues them twice. Past dates are due at once.
 */
export function queueCampaignPublications(ready: ReadyCampaign, store: PostStore, now: Date): number {
  let added = 0;
  for (const p of ready.campaign.config.publications ?? []) {
    const channel = networkOf(p.canal);
    const text = p.texte ?? templateText(ready, p.modele ?? channel);
    const key = createHash('sha256').update(JSON.stringify([channel, p.date, p.fuseau ?? DEFAULT_TZ, text])).digest('hex').slice(0, 24);
    if (planPost(store, { channel, text, at: p.date, tz: p.fuseau ?? DEFAULT_TZ, now, source: 'campagne', sourceKey: key, allowPast: true })) added++;
  }
  return added;
}

/** Import: every row checked first (all problems reported by line), then all added, or none. */
export async function importPosts(store: PostStore, path: string, shown: string, now: Date): Promise<number> {
  const table = await openTable(path, { displayName: shown });
  const names = table.header.map((h) => h.trim().toLowerCase());
  const col = (n: string) => names.indexOf(n);
  const missing = ['canal', 'date', 'texte'].filter((n) => col(n) < 0);
  if (missing.length) throw new RelaisError(`colonne(s) manquante(s) : ${missing.join(', ')} (attendu : id, canal, date, texte, statut)`, { file: shown, line: table.headerLine });
  const errors: Problem[] = [];
  const rows: Array<{ channel: Network; text: string; at: string; line: number }> = [];
  for await (const row of table.rows) {
    const get = (n: string) => (col(n) >= 0 ? (row.values[col(n)] ?? '').trim() : '');
    const statut = get('statut');
    if (statut && !['queued', 'en attente', 'prévu', ''].includes(statut.toLowerCase())) continue;
    try {
      const channel = networkOf(get('canal'));
      const text = restoreCell(get('texte'));
      validatePostText(channel, text);
      parseDue(get('date'), DEFAULT_TZ, now);
      rows.push({ channel, text, at: get('date'), line: row.line });
    } catch (err) {
      if (!(err instanceof RelaisError)) throw err;
      errors.push({ severity: 'error', kind: 'import', scope: 'row', file: shown, line: row.line, message: err.message });
    }
  }
  if (errors.length) {
    throw new RelaisError(`${errors.length} ligne(s) invalide(s) : rien n'a été importé`, { file: shown, ...(errors[0]?.line ? { line: errors[0].line } : {}) }, { details: { errors } });
  }
  for (const r of rows) planPost(store, { channel: r.channel, text: r.text, at: r.at, tz: DEFAULT_TZ, now, source: 'import' });
  return rows.length;
}

export function exportPosts(store: PostStore): string {
  return toCsv(['id', 'canal', 'date', 'texte', 'statut'], store.list().map((p) => [p.id, p.channel, p.due_utc, p.text, p.status]));
}
