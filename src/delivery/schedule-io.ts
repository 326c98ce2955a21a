import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { campaignPaths } from '../campaign/paths.js';
import { unknownDepartements, type ReadyCampaign } from '../campaign/check.js';
import { CAMPAIGN_FILE, campaignKey, type Campaign } from '../campaign/load.js';
import { channelName } from '../channels/types.js';
import { restoreCell } from '../data/csv-write.js';
import { DUPLICATE_COLUMN_HINT, duplicateColumnMessage } from '../data/columns.js';
import { repeatsHeader } from '../data/header-rows.js';
import { hiddenSheetsMessage, openTable, type Table } from '../data/table.js';
import { RelaisError, UsageError } from '../errors.js';
import { templateDiffers } from '../campaign/publications.js';
import type { Problem } from '../problems.js';
import { Journal } from './journal.js';
import { PostStore, type Network, type Post } from './posts-store.js';
import { MediaStore, type PostMedium } from './media-store.js';
import type { Medium } from '../media/declared.js';
import { DEFAULT_TZ, planPost, validatePostText } from './schedule.js';
import { campaignZone } from '../data/zones.js';
import { publishers, type Publisher, type SocialEnvironment } from './social.js';
import { plural } from '../text/format.js';
import { declaredMedia, importedMedia, type MediumCell } from '../media/declared.js';
import { checkZone, parseDue } from './time.js';

/** The campaign's post store and its publishers (outbox for networks without credentials). */
export function openScheduler(campaign: Campaign, env: SocialEnvironment): { journal: Journal; store: PostStore; media: MediaStore; pubs: Record<Network, Publisher> } {
  const journal = Journal.open(campaign.dir, campaignKey(campaign));
  const store = new PostStore(journal);
  const media = new MediaStore(journal, campaign.dir);
  const pubs = publishers(env, campaignPaths(campaign.dir).publications, campaign.dir, { media, posts: store });
  return { journal, store, media, pubs };
}

/**
 * A medium outside the campaign folder is kept by its absolute path: a copy of the folder (a
 * backup, another computer) would not carry it. Said when the post is planned (add or import).
 */
export function mediaOutsideCampaign(media: Medium[]): string[] {
  return media.filter((m) => isAbsolute(m.shown)).map((m) => `${m.shown} est hors du dossier de la campagne : une copie du dossier (sauvegarde, autre poste) ne l'emportera pas ; placez-le plutôt dans medias/`);
}

/** What a post records of its media when it is planned. */
export function mediaRows(media: Medium[]): Array<Omit<PostMedium, 'post_id' | 'position'>> {
  return media.map((m) => ({ name: m.name, path: m.path, alt: m.alt ?? null, title: m.title ?? null, sha256: m.probe.sha256, size: m.probe.size, mime: m.probe.mime, kind: m.probe.kind }));
}

/** The network a --channel value (or a --template name, or an import's canal) names. */
export function networkOf(value: string, option: '--channel' | '--template' = '--channel'): Network {
  const c = channelName(value);
  const what = option === '--template' ? 'modèle' : 'canal';
  if (c !== 'twitter' && c !== 'facebook' && c !== 'linkedin') throw new RelaisError(`${what} « ${value} » inconnu : twitter (ou x), facebook, linkedin`, { field: option });
  return c;
}

/**
 * The text of a channel template, rendered for a département: --dep, or the only text the
 * template gives. One that says something else in each département would speak on the agency's
 * regional accounts of the first one alone: refused without --dep, as check refuses the same
 * entry in campagne.yaml (campaign/publications.ts).
 */
export function templateText(ready: ReadyCampaign, channel: Network, dep?: string): string {
  if (dep === undefined) {
    const differs = templateDiffers(ready.campaign, ready.plan, channel);
    if (differs) {
      const { texts, other, first, second } = differs;
      const codes = texts.map((t) => t.d.code).join(', ');
      throw new UsageError(
        `--template ${channel} : le modèle ne dit pas la même chose dans chaque département (${texts[0]!.d.nom} : « ${first} » ; ${other.d.nom} : « ${second} ») : publié sur les comptes de l'agence, il ne parlerait que du département ${texts[0]!.d.code}. Donnez le département dont parle la publication (--dep ${texts[0]!.d.code} ou --dep ${other.d.code}${texts.length > 2 ? ` ; la campagne a ${codes}` : ''}) ou son propre texte (--text)`,
      );
    }
  }
  const d = ready.campaign.departements.find((x) => !dep || x.code === dep);
  if (!d) throw unknownDepartements([dep!], ready.campaign);
  return ready.plan.departement(d.code)!.messages[channel].texte;
}

/**
 * The `publications:` of campagne.yaml, queued once each (a key per entry): re-running never
 * queues them twice. Past dates are due at once; more than a day past, a network takes them only
 * when the user says so (see publishDue's allowLate).
 */
export async function queueCampaignPublications(ready: ReadyCampaign, store: PostStore, now: Date, mediaStore?: MediaStore): Promise<{ added: number; withdrawn: Withdrawn[]; held: Post[] }> {
  let added = 0;
  const queuedNow: Post[] = [];
  const publications = ready.campaign.config.publications ?? [];
  // Probed only when a publication carries media (check has validated them already).
  const declared = publications.some((p) => p.medias?.length) ? await declaredMedia(ready.campaign) : new Map<string, Medium>();
  const zone = campaignZone(ready.campaign);
  const entries = publications.map((p) => {
    const channel = networkOf(p.canal);
    const text = p.texte ?? templateText(ready, p.modele ?? channel, p.departement);
    const names = p.medias ?? [];
    // A post without media keeps the key it always had: a journal of an older relais queues nothing twice.
    const key = createHash('sha256').update(JSON.stringify(names.length ? [channel, p.date, p.fuseau ?? zone, text, names] : [channel, p.date, p.fuseau ?? zone, text])).digest('hex').slice(0, 24);
    return { p, channel, text, names, key };
  });
  const keys = new Set(entries.map((e) => e.key));
  const all = store.list();
  const known = new Set(all.map((p) => p.source_key));
  // A campaign post already on its network whose entry has changed since (a corrected template, a
  // moved date) is not published a second time: it stands for the changed entry, said so. Emails
  // are the same (--resend-changed). So does one the user cancelled (schedule cancel: not wanted,
  // or found online after an unconfirmed answer): a corrected template does not bring it back.
  // Which entry is its new version: the one of its network at the same time, else with the same
  // text, else — for a post on its network only — the one planned nearest to it, within two days
  // (a moved hour). A cancelled post stands only for its entry at the same time or with the same
  // text: cancelled and deleted from campagne.yaml, it must not hold back a new publication of the
  // next day. Any other new entry is a new publication. Posts relais withdrew (below) are tied to
  // no entry any more.
  const binding = (p: Post) => ['published', 'publishing', 'unconfirmed'].includes(p.status) || (p.status === 'cancelled' && p.withdrawn_at === null);
  const done = all.filter((p) => p.source === 'campagne' && binding(p) && p.source_key !== null && !keys.has(p.source_key));
  const fresh = entries.filter((e) => !known.has(e.key));
  const dueOf = (e: (typeof entries)[number]) => {
    try {
      return parseDue(e.p.date, e.p.fuseau ?? zone, now, { allowPast: true });
    } catch {
      return undefined; // planPost says what is wrong with it
    }
  };
  const standIns = new Map<string, Post>();
  const pair = (matches: (post: Post, e: (typeof entries)[number]) => boolean) => {
    for (const e of fresh) {
      if (standIns.has(e.key)) continue;
      const i = done.findIndex((d) => d.channel === e.channel && matches(d, e));
      if (i >= 0) standIns.set(e.key, done.splice(i, 1)[0]!);
    }
  };
  pair((post, e) => post.local_time === dueOf(e)?.local && post.tz === (e.p.fuseau ?? zone));
  pair((post, e) => post.text === e.text);
  const gap = (post: Post, e: (typeof entries)[number]) => Math.abs(new Date(post.due_utc).getTime() - (dueOf(e)?.utc.getTime() ?? Number.NaN));
  for (const post of done.filter((d) => d.status !== 'cancelled')) {
    const near = fresh.filter((e) => e.channel === post.channel && !standIns.has(e.key) && gap(post, e) <= MOVED_MS).sort((a, b) => gap(post, a) - gap(post, b))[0];
    if (near) {
      standIns.set(near.key, post);
      done.splice(done.indexOf(post), 1);
    }
  }
  // Posts the journal's upgrade could not attribute (Post.upgrade_doubt) stay cancelled; said once,
  // when their entry is in campagne.yaml, then held as the user's cancellations.
  const held: Post[] = all.filter((p) => p.upgrade_doubt !== null && p.source_key !== null && keys.has(p.source_key));
  for (const p of held) store.settleDoubt(p.id);
  for (const { p, channel, text, names, key } of entries) {
    const post = standIns.get(key);
    if (post) {
      store.standFor(post.id, key);
      held.push(post);
      continue;
    }
    let planned: ReturnType<typeof planPost>;
    try {
      planned = planPost(store, { channel, text, at: p.date, tz: p.fuseau ?? zone, now, source: 'campagne', sourceKey: key, allowPast: true });
    } catch (err) {
      // check refuses these first; should one come here, it is named where the user wrote it, not as an option.
      if (!(err instanceof RelaisError) || err.location.field !== '--at') throw err;
      const i = publications.indexOf(p);
      const field = `publications.${i}.date`;
      throw new RelaisError(`publication n° ${i + 1} de campagne.yaml : ${err.message}`, { file: CAMPAIGN_FILE, field, ...(ready.campaign.lines?.has(field) ? { line: ready.campaign.lines.get(field)! } : {}) });
    }
    if (!planned) continue;
    added++;
    queuedNow.push(planned.post);
    const media = names.map((n) => declared.get(n)).filter((m): m is Medium => m !== undefined);
    if (media.length && mediaStore) mediaStore.attach(planned.post.id, mediaRows(media));
  }
  // campagne.yaml is the truth of its publications: one whose text, date or media changed since it
  // was queued (a template corrected after the rehearsal) replaces the old version, which is
  // withdrawn while it is still only queued — the draft must not go out beside the correction.
  const withdrawn = store.list().filter((p) => p.source === 'campagne' && p.status === 'queued' && p.source_key !== null && !keys.has(p.source_key) && store.withdraw(p.id));
  return { added, withdrawn: withdrawn.map((p) => ({ ...p, replacedBy: replacement(p, queuedNow)?.id ?? null })), held };
}

/** A campaign post relais withdrew, and the post queued in the same run as its new version, if any. */
export type Withdrawn = Post & { replacedBy: number | null };

/**
 * Which post queued in this run is the withdrawn one's new version, by the rule that pairs an
 * entry with its published post: same network and time, else same text, else the nearest within
 * two days. None when the entry was taken out of campagne.yaml: the user must not read that a
 * current version replaces it.
 */
function replacement(old: Post, queued: Post[]): Post | undefined {
  const mine = queued.filter((q) => q.channel === old.channel);
  const gap = (q: Post) => Math.abs(Date.parse(q.due_utc) - Date.parse(old.due_utc));
  return (
    mine.find((q) => q.local_time === old.local_time && q.tz === old.tz) ??
    mine.find((q) => q.text === old.text) ??
    mine.filter((q) => gap(q) <= MOVED_MS).sort((a, b) => gap(a) - gap(b))[0]
  );
}

/** How far a published campaign post's entry may move and still be the same post (a moved hour, a day). */
const MOVED_MS = 2 * 86_400_000;

/** What is said of a campaign post already published, or cancelled, whose entry has changed in campagne.yaml. */
export function heldLine(p: Post): string {
  const how = `pour la publier quand même : relais schedule add --channel ${p.channel} …`;
  if (p.upgrade_doubt === 'held') {
    return `publication n° ${p.id} (${p.channel}, ${p.local_time}) retirée de la file à la mise à jour du journal : une version antérieure de relais l'avait mise en file comme nouvelle version d'une publication annulée, sans tenir compte de l'annulation ; elle est annulée à son tour et n'est pas publiée (dit une seule fois) ; ${how}`;
  }
  if (p.upgrade_doubt === 'cancelled') {
    return `publication n° ${p.id} (${p.channel}, ${p.local_time}) annulée avant la mise à jour du journal, qui ne dit pas si vous l'avez annulée (schedule cancel) ou si une version antérieure de relais l'a retirée quand son entrée a quitté campagne.yaml : elle est tenue pour annulée par vous, et son entrée dans campagne.yaml n'est pas publiée (dit une seule fois) ; ${how}`;
  }
  if (p.status === 'cancelled') {
    return `publication n° ${p.id} (${p.channel}, ${p.local_time}) annulée (schedule cancel) : sa version modifiée dans campagne.yaml (texte, modèle, date ou médias) reste annulée et n'est pas publiée ; pour la publier quand même : relais schedule add --channel ${p.channel} …`;
  }
  const state = p.status === 'published' ? 'déjà publiée' : 'déjà envoyée au réseau (remise non confirmée)';
  return `publication n° ${p.id} (${p.channel}, ${p.local_time}) ${state} : sa version modifiée dans campagne.yaml (texte, modèle, date ou médias) n'est pas publiée une seconde fois ; pour la publier quand même : relais schedule add --channel ${p.channel} …`;
}

/** What is said of a publication withdrawn by queueCampaignPublications. */
export function withdrawnLine(p: Post & { replacedBy?: number | null }): string {
  const head = `publication n° ${p.id} (${p.channel}, ${p.local_time}) retirée`;
  if (p.replacedBy) return `${head} : elle n'est plus dans campagne.yaml telle quelle (texte, modèle, date ou médias modifiés) ; la version actuelle (n° ${p.replacedBy}) la remplace`;
  return `${head} : son entrée n'est plus dans campagne.yaml telle quelle et aucune nouvelle publication ne la remplace : elle n'est pas publiée`;
}

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
