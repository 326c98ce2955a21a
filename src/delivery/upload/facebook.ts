import { facebookPermission, facebookRateLimit, networkError, PublishError } from '../publish-error.js';
import { pause } from '../grace.js';
import { answer, CHUNK_TIMEOUT, done, expiresIn, partial, request, stopIfInterrupted, waitProcessing, type Ready, type UploadContext } from './common.js';

/**
 * A Facebook Page's media. A video goes through the resumable upload (start, transfer each chunk
 * at the offsets the server gives, finish with the post's text as description: finishing
 * publishes it), then relais waits until Facebook has processed it. Photos are sent unpublished
 * to /photos, then one /feed post attaches them all.
 */
export interface FacebookTarget {
  /** Graph API (photos, feed, status) and video upload bases: one when RELAIS_FACEBOOK_API_URL is set. */
  base: string;
  videoBase: string;
  version: string;
  page: string;
  token: string;
}

interface VideoProgress {
  video_id: string;
  session: string;
  start: number;
  end: number;
}

type GraphError = { error?: { message?: string; code?: number; error_subcode?: number; error_data?: unknown } };

/** An error answer of the Graph API, read once: its JSON (empty when not JSON) and its text. */
async function graphError(res: Response): Promise<{ body: GraphError; text: string }> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as unknown;
    return { body: body && typeof body === 'object' ? (body as GraphError) : {}, text };
  } catch {
    // not JSON: the status says enough
    return { body: {}, text };
  }
}

async function refused(res: Response, what: string, name: string, read?: { body: GraphError; text: string }): Promise<never> {
  const { body, text } = read ?? (await graphError(res));
  if (body.error?.code === 190 || res.status === 401) throw new PublishError(`Facebook refuse le jeton de la page pendant ${what} : renouvelez RELAIS_FACEBOOK_PAGE_TOKEN (l'envoi reprendra où il s'est arrêté)`, 'auth');
  const permission = facebookPermission(body.error?.code, what, body.error?.error_subcode);
  if (permission) throw permission;
  const rate = facebookRateLimit(body.error?.code, (h) => res.headers.get(h), what);
  if (rate) throw rate;
  throw new PublishError(`Facebook refuse le média « ${name} » pendant ${what} (${res.status}) : ${body.error?.message ?? text.slice(0, 300)}`, 'content');
}

/**
 * Answers to a chunk that Facebook's own SDKs treat as resumable (the Graph SDK for PHP,
 * FacebookResumableUploader::transfer): 1363037 asks for the chunk at the offsets of its
 * `error_data` (a chunk it already has, one cut short; without them, the same chunk); the others
 * for the same chunk again.
 */
const CHUNK_AGAIN_AT = 1363037;
const CHUNK_AGAIN = new Set([1363030, 1363019, 1363033, 1363021, 1363041]);
/** Such answers in a row, without a chunk taken, before relais leaves the upload for the next run. */
const CHUNK_RETRIES = 5;

/** The offsets of a 1363037's error_data, when they are a byte range of the file. */
function offsetsAgain(body: GraphError, size: number): { start: number; end: number } | undefined {
  const d = body.error?.error_data;
  const data = typeof d === 'string' ? (() => { try { return JSON.parse(d) as unknown; } catch { return undefined; } })() : d;
  if (!data || typeof data !== 'object' || !offsets(data as Record<string, unknown>)) return undefined;
  const { start_offset, end_offset } = data as { start_offset: unknown; end_offset: unknown };
  const start = Number(start_offset);
  const end = Number(end_offset);
  return end <= size ? { start, end } : undefined;
}

const form = (fields: Record<string, string | Blob>): FormData => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string') f.append(k, v);
    else f.append(k, v, 'chunk');
  }
  return f;
};

/** Facebook's byte range: two decimal offsets, the start not past the end. */
const offsets = (b: Record<string, unknown>): boolean => /^\d+$/.test(String(b.start_offset)) && /^\d+$/.test(String(b.end_offset)) && Number(b.start_offset) <= Number(b.end_offset);

/** Uploads and publishes a video with `description`; `beforePublish` marks the moment the outcome can no longer be known. */
export async function publishFacebookVideo(ctx: UploadContext, t: FacebookTarget, r: Ready, description: string, beforePublish: () => void): Promise<{ id: string }> {
  const url = `${t.videoBase}/${t.version}/${encodeURIComponent(t.page)}/videos`;
  let p = partial<VideoProgress>(ctx, r.probe.sha256)?.progress;
  if (!p) {
    const res = await request(ctx, 'l’ouverture de l’envoi', url, () => ({ method: 'POST', body: new URLSearchParams({ upload_phase: 'start', file_size: String(r.probe.size), access_token: t.token }) }));
    if (!res.ok) await refused(res, 'l’ouverture de l’envoi', r.medium.name);
    const s = await answer(ctx, res, 'l’ouverture de l’envoi', (b) =>
      typeof b.video_id === 'string' && typeof b.upload_session_id === 'string' && offsets(b) ? (b as { video_id: string; upload_session_id: string; start_offset: string; end_offset: string }) : undefined,
    );
    p = { video_id: s.video_id, session: s.upload_session_id, start: Number(s.start_offset), end: Number(s.end_offset) };
    ctx.store.record(ctx.destination, r.probe.sha256, { state: 'partial', remote_id: p.video_id, expires_at: expiresIn(ctx, 23 * 3600), progress: p });
  }
  // Facebook says which bytes it wants next; it is done when start and end meet.
  let again = 0;
  while (p.start < p.end) {
    const { start, end } = p;
    const what = `l’envoi des octets ${start} à ${end}`;
    const res = await request(
      ctx,
      what,
      url,
      () => ({ method: 'POST', body: form({ upload_phase: 'transfer', upload_session_id: p!.session, start_offset: String(start), access_token: t.token, video_file_chunk: r.blob.slice(start, end) }) }),
      { timeoutMs: CHUNK_TIMEOUT(ctx) },
    );
    if (!res.ok) {
      const read = await graphError(res);
      const subcode = read.body.error?.error_subcode;
      const at = subcode === CHUNK_AGAIN_AT ? offsetsAgain(read.body, r.probe.size) : undefined;
      if (subcode !== undefined && (subcode === CHUNK_AGAIN_AT || CHUNK_AGAIN.has(subcode))) {
        // Facebook asks for a chunk again: at the offsets it gives (kept in the journal, so that a
        // later run resumes there too), or the same one. Nothing is published by a chunk.
        if (++again > CHUNK_RETRIES) {
          throw new PublishError(
            `Facebook redemande sans cesse la vidéo « ${r.medium.name} » pendant ${what} (${CHUNK_RETRIES} fois de suite, sous-code ${subcode}) : ${read.body.error?.message ?? res.status} ; rien n’est publié, l’envoi reprendra au prochain passage`,
            'transient',
            undefined,
            0,
          );
        }
        if (at) {
          p = { ...p, start: at.start, end: at.end };
          ctx.store.record(ctx.destination, r.probe.sha256, { state: 'partial', remote_id: p.video_id, expires_at: expiresIn(ctx, 23 * 3600), progress: p });
        }
        await pause(ctx.retryMs, ctx.signal);
        stopIfInterrupted(ctx);
        continue;
      }
      await refused(res, what, r.medium.name, read);
    }
    const next: { start_offset: string; end_offset: string } = await answer(ctx, res, what, (b) => (offsets(b) ? (b as { start_offset: string; end_offset: string }) : undefined));
    again = 0;
    p = { ...p, start: Number(next.start_offset), end: Number(next.end_offset) };
    ctx.store.record(ctx.destination, r.probe.sha256, { state: 'partial', remote_id: p.video_id, expires_at: expiresIn(ctx, 23 * 3600), progress: p });
  }
  // Ctrl-C before this point: nothing is published, the post goes back to the queue. From here on,
  // the request that publishes is left to the scheduler's grace, never cut.
  stopIfInterrupted(ctx);
  beforePublish();
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body: new URLSearchParams({ upload_phase: 'finish', upload_session_id: p.session, description, access_token: t.token }), signal: AbortSignal.timeout(CHUNK_TIMEOUT(ctx)) });
  } catch (err) {
    throw networkError(err, 'Facebook (publication de la vidéo)');
  }
  if (!res.ok) {
    if (res.status >= 500) throw new PublishError(`Facebook : erreur du service à la publication de la vidéo (${res.status}) : issue inconnue, vérifiez sur la page`, 'unknown');
    await refused(res, 'la publication de la vidéo', r.medium.name);
  }
  await res.body?.cancel();
  // The session is spent: a new attempt must start over.
  ctx.store.forget(ctx.destination, r.probe.sha256);
  const id = p.video_id;
  // Published from here on: a processing still under way when relais stops waiting is not a reason to publish again.
  await waitProcessing(ctx, `traitement de la vidéo « ${r.medium.name} »`, async () => {
    const statusUrl = `${t.base}/${t.version}/${encodeURIComponent(id)}?fields=status&access_token=${encodeURIComponent(t.token)}`;
    const s = await request(ctx, 'le suivi du traitement', statusUrl, () => ({ method: 'GET' }));
    if (!s.ok) return { ready: true }; // published already: a status we cannot read is not a failure of the post
    const status = ((await s.json().catch(() => ({}))) as { status?: { video_status?: string; processing_phase?: { errors?: Array<{ message?: string }> } } }).status;
    if (status?.video_status === 'error') throw new PublishError(`Facebook n'a pas pu traiter la vidéo « ${r.medium.name} » : ${status.processing_phase?.errors?.[0]?.message ?? 'échec du traitement'}`, 'content');
    return status?.video_status === 'processing' || status?.video_status === 'upload_complete' ? { ready: false } : { ready: true };
  }).catch((err: unknown) => {
    if (!(err instanceof PublishError) || err.kind !== 'transient') throw err;
  });
  return { id };
}

/** An unpublished photo, reused while Facebook keeps it (a day). */
export async function uploadFacebookPhoto(ctx: UploadContext, t: FacebookTarget, r: Ready): Promise<string> {
  const reused = done(ctx, r.probe.sha256);
  if (reused) return reused;
  const url = `${t.base}/${t.version}/${encodeURIComponent(t.page)}/photos`;
  const res = await request(
    ctx,
    'l’envoi de la photo',
    url,
    () => ({ method: 'POST', body: form({ published: 'false', access_token: t.token, ...(r.medium.alt ? { alt_text_custom: r.medium.alt } : {}), source: r.blob }) }),
    { timeoutMs: CHUNK_TIMEOUT(ctx) },
  );
  if (!res.ok) await refused(res, 'l’envoi de la photo', r.medium.name);
  const id = await answer(ctx, res, 'l’envoi de la photo', (b) => (typeof b.id === 'string' ? b.id : undefined));
  ctx.store.record(ctx.destination, r.probe.sha256, { state: 'done', remote_id: id, expires_at: expiresIn(ctx, 23 * 3600) });
  return id;
}

