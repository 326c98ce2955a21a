import { METROPOLE_ZONE } from '../data/zones.js';
import { checkChannel } from '../channels/index.js';
import { RelaisError } from '../errors.js';
import type { Network, Post, PostStore } from './posts-store.js';
import { pause, unlessInterrupted } from './grace.js';
import { PublishError } from './publish-error.js';
import type { Publisher } from './social.js';
import { parseDue } from './time.js';

/**
 * The scheduler: planning (validated at once: length rule, time, duplicates) and publishing what
 * is due, each post once. A post is claimed (`publishing`, by a conditional update) before the
 * request leaves and `published` when the network answered with its id; an unknown outcome is
 * `unconfirmed`, never retried alone. Without credentials a post is rehearsed in the outbox and
 * stays queued for its network.
 */
export const DEFAULT_TZ = METROPOLE_ZONE;

const RATE_FALLBACK_MS = 15 * 60_000;

export function validatePostText(channel: Network, text: string): void {
  const result = checkChannel(channel, text);
  if (!result.valid) throw new RelaisError(`texte refusé pour ${channel} : ${result.problems.filter((p) => p.severity === 'error').map((p) => p.message).join(' ; ')}`, { field: '--text' });
}

export interface Planned {
  post: Post;
  warnings: string[];
}

export function planPost(store: PostStore, input: { channel: Network; text: string; at: string; tz: string; now: Date; source?: string; sourceKey?: string; allowPast?: boolean }): Planned | undefined {
  validatePostText(input.channel, input.text);
  const due = parseDue(input.at, input.tz, input.now, { allowPast: input.allowPast ?? false });
  const warnings = store.near(input.channel, input.text, due.utc).map((p) => `même texte déjà prévu sur ${input.channel} le ${p.local_time} (${p.tz}), publication n° ${p.id} : les réseaux refusent souvent les doublons`);
  const post = store.add({ channel: input.channel, text: input.text, local: due.local, tz: due.tz, utc: due.utc, source: input.source ?? 'cli', ...(input.sourceKey ? { sourceKey: input.sourceKey } : {}) });
  return post ? { post, warnings } : undefined;
}

export interface RunResult {
  /** Published on a network: never a copy in the outbox. */
  published: Array<{ id: number; channel: string; remoteId: string; url: string | null; outbox: boolean; destination: string }>;
  /**
   * Written to the local outbox: a rehearsal, the post stays queued for its network. `held`: late
   * and not allowed late, so the same run with credentials would not publish it (see `late`).
   */
  rehearsed: Array<{ id: number; channel: string; path: string; late: boolean; held: boolean }>;
  failed: Array<{ id: number; channel: string; reason: string }>;
  /** `tz`: the post's zone, in which the time to try again is said. */
  deferred: Array<{ id: number; channel: string; until: string | null; reason: string; tz: string }>;
  unconfirmed: Array<{ id: number; channel: string; reason: string }>;
  /** More than LATE_MS past due: not published on a network unless the user said so. */
  late: Array<{ id: number; channel: string; due: string; local: string }>;
  authErrors: string[];
  /** The networks `authErrors` stopped: left for the rest of the run (a --watch keeps them left). */
  authChannels: string[];
  /** The first API that stopped answering (see `outages`). */
  outage: { channel: string; attempts: number; reason: string } | null;
  /** Each API that stopped answering: its posts wait for the next run; the other networks' go on. */
  outages: Array<{ channel: string; attempts: number; reason: string }>;
}

export function emptyRun(): RunResult {
  return { published: [], rehearsed: [], failed: [], deferred: [], unconfirmed: [], late: [], authErrors: [], authChannels: [], outage: null, outages: [] };
}

/**
 * The one notion of failure of a run, for its `ok`, its exit code and its summary: a post refused,
 * of unknown fate, held because it is late, blocked by a credential, an API unreachable, or a due
 * post that did not go for a reason of no time (a video still processing when relais stopped
 * waiting, an upload to start again): nobody must read « all went » while it waits for a run that
 * a cron job or a script would not make. A post put off to the reset time a network gave is not a
 * failure: the next run (or --watch) takes it at that time.
 */
export function runFailures(r: RunResult): number {
  return r.failed.length + r.unconfirmed.length + r.late.length + new Set(r.authErrors).size + r.outages.length + new Set(r.deferred.filter((d) => d.until === null).map((d) => d.id)).size;
}

/** The first retry's pause, doubled at each attempt, unless RELAIS_RETRY_MS (settings.ts) says otherwise. */
export const RETRY_BASE_MS = 2000;

/** A post due more than this long ago is "late": publishing it now would surprise its readers. */
export const LATE_MS = 24 * 3600_000;
/** Requests in a row to one API without an answer (unreachable, timeout, 5xx) that stop a run. */
export const OUTAGE_ATTEMPTS = 3;

export function isLate(post: Pick<Post, 'due_utc'>, now: Date): boolean {
  return Date.parse(post.due_utc) < now.getTime() - LATE_MS;
}

/**
 * What this run takes from the queue for each publisher: a network takes every queued post (a
 * rehearsal does not count as published there); the outbox only those never written to it.
 */
export function takes(pub: Publisher, post: Post): boolean {
  return pub.outbox ? post.outbox_at === null : true;
}

export async function publishDue(
  store: PostStore,
  pubs: Record<Network, Publisher>,
  options: { now: () => Date; retryBaseMs?: number; maxAttempts?: number; signal?: AbortSignal; allowLate?: boolean; skip?: ReadonlySet<Network> },
): Promise<RunResult> {
  const result = emptyRun();
  // A network refusing a credential, limiting or down is left for this run; `skip`: already known so.
  const blocked = new Set<Network>(options.skip);
  const silent: Record<Network, number> = { twitter: 0, facebook: 0, linkedin: 0 };
  const base = options.retryBaseMs ?? RETRY_BASE_MS;
  const maxAttempts = options.maxAttempts ?? 3;
  const noAnswer = (channel: Network, reason: string, requests: number): boolean => {
    silent[channel] += requests;
    if (silent[channel] < OUTAGE_ATTEMPTS) return false;
    const outage = { channel, attempts: silent[channel], reason };
    result.outage ??= outage;
    result.outages.push(outage);
    blocked.add(channel);
    return true;
  };
  for (const post of store.due(options.now())) {
    if (options.signal?.aborted) break;
    if (blocked.has(post.channel)) continue;
    const pub = pubs[post.channel];
    if (!takes(pub, post)) continue;
    if (pub.outbox) {
      // A rehearsal: written once, the post stays queued for the network.
      if (!store.claimRehearsal(post.id)) continue;
      try {
        const { path } = await pub.publish(post, options.now());
        store.rehearsed(post.id, path ?? null);
        const late = isLate(post, options.now());
        // The real run's rule, below: a late post waits for allowLate (--publish-late, or a yes).
        result.rehearsed.push({ id: post.id, channel: post.channel, path: path ?? '', late, held: late && !options.allowLate });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        store.rehearsed(post.id, null, message);
        result.failed.push({ id: post.id, channel: post.channel, reason: message });
      }
      continue;
    }
    if (!options.allowLate && isLate(post, options.now())) {
      result.late.push({ id: post.id, channel: post.channel, due: post.due_utc, local: `${post.local_time} ${post.tz}` });
      continue;
    }
    for (let attempt = 1; ; attempt++) {
      // Another run may have taken it meanwhile (or during our pause): then it is that run's.
      if (!store.claim(post.id, pub.destination)) break;
      try {
        const { id, url } = await unlessInterrupted(pub.publish(post, options.now(), options.signal), options.signal, () => new PublishError('interrompu avant la réponse du réseau : issue inconnue, vérifiez sur le réseau', 'unknown'));
        store.update(post.id, { status: 'published', remote_id: id, remote_url: url, last_error: null, next_attempt_utc: null, published_at: options.now().toISOString(), claim: null });
        result.published.push({ id: post.id, channel: post.channel, remoteId: id, url, outbox: false, destination: pub.destination });
        silent[post.channel] = 0;
        break;
      } catch (err) {
        const e = err instanceof PublishError ? err : new PublishError((err as Error).message, 'transient');
        if (e.kind === 'content') {
          store.update(post.id, { status: 'failed', last_error: e.message, claim: null });
          result.failed.push({ id: post.id, channel: post.channel, reason: e.message });
          silent[post.channel] = 0;
        } else if (e.kind === 'auth') {
          store.update(post.id, { status: 'queued', last_error: e.message, claim: null });
          result.authErrors.push(e.message);
          result.authChannels.push(post.channel);
          blocked.add(post.channel);
        } else if (e.kind === 'rate') {
          const until = e.retryAt ?? new Date(options.now().getTime() + RATE_FALLBACK_MS);
          store.update(post.id, { status: 'queued', next_attempt_utc: until.toISOString(), last_error: `${e.message}${e.retryAt ? '' : ' (sans heure de reprise donnée par le réseau)'}`, claim: null });
          result.deferred.push({ id: post.id, channel: post.channel, until: until.toISOString(), reason: e.message, tz: post.tz });
          blocked.add(post.channel);
        } else if (e.kind === 'unknown') {
          store.update(post.id, { status: 'unconfirmed', last_error: e.message, claim: null });
          result.unconfirmed.push({ id: post.id, channel: post.channel, reason: e.message });
          noAnswer(post.channel, e.message, e.unanswered);
        } else {
          // Nothing was published: the post goes back to the queue, and is tried again after a
          // pause unless the run was interrupted or the API has been silent too many times.
          store.update(post.id, { status: 'queued', last_error: e.message, claim: null });
          const down = noAnswer(post.channel, e.message, e.unanswered);
          if (!down && attempt < maxAttempts && !options.signal?.aborted) {
            await pause(base * 2 ** (attempt - 1), options.signal);
            if (!options.signal?.aborted) continue;
          }
          result.deferred.push({ id: post.id, channel: post.channel, until: null, reason: e.message, tz: post.tz });
        }
        break;
      }
    }
  }
  return result;
}
