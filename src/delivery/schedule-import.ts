import type { Campaign } from '../campaign/load.js';
import { restoreCell } from '../data/csv-write.js';
import { DUPLICATE_COLUMN_HINT, duplicateColumnMessage } from '../data/columns.js';
import { repeatsHeader } from '../data/header-rows.js';
import { hiddenSheetsMessage, openTable, type Table } from '../data/table.js';
import { campaignZone } from '../data/zones.js';
import { RelaisError } from '../errors.js';
import { declaredMedia, importedMedia, type Medium, type MediumCell } from '../media/declared.js';
import type { Problem } from '../problems.js';
import { plural } from '../text/format.js';
import type { MediaStore } from './media-store.js';
import type { Network, PostStore } from './posts-store.js';
import { DEFAULT_TZ, planPost, validatePostText } from './schedule.js';
import { mediaOutsideCampaign, mediaRows, networkOf } from './schedule-io.js';
import { checkZone, parseDue } from './time.js';

/** `schedule import`: a CSV or workbook of posts (as `schedule export` writes them, or written by hand) queued, each row accounted for. */

const IMPORTED_STATUSES = new Set(['', 'queued', 'prévu', 'prevu', 'en attente']);
/** Statuses an export writes for posts already done or closed: such rows are set aside, said so. */
const CLOSED_STATUSES = new Map([
  ['published', 'déjà publiée'],
  ['publié', 'déjà publiée'],
  ['publishing', 'en cours de publication'],
  ['en cours', 'en cours de publication'],
  ['unconfirmed', 'non confirmée'],
  ['non confirmé', 'non confirmée'],
  ['failed', 'refusée par le réseau'],
  ['refusé', 'refusée par le réseau'],
  ['cancelled', 'annulée'],
  ['annulé', 'annulée'],
]);

export interface ImportReport {
  /** Data rows read = imported + set aside (a rejected row stops the whole import). */
  read: number;
  imported: number;
  setAside: Array<{ line: number; reason: string }>;
  /** The same text on the same network within 7 days of another post, as `schedule add` says it. */
  warnings: Array<{ line: number; message: string }>;
}

/** A post that is, or may be, on a network, or will be: an edited copy of it would be a second one. */
const LIVE_STATUSES = new Set(['queued', 'publishing', 'published', 'unconfirmed']);

const STATUS_WORDS: Record<string, string> = { queued: 'prévue', publishing: 'en cours de publication', published: 'déjà publiée', failed: 'refusée par le réseau', unconfirmed: 'non confirmée' };

/**
 * Import: every row checked first (all problems reported by line: an unknown channel, date or
 * statut), then all added in one transaction, or none. Rows whose statut says the post is done or
 * closed (an export of another campaign) are set aside, each named in the report.
 */
export async function importPostsDetailed(store: PostStore, path: string, shown: string, now: Date, media?: CampaignMedia): Promise<ImportReport> {
  // The header may sit under a title row (a workbook made by hand), as the town-hall list's may.
  const isHeader = (cells: string[]) => ['canal', 'date', 'texte'].every((n) => cells.some((c) => c.trim().toLowerCase() === n));
  const table = await openTable(path, { displayName: shown, isHeader });
  const names = table.header.map((h) => h.trim().toLowerCase());
  const warnings: ImportReport['warnings'] = [];
  if (table.sheets) warnings.push({ line: table.headerLine, message: hiddenSheetsMessage(table.sheets) });
  const chosen = chooseColumns(table, names, shown, warnings);
  const col = (n: string) => chosen.get(n) ?? -1;
  const missing = ['canal', 'date', 'texte'].filter((n) => col(n) < 0);
  if (missing.length) throw new RelaisError(`${plural(missing.length, 'colonne manquante', 'colonnes manquantes')} : ${missing.join(', ')} (attendu : id, canal, date, texte, statut)`, { file: shown, line: table.headerLine });
  // Media columns are named by their number: only the column chosen for each name is one.
  const mediaColumns = mediaColumnsOf(names.map((n, i) => (chosen.get(n) === i ? n : '')));
  // Probed once, and only for an import that names media.
  let declared: Map<string, Medium> | undefined;
  const errors: Problem[] = [];
  const rows: Array<{ channel: Network; text: string; at: string; tz: string; line: number; media: Medium[] }> = [];
  const setAside: ImportReport['setAside'] = [];
  const inFile = new Map<string, number>();
  let read = 0;
  for await (const row of table.rows) {
    read++;
    if (repeatsHeader(table, row.values)) {
      setAside.push({ line: row.line, reason: 'en-tête répété (exports mis bout à bout), pas importée' });
      continue;
    }
    const get = (n: string) => (col(n) >= 0 ? (row.values[col(n)] ?? '').trim() : '');
    const statut = get('statut').toLowerCase();
    const closed = CLOSED_STATUSES.get(statut);
    if (closed) {
      setAside.push({ line: row.line, reason: `statut « ${get('statut')} » : publication ${closed}, pas importée` });
      continue;
    }
    try {
      if (!IMPORTED_STATUSES.has(statut)) throw new RelaisError(`statut « ${get('statut')} » inconnu : laissez la colonne vide ou écrivez « prévu » (queued) pour importer la ligne ; published, cancelled, failed, unconfirmed (ou publié, annulé, refusé, non confirmé) la laissent de côté`, { field: 'statut' });
      const channel = networkOf(get('canal'));
      const text = restoreCell(get('texte'));
      validatePostText(channel, text);
      // The zone the post was planned in (an export says it): a Cayenne post stays one.
      const tz = get('fuseau') || (media ? campaignZone(media.campaign) : DEFAULT_TZ);
      if (get('fuseau')) {
        try {
          checkZone(tz);
        } catch {
          throw new RelaisError(`fuseau « ${tz} » inconnu : un fuseau IANA est attendu, comme Europe/Paris ou America/Cayenne`, { field: 'fuseau' });
        }
      }
      const due = parseDue(get('date'), tz, now);
      // An export imported back (into its own campaign, or twice) queues nothing twice: the same
      // post — network, instant and text — already in the calendar, or earlier in the file, is
      // set aside and named.
      const same = store.near(channel, text, due.utc, 0)[0];
      if (same) {
        setAside.push({ line: row.line, reason: `déjà au calendrier : publication n° ${same.id} (${STATUS_WORDS[same.status] ?? same.status}), même réseau, même heure, même texte ; pas importée` });
        continue;
      }
      const key = `${channel}\u0000${due.utc.toISOString()}\u0000${text}`;
      const earlier = inFile.get(key);
      if (earlier !== undefined) {
        setAside.push({ line: row.line, reason: `même publication qu'à la ligne ${earlier} (même réseau, même heure, même texte) ; pas importée deux fois` });
        continue;
      }
      // A row that keeps an export's id but whose network, time or text was edited in the
      // spreadsheet: imported as a new post, the one it was made from would be published too.
      const id = /^\d+$/.test(get('id')) ? store.get(Number(get('id'))) : undefined;
      if (id && LIVE_STATUSES.has(id.status)) {
        throw new RelaisError(
          `id ${id.id} : la publication n° ${id.id} (${STATUS_WORDS[id.status] ?? id.status}) a un autre réseau, une autre heure ou un autre texte ; pour la remplacer, annulez-la d'abord (relais schedule cancel ${id.id}) puis importez ; pour en ajouter une autre, videz la colonne id de cette ligne`,
          { field: 'id' },
        );
      }
      inFile.set(key, row.line);
      const cells: MediumCell[] = [];
      for (const c of mediaColumns) {
        const value = c.media >= 0 ? (row.values[c.media] ?? '').trim() : '';
        const alt = c.alt >= 0 ? (row.values[c.alt] ?? '').trim() : '';
        if (!value && alt) throw new RelaisError(`texte_alternatif_${c.n} : un texte alternatif sans média (la colonne media_${c.n} est vide)`, { field: `texte_alternatif_${c.n}` });
        if (value) cells.push({ column: `media_${c.n}`, value, alt: alt ? restoreCell(alt) : undefined });
      }
      let carried: Medium[] = [];
      if (cells.length) {
        if (!media) throw new RelaisError('cette importation ne sait pas lire les médias', { field: cells[0]!.column });
        declared ??= await declaredMedia(media.campaign);
        const checked = await importedMedia(media.campaign, cells, channel, declared);
        for (const p of checked.problems) errors.push({ severity: 'error', kind: 'import', scope: 'row', file: shown, line: row.line, field: p.field, message: `${p.field} : ${p.message}` });
        if (checked.problems.length) continue;
        carried = checked.media;
      }
      rows.push({ channel, text, at: get('date'), tz, line: row.line, media: carried });
    } catch (err) {
      if (!(err instanceof RelaisError)) throw err;
      errors.push({ severity: 'error', kind: 'import', scope: 'row', file: shown, line: row.line, message: err.message });
    }
  }
  if (errors.length) {
    throw new RelaisError(`${errors.length} ${plural(errors.length, 'ligne invalide', 'lignes invalides')} : rien n'a été importé`, { file: shown, ...(errors[0]?.line ? { line: errors[0].line } : {}) }, { details: { errors } });
  }
  store.transaction(() => {
    for (const r of rows) {
      const planned = planPost(store, { channel: r.channel, text: r.text, at: r.at, tz: r.tz, now, source: 'import' });
      for (const message of [...(planned?.warnings ?? []), ...(planned ? mediaOutsideCampaign(r.media) : [])]) warnings.push({ line: r.line, message });
      if (planned && r.media.length) media!.store.attach(planned.post.id, mediaRows(r.media));
    }
  });
  return { read, imported: rows.length, setAside, warnings };
}

/** The columns an import reads by name (media columns aside, see mediaColumnsOf). */
const READ_COLUMNS = new Set(['id', 'canal', 'date', 'texte', 'statut', 'fuseau']);

/**
 * Which column each name reads. Columns of one name are settled as in the mayors', town halls' and
 * sign-ups' files (settleDuplicates): a column hidden in Excel is an old one kept out of sight
 * (last year's « texte »), so the one visible is read, and said; two visible ones (or none) are
 * refused, for nothing says which text is to go out on the networks. Names nothing reads (two
 * « remarques ») change nothing.
 */
function chooseColumns(table: Pick<Table, 'header' | 'headerLine' | 'hiddenColumns'>, names: string[], shown: string, warnings: ImportReport['warnings']): Map<string, number> {
  const hidden = table.hiddenColumns ?? new Set<number>();
  const byName = new Map<string, number[]>();
  names.forEach((n, i) => {
    if (n) byName.set(n, [...(byName.get(n) ?? []), i]);
  });
  const named = (i: number) => `« ${table.header[i]?.trim() ?? ''} » (colonne ${i + 1}${hidden.has(i) ? ', masquée dans Excel' : ''})`;
  const chosen = new Map<string, number>();
  for (const [name, found] of byName) {
    chosen.set(name, found[0]!);
    if (found.length === 1 || !(READ_COLUMNS.has(name) || mediaColumnsOf([name]).length > 0)) continue;
    const visible = found.filter((i) => !hidden.has(i));
    if (visible.length !== 1) {
      const said = duplicateColumnMessage(table.header[found[0]!]?.trim() ?? name, found.map((i) => i + 1), hidden);
      throw new RelaisError(`${said} : ${DUPLICATE_COLUMN_HINT} ; rien n'a été importé`, { file: shown, line: table.headerLine, field: name });
    }
    const used = visible[0]!;
    chosen.set(name, used);
    const others = found.filter((i) => i !== used);
    warnings.push({
      line: table.headerLine,
      message: `plusieurs colonnes « ${table.header[used]?.trim()} » : ${named(used)} est lue, ${others.map(named).join(', ')} ${others.length > 1 ? 'ne le sont pas' : "ne l'est pas"} ; si ce n'est pas la bonne, supprimez l'autre ou donnez-lui un autre nom`,
    });
  }
  return chosen;
}

/** The number of posts imported (see importPostsDetailed). */
export async function importPosts(store: PostStore, path: string, shown: string, now: Date): Promise<number> {
  return (await importPostsDetailed(store, path, shown, now)).imported;
}

/** The campaign and its media store, for an import or an export that carries the posts' media. */
export interface CampaignMedia {
  campaign: Campaign;
  store: MediaStore;
}

/** media_1 / texte_alternatif_1, media_2 … (or a lone « media » / « texte_alternatif »), in order. */
function mediaColumnsOf(names: string[]): Array<{ n: number; media: number; alt: number }> {
  const found = new Map<number, { n: number; media: number; alt: number }>();
  names.forEach((name, i) => {
    const m = /^(media|texte_alternatif)(?:_?(\d{1,2}))?$/.exec(name.replace(/[\s-]+/g, '_').replace(/^médias?/, 'media'));
    if (!m) return;
    const n = Number(m[2] ?? 1);
    const c = found.get(n) ?? { n, media: -1, alt: -1 };
    if (m[1] === 'media') c.media = i;
    else c.alt = i;
    found.set(n, c);
  });
  return [...found.values()].sort((a, b) => a.n - b.n);
}
