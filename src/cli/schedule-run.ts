import { askYesNo } from './confirm.js';
import { ready as readyCampaign } from './campaign.js';
import { pause } from '../delivery/grace.js';
import type { Network, Post, PostStore } from '../delivery/posts-store.js';
import { zonePlace } from '../data/zones.js';
import { emptyRun, isLate, publishDue, runFailures, takes, type RunResult } from '../delivery/schedule.js';
import { heldLine, openScheduler, queueCampaignPublications, withdrawnLine } from '../delivery/schedule-io.js';
import type { Publisher } from '../delivery/social.js';
import { formatLocal } from '../delivery/time.js';
import { frenchNumber, plural } from '../text/format.js';
import type { Context } from './context.js';
import { interruption } from './interrupt.js';
import type { Output } from './output.js';

const NAMES: Record<Network, string> = { twitter: 'X', facebook: 'Facebook', linkedin: 'LinkedIn' };
const API_URL: Record<Network, string> = { twitter: 'RELAIS_X_API_URL', facebook: 'RELAIS_FACEBOOK_API_URL', linkedin: 'RELAIS_LINKEDIN_API_URL' };

const n = (count: number, singular: string, pluralForm?: string) => `${frenchNumber(count)} ${plural(count, singular, pluralForm)}`;

/** What the journal says of the campaign's posts after a run: the figures of its summary. */
export interface Tally {
  publiees: number;
  prevues: number;
  repetees: number;
  /** Of those planned, the ones a run is publishing right now (claimed, the network not answered yet). */
  enCours: number;
  refusees: number;
  nonConfirmees: number;
  annulees: number;
}

export function tally(posts: Post[]): Tally {
  const count = (f: (p: Post) => boolean) => posts.filter(f).length;
  return {
    publiees: count((p) => p.status === 'published'),
    prevues: count((p) => p.status === 'queued' || p.status === 'publishing'),
    repetees: count((p) => p.status === 'queued' && p.outbox_at !== null),
    enCours: count((p) => p.status === 'publishing'),
    refusees: count((p) => p.status === 'failed'),
    nonConfirmees: count((p) => p.status === 'unconfirmed'),
    annulees: count((p) => p.status === 'cancelled'),
  };
}

export function tallyLine(t: Tally): string {
  const among = [t.enCours ? `${n(t.enCours, 'en cours de publication', 'en cours de publication')}` : '', t.repetees ? `${n(t.repetees, 'répétée')} dans out/publications/` : ''].filter(Boolean);
  const parts = [`${n(t.publiees, 'publiée')} sur les réseaux`, `${n(t.prevues, 'prévue')}${among.length ? ` (dont ${among.join(', ')})` : ''}`];
  if (t.refusees) parts.push(n(t.refusees, 'refusée'));
  if (t.nonConfirmees) parts.push(n(t.nonConfirmees, 'non confirmée', 'non confirmées'));
  if (t.annulees) parts.push(n(t.annulees, 'annulée'));
  return `Publications de la campagne : ${parts.join(', ')}.`;
}

function printRun(out: Output, r: RunResult, heldPosts: HeldPost[]): void {
  const command = 'relais schedule run';
  for (const p of r.published) out.line(`✔ n° ${p.id} ${p.channel} : publié ${p.url ?? p.remoteId}`);
  for (const p of r.rehearsed) {
    const held = p.held ? ` ; prévue il y a plus de 24 h, elle ne sera pas publiée avec les identifiants sans « ${command} --publish-late » (ou une confirmation sur un terminal)` : '';
    out.line(`✎ n° ${p.id} ${p.channel} : répétition écrite dans ${p.path}${p.late ? ' (en retard : datée d’aujourd’hui)' : ''} — rien n’est publié sans compte configuré${held}`);
  }
  const held = heldRehearsalLine(r, command, true);
  if (held) out.line(out.colors.yellow(held));
  for (const line of runProblems(out, r, command, heldPosts)) out.line(line);
}

/**
 * What the real run will do with the posts this rehearsal wrote more than 24 h late: hold them,
 * as publishDue does on a network without allowLate. Null when there are none. `asksOnTerminal`:
 * the command asks about late posts on a terminal (`schedule run` does, `run` does not).
 */
export function heldRehearsalLine(r: RunResult, command: string, asksOnTerminal: boolean): string | null {
  const held = r.rehearsed.filter((p) => p.held);
  if (!held.length) return null;
  const one = held.length === 1;
  return (
    `! ${n(held.length, 'publication répétée', 'publications répétées')} ${one ? 'était prévue' : 'étaient prévues'} il y a plus de 24 h (n° ${held.map((p) => p.id).join(', ')}) : ` +
    `avec les identifiants des comptes, « ${command} » ne ${one ? 'la' : 'les'} publiera pas (${one ? 'elle reste prévue' : 'elles restent prévues'}, code de sortie 1) ; ` +
    `« ${command} --publish-late »${asksOnTerminal ? ' (ou « o » à la question posée sur un terminal)' : ''} ${one ? 'la' : 'les'} publiera, « relais schedule cancel <n°> » ${one ? 'l’annule' : 'en annule une'}.`
  );
}

/**
 * What went wrong in a publication run, one line each: `relais run` says the same lines as
 * `schedule run`, so that its exit code 1 never comes without its reason.
 */
export function runProblems(out: Output, r: RunResult, command: string, held: HeldPost[] = []): string[] {
  const lines: string[] = [];
  for (const p of r.failed) lines.push(out.colors.red(`✖ n° ${p.id} ${p.channel} : ${p.reason}`));
  for (const p of r.deferred) {
    // Put off to a time the network gave: the next run takes it then. Without a time, the post due
    // now did not go: said as a failure of the run (runFailures), not as a wait.
    if (p.until) lines.push(out.colors.yellow(`… n° ${p.id} ${p.channel} : ${p.reason}, nouvel essai après ${localTime(p.until, p.tz)}`));
    else lines.push(out.colors.red(`✖ n° ${p.id} ${p.channel} : pas publiée pendant cette exécution, elle reste prévue : ${p.reason}`));
  }
  for (const p of held) lines.push(p.failure ? out.colors.red(`✖ n° ${p.id} ${p.channel} : ${p.reason}`) : out.colors.yellow(`… n° ${p.id} ${p.channel} : ${p.reason}`));
  for (const p of r.unconfirmed) lines.push(out.colors.yellow(`? n° ${p.id} ${p.channel} : ${p.reason} — vérifiez sur le réseau ; « relais schedule list » le garde en « non confirmé »`));
  for (const p of r.late) lines.push(out.colors.yellow(`! n° ${p.id} ${p.channel} : prévue le ${p.local}, il y a plus de 24 h — pas publiée (« ${command} --publish-late » la publie maintenant, « relais schedule cancel ${p.id} » l’annule)`));
  for (const m of new Set(r.authErrors)) lines.push(out.colors.red(`✖ ${m}`));
  return lines;
}

/** A due post this run left untried because its network was stopped (credential, rate limit, outage): it stays queued. */
export interface HeldPost {
  id: number;
  channel: string;
  reason: string;
  /** Held by a failure of the run (credential, outage), not by a wait the network asked for. */
  failure: boolean;
}

/**
 * The due posts this run did not try because their network stopped for the run, each named with
 * its network and why, as every other failure is: a communicator who renews a token must see
 * which messages of the morning still wait. Read from the journal right after the run.
 */
export function heldBack(store: PostStore, r: RunResult, now: Date): HeldPost[] {
  const accounted = new Set([...r.published, ...r.rehearsed, ...r.failed, ...r.deferred, ...r.unconfirmed, ...r.late].map((p) => p.id));
  const why = new Map<string, Omit<HeldPost, 'id' | 'channel'>>();
  for (const c of r.authChannels) {
    if (!why.has(c)) why.set(c, { reason: `pas publiée, elle reste prévue : ${NAMES[c as Network] ?? c} a refusé un identifiant ou une permission (voir ci-dessous) ; elle partira à la prochaine exécution une fois le réglage corrigé`, failure: true });
  }
  for (const o of r.outages) if (!why.has(o.channel)) why.set(o.channel, { reason: `pas tentée, elle reste prévue : ${NAMES[o.channel as Network] ?? o.channel} ne répond pas`, failure: true });
  for (const d of r.deferred) {
    if (!d.until || why.has(d.channel)) continue;
    why.set(d.channel, { reason: `pas tentée, elle reste prévue : ${NAMES[d.channel as Network] ?? d.channel} limite les appels jusqu’à ${localTime(d.until, d.tz)}`, failure: false });
  }
  if (!why.size) return [];
  return store
    .due(now)
    .filter((p) => why.has(p.channel) && !accounted.has(p.id))
    .map((p) => ({ id: p.id, channel: p.channel, ...why.get(p.channel)! }));
}

/**
 * When a post is tried again, on its own clock, as relais says every time (« 2026-12-01 03:10 à
 * Paris »): the communicator's clock, not UTC. A time that cannot be read is shown as given.
 */
export function localTime(iso: string, tz: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  try {
    return `${formatLocal(at, tz)} ${zonePlace(tz)}`;
  } catch {
    return iso;
  }
}

const outagesOf = (r: RunResult) => (r.outages.length ? r.outages : r.outage ? [r.outage] : []);

/** « X ne répond pas (3 tentatives de suite : …) », for each network down. */
function downLine(r: RunResult): string {
  return outagesOf(r)
    .map((o) => `${NAMES[o.channel as Network] ?? o.channel} ne répond pas (${o.attempts} tentatives de suite : ${o.reason})`)
    .join(' ; ');
}

export function outageMessage(r: RunResult, remaining: number): string {
  const down = outagesOf(r);
  const urls = down.map((o) => API_URL[o.channel as Network] ?? 'l’adresse du service');
  return (
    `${downLine(r)} : publication arrêtée sur ${down.length > 1 ? 'ces réseaux' : 'ce réseau'}, les autres ont continué. ` +
    `${n(r.published.length, 'publication publiée', 'publications publiées')} pendant cette exécution, ${remaining} ${plural(remaining, 'reste', 'restent')} à publier. ` +
    `Vérifiez la connexion (et ${urls.join(', ')} si ${urls.length > 1 ? 'elles sont définies' : 'elle est définie'}), puis relancez « relais schedule run » : rien ne sera publié deux fois.`
  );
}

/**
 * A network down during --watch is tried again after 15 × RELAIS_RETRY_MS (30 s by default),
 * doubled each time it is still down, up to 10 minutes.
 */
const DOWN_RETRY_FACTOR = 15;
const DOWN_RETRY_MAX_MS = 10 * 60_000;

async function askLate(out: Output, posts: Post[]): Promise<boolean> {
  out.note(`${n(posts.length, 'publication prévue', 'publications prévues')} il y a plus de 24 h :`);
  for (const p of posts) out.note(`  n° ${p.id} ${p.channel} prévue le ${p.local_time} ${p.tz}`);
  return askYesNo('Les publier maintenant sur les réseaux ?');
}

/** Posts this run would publish late on a network: what the confirmation is about. */
function lateOnNetworks(store: PostStore, pubs: Record<Network, Publisher>, now: Date): Post[] {
  return store.due(now).filter((p) => !pubs[p.channel].outbox && isLate(p, now));
}

/** `held`: the due posts left untried because their network stopped for the run (heldBack). */
export type ScheduleRun = RunResult & { ok: boolean; bilan: Tally; held: HeldPost[] };

export async function runSchedule(ctx: Context, options: { watch: boolean; publishLate: boolean }): Promise<ScheduleRun> {
  const ready = await readyCampaign(ctx.campaignDir);
  const { journal, store, media, pubs } = openScheduler(ready.campaign, { settings: ctx.settings, variables: ctx.env });
  const total = emptyRun();
  const held: HeldPost[] = [];
  const interrupt = interruption();
  const { signal } = interrupt;
  let bilan: Tally;
  try {
    const interrupted = store.recoverInterrupted();
    if (interrupted) ctx.out.note(`${n(interrupted, 'publication interrompue', 'publications interrompues')} en cours de route : ${plural(interrupted, 'marquée', 'marquées')} non ${plural(interrupted, 'confirmée', 'confirmées')}`);
    const queued = await queueCampaignPublications(ready, store, new Date(), media);
    for (const w of queued.withdrawn) ctx.out.note(withdrawnLine(w));
    for (const h of queued.held) ctx.out.note(heldLine(h));
    let allowLate = options.publishLate;
    if (!allowLate && !ctx.out.json && process.stdin.isTTY) {
      const late = lateOnNetworks(store, pubs, new Date());
      if (late.length) allowLate = await askLate(ctx.out, late);
    }
    // --watch: a network down is left until its retry time, then tried again; one whose credential
    // or permission was refused is left for the rest of the watch (relais reads them at start).
    const down = new Map<Network, { until: number; delay: number; outage: NonNullable<RunResult['outage']> }>();
    const refused = new Set<Network>();
    for (let turn = 0; ; turn++) {
      const skip = new Set<Network>(refused);
      for (const [network, d] of down) if (d.until > Date.now()) skip.add(network);
      const r = await publishDue(store, pubs, { now: () => new Date(), retryBaseMs: ctx.settings.retryMs, signal, allowLate, skip });
      for (const k of Object.keys(total) as Array<keyof RunResult>) {
        if (k === 'outage') total.outage = r.outage ?? total.outage;
        else (total[k] as unknown[]).push(...(r[k] as unknown[]));
      }
      const heldNow = heldBack(store, r, new Date());
      held.push(...heldNow);
      if (!ctx.out.json) printRun(ctx.out, r, heldNow);
      const idle = !r.published.length && !r.rehearsed.length && !r.deferred.length && !runFailures(r);
      // Said once, not at every wake-up of --watch.
      if (idle && turn === 0 && !ctx.out.json) ctx.out.line(`Rien à publier pour l’instant.${options.watch ? ' En attente des prochaines publications (Ctrl-C pour arrêter).' : ''}`);
      if (!options.watch || signal.aborted) break;
      for (const c of r.authChannels) refused.add(c as Network);
      // A network tried again that did not go down again is back (or has nothing left to take).
      for (const network of [...down.keys()]) if (!skip.has(network) && !r.outages.some((o) => o.channel === network)) down.delete(network);
      for (const o of r.outages) {
        const network = o.channel as Network;
        const previous = down.get(network)?.delay;
        const delay = Math.min(DOWN_RETRY_MAX_MS, previous ? previous * 2 : Math.max(200, ctx.settings.retryMs * DOWN_RETRY_FACTOR));
        down.set(network, { until: Date.now() + delay, delay, outage: o });
        ctx.out.note(ctx.out.colors.yellow(`… ${NAMES[network]} ne répond pas (${o.attempts} tentatives de suite : ${o.reason}) : ses publications attendent, nouvel essai dans ${delay >= 60_000 ? n(Math.round(delay / 60_000), 'minute') : `${(delay / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} s`} ; les autres réseaux continuent.`));
      }
      // Sleep until the next post this run will take is due, or a network down is tried again,
      // waking up regularly (and at once on Ctrl-C).
      const now = new Date();
      const next = store.nextDue((p) => refused.has(p.channel) || down.has(p.channel) || !takes(pubs[p.channel], p) || (!allowLate && !pubs[p.channel].outbox && isLate(p, now)));
      const retry = Math.min(...[...down.values()].map((d) => d.until));
      const wait = Math.min(30_000, Math.max(200, Math.min(next?.getTime() ?? Infinity, retry, Date.now() + 30_000) - Date.now()));
      await pause(wait, signal);
      if (signal.aborted) break;
    }
    // A --watch reports the networks still down when it stops, not a moment's outage since past.
    if (options.watch) {
      total.outages = [...down.values()].map((d) => d.outage);
      total.outage = total.outages[0] ?? null;
    }
    // Late posts reported once, even if a --watch loop met them at every turn.
    total.late = [...new Map(total.late.map((p) => [p.id, p])).values()];
    // A post put off without a time is a failure of the run only while it waits: a later turn of
    // --watch that published it (or refused it) settled it. Each post once, as it last stood.
    total.deferred = [...new Map(total.deferred.map((p) => [p.id, p])).values()].filter((p) => p.until !== null || store.get(p.id)?.status === 'queued');
    bilan = tally(store.list());
  } finally {
    interrupt.release();
    journal.close();
  }
  const failures = runFailures(total);
  if (!ctx.out.json) {
    if (total.outage) ctx.out.line(ctx.out.colors.red(`✖ ${outageMessage(total, bilan.prevues)}`));
    ctx.out.line(tallyLine(bilan));
  } else if (total.outage) {
    ctx.out.note(`relais : ${outageMessage(total, bilan.prevues)}`);
  }
  if (failures) ctx.fail(1);
  return { ok: failures === 0, ...total, bilan, held };
}
