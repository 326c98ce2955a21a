import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { campaignPaths } from '../campaign/paths.js';
import { unknownDepartements, type ReadyCampaign } from '../campaign/check.js';
import { CAMPAIGN_FILE, campaignKey, type Campaign } from '../campaign/load.js';
import { channelName } from '../channels/types.js';
import { RelaisError, UsageError } from '../errors.js';
import { templateDiffers } from '../campaign/publications.js';
import { Journal } from './journal.js';
import { PostStore, type Network, type Post } from './posts-store.js';
import { MediaStore, type PostMedium } from './media-store.js';
import type { Medium } from '../media/declared.js';
import { planPost } from './schedule.js';
import { campaignZone } from '../data/zones.js';
import { publishers, type Publisher, type SocialEnvironment } from './social.js';
import { declaredMedia } from '../media/declared.js';
import { parseDue } from './time.js';

/**
 * The campaign's post store and its publishers (outbox for networks without credentials).
 * `readOnly`: for a command that only reads the posts (see openJournalDatabase).
 */
export function openScheduler(campaign: Campaign, env: SocialEnvironment, options: { readOnly?: boolean } = {}): { journal: Journal; store: PostStore; media: MediaStore; pubs: Record<Network, Publisher> } {
  const journal = Journal.open(campaign.dir, campaignKey(campaign), undefined, options);
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
  // Each new entry's instant, worked out once (parseDue tries every offset of the day): the pairings
  // below ask for it for every post they compare it with.
  const dues = new Map(
    fresh.map((e) => {
      try {
        return [e.key, parseDue(e.p.date, e.p.fuseau ?? zone, now, { allowPast: true })] as const;
      } catch {
        return [e.key, undefined] as const; // planPost says what is wrong with it
      }
    }),
  );
  const dueOf = (e: (typeof entries)[number]) => dues.get(e.key);
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
