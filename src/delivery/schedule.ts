import { checkChannel } from '../channels/index.js';
import { RelaisError } from '../errors.js';
import type { Post, PostStore } from './posts-store.js';
import { pause, unlessInterrupted } from './grace.js';
import { PublishError, type Publisher } from './social.js';
import type { Network } from './posts-store.js';
import { parseDue } from './time.js';

/**
 * The scheduler: planning (validated at once: length rule, time, duplicates) and publishing what
 * is due, each post once. A post is `publishing` before the request leaves and `published` when
 * the network answered with its id; an unknown outcome is `unconfirmed`, never retried alone.
 */
export const DEFAULT_TZ = 'Europe/Paris';
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
  published: Array<{ id: number; channel: string; remoteId: string; url: string | null; outbox: boolean }>;
  failed: Array<{ id: number; channel: string; reason: string }>;
  deferred: Array<{ id: number; channel: string; until: string | null; reason: string }>;
  unconfirmed: Array<{ id: number; channel: string; reason: string }>;
  authErrors: string[];
}

/** The first retry's pause, doubled at each attempt; RELAIS_RETRY_MS sets it (local servers, tests). */
export function retryBaseMs(env: NodeJS.ProcessEnv): number {
  return env.RELAIS_RETRY_MS ? Number(env.RELAIS_RETRY_MS) : 2000;
}

export async function publishDue(store: PostStore, pubs: Record<Network, Publisher>, options: { now: () => Date; retryBaseMs?: number; maxAttempts?: number; signal?: AbortSignal }): Promise<RunResult> {
  const result: RunResult = { published: [], failed: [], deferred: [], unconfirmed: [], authErrors: [] };
  const blocked = new Set<Network>();
  const base = options.retryBaseMs ?? retryBaseMs({});
  const maxAttempts = options.maxAttempts ?? 3;
  for (const post of store.due(options.now())) {
    if (options.signal?.aborted) break;
    if (blocked.has(post.channel)) continue;
    const pub = pubs[post.channel];
    for (let attempt = 1; ; attempt++) {
      store.update(post.id, { status: 'publishing', attempts: post.attempts + attempt });
      try {
        const { id, url } = await unlessInterrupted(pub.publish(post), options.signal, () => new PublishError('interrompu avant la réponse du réseau : issue inconnue, vérifiez sur le réseau', 'unknown'));
        store.update(post.id, { status: 'published', remote_id: id, remote_url: url, last_error: null, next_attempt_utc: null, published_at: options.now().toISOString() });
        result.published.push({ id: post.id, channel: post.channel, remoteId: id, url, outbox: pub.outbox });
        break;
      } catch (err) {
        const e = err instanceof PublishError ? err : new PublishError((err as Error).message, 'transient');
        if (e.kind === 'content') {
          store.update(post.id, { status: 'failed', last_error: e.message });
          result.failed.push({ id: post.id, channel: post.channel, reason: e.message });
        } else if (e.kind === 'auth') {
          store.update(post.id, { status: 'queued', last_error: e.message });
          result.authErrors.push(e.message);
          blocked.add(post.channel);
        } else if (e.kind === 'rate') {
          const until = e.retryAt ?? new Date(options.now().getTime() + RATE_FALLBACK_MS);
          store.update(post.id, { status: 'queued', next_attempt_utc: until.toISOString(), last_error: `${e.message}${e.retryAt ? '' : ' (sans heure de reprise donnée par le réseau)'}` });
          result.deferred.push({ id: post.id, channel: post.channel, until: until.toISOString(), reason: e.message });
          blocked.add(post.channel);
        } else if (e.kind === 'unknown') {
          store.update(post.id, { status: 'unconfirmed', last_error: e.message });
          result.unconfirmed.push({ id: post.id, channel: post.channel, reason: e.message });
        } else {
          // A transient failure is tried again after a pause, unless the run was interrupted meanwhile.
          if (attempt < maxAttempts && !options.signal?.aborted) {
            await pause(base * 2 ** (attempt - 1), options.signal);
            if (!options.signal?.aborted) continue;
          }
          store.update(post.id, { status: 'queued', last_error: e.message });
          result.deferred.push({ id: post.id, channel: post.channel, until: null, reason: e.message });
        }
        break;
      }
    }
  }
  return result;
}
