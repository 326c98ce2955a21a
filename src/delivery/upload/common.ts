import { openAsBlob } from 'node:fs';
import type { MediaStore, PostMedium, Upload } from '../media-store.js';
import { LIMITS, type MediaNetwork } from '../../media/limits.js';
import { probeFile, type Probe } from '../../media/probe.js';
import { mediumProblems } from '../../media/validate.js';
import { RelaisError } from '../../errors.js';
import { pause } from '../grace.js';
import { interruptedUpload, networkError, PublishError } from '../publish-error.js';

/**
 * What every upload protocol shares: files read as lazy slices of a file-backed Blob (never whole
 * in memory), each request retried a few times when it failed without an answer or with a 5xx,
 * the journal's record of uploads finished or under way, and the waits the networks ask for.
 */
export interface UploadContext {
  network: MediaNetwork;
  destination: string;
  store: MediaStore;
  /** First pause between two attempts of a request (doubled each time). */
  retryMs: number;
  /** Pause between two status checks when the network does not say. */
  pollMs: number;
  /** Status checks before giving up for this run (the upload is kept: the next run goes on). */
  maxPolls: number;
  /** One request's limit (RELAIS_HTTP_TIMEOUT_MS); a chunk gets six times as long. */
  timeoutMs: number;
  now: () => Date;
  /** Ctrl-C or SIGTERM: an upload stops at once (nothing is published yet) and the post is queued again. */
  signal?: AbortSignal;
}

/** Throws the interruption when the run was interrupted: an upload never goes on after Ctrl-C. */
export function stopIfInterrupted(ctx: Pick<UploadContext, 'signal'>): void {
  if (ctx.signal?.aborted) throw interruptedUpload();
}

/** A medium as found on disk when the post leaves: probed again, so a file changed since planning is checked and uploaded anew. */
export interface Ready {
  medium: PostMedium;
  probe: Probe;
  blob: Blob;
}

export async function readyMedia(media: PostMedium[], network: MediaNetwork): Promise<Ready[]> {
  const out: Ready[] = [];
  for (const medium of media) {
    let probe: Probe;
    try {
      probe = await probeFile(medium.path, medium.name);
    } catch (err) {
      if (err instanceof RelaisError) throw new PublishError(`média « ${medium.name} » : ${err.message}`, 'content');
      throw err;
    }
    const problems = mediumProblems(probe, network);
    if (problems.length) throw new PublishError(`média « ${medium.name} » refusé par ${LIMITS[network].label} : ${problems.join(' ; ')}`, 'content');
    out.push({ medium, probe, blob: await openAsBlob(medium.path, { type: probe.mime }) });
  }
  return out;
}


/** Text of an error answer, short: it goes into the journal and the report. */
export async function reason(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const j = JSON.parse(text) as { detail?: string; message?: string; title?: string; error?: { message?: string }; errors?: Array<{ message?: string }> };
    return (j.error?.message ?? j.detail ?? j.message ?? j.errors?.[0]?.message ?? j.title ?? text).slice(0, 300);
  } catch {
    return text.slice(0, 300) || res.statusText;
  }
}

/**
 * One request of an upload. Nothing is published by an upload, so a request without an answer is
 * safe to send again: `unknown` becomes `transient` here, tried up to three times. Those tries are
 * the network's requests without an answer: the error says how many, and the scheduler counts
 * them as it counts the publishing requests' (three in a row and the network is down for the
 * run), so a mute server holds the run for three requests, not three per attempt of the post.
 * An interruption stops at once. The answer is handed to `check`, which throws a PublishError for
 * a refusal.
 */
export async function request(ctx: UploadContext, what: string, url: string, init: () => RequestInit, options: { timeoutMs?: number } = {}): Promise<Response> {
  let last: PublishError | undefined;
  let unanswered = 0;
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (attempt > 1) await pause(ctx.retryMs * 2 ** (attempt - 2), ctx.signal);
    stopIfInterrupted(ctx);
    const timeout = AbortSignal.timeout(options.timeoutMs ?? ctx.timeoutMs);
    let res: Response;
    try {
      res = await fetch(url, { ...init(), signal: ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout });
    } catch (err) {
      stopIfInterrupted(ctx);
      const e = networkError(err, `${LIMITS[ctx.network].label} (${what})`);
      last = new PublishError(e.message.replace('issue inconnue', 'rien n’est publié à ce stade'), 'transient');
      unanswered++;
      continue;
    }
    if (res.status >= 500) {
      last = new PublishError(`${LIMITS[ctx.network].label} : erreur du service pendant ${what} (${res.status}) : ${await reason(res)}`, 'transient');
      unanswered++;
      continue;
    }
    return res;
  }
  throw new PublishError(last!.message, 'transient', undefined, unanswered);
}

/**
 * The fields a successful answer must carry, read from its JSON. A 200 without them (a proxy's
 * page, an API that changed) is the service's doing, not the user's: a French reason naming the
 * step, instead of a JavaScript error or a database constraint. Nothing is published by an upload
 * step, so the post is set in failure with that reason, not retried in a loop.
 */
export async function answer<T>(ctx: Pick<UploadContext, 'network' | 'signal'>, res: Response, what: string, pick: (body: Record<string, any>) => T | undefined): Promise<T> {
  const text = await res.text().catch(() => '');
  // A body cut by Ctrl-C is not the service's doing.
  stopIfInterrupted(ctx);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const value = body && typeof body === 'object' ? pick(body as Record<string, any>) : undefined;
  if (value === undefined || value === null || (typeof value === 'string' && value === '') || (typeof value === 'number' && !Number.isFinite(value))) {
    const shown = text.trim().slice(0, 120) || 'vide';
    throw new PublishError(`${LIMITS[ctx.network].label} : réponse inattendue pendant ${what} (${res.status}, réponse : ${shown}) ; rien n’est publié à ce stade`, 'content');
  }
  return value;
}

/** A larger budget for a chunk than for a plain request: a megabyte takes longer than a JSON answer. */
export const CHUNK_TIMEOUT = (ctx: Pick<UploadContext, 'timeoutMs'>) => ctx.timeoutMs * 6;

export function expiresIn(ctx: UploadContext, seconds: number | undefined): string | null {
  return seconds && Number.isFinite(seconds) ? new Date(ctx.now().getTime() + seconds * 1000).toISOString() : null;
}

/** An upload under way, with its protocol state, if the journal has one for this file. */
export function partial<T>(ctx: UploadContext, sha256: string): { upload: Upload; progress: T } | undefined {
  const u = ctx.store.upload(ctx.destination, sha256);
  if (!u || u.state !== 'partial' || !u.progress) return undefined;
  return { upload: u, progress: JSON.parse(u.progress) as T };
}

export function done(ctx: UploadContext, sha256: string): string | undefined {
  const u = ctx.store.upload(ctx.destination, sha256);
  return u?.state === 'done' ? u.remote_id : undefined;
}

/** Waits for a network's processing: `step` says finished (an id), failed (throws), or how long to wait. */
export async function waitProcessing(ctx: UploadContext, what: string, step: () => Promise<{ ready: true } | { ready: false; afterMs?: number }>): Promise<void> {
  for (let i = 0; i < ctx.maxPolls; i++) {
    stopIfInterrupted(ctx);
    const s = await step();
    if (s.ready) return;
    await pause(s.afterMs ?? ctx.pollMs, ctx.signal);
  }
  // The network answers, slowly: not an outage.
  throw new PublishError(`${LIMITS[ctx.network].label} : ${what} toujours en traitement ; le prochain passage reprendra l’attente (rien n’est envoyé deux fois)`, 'transient', undefined, 0);
}
