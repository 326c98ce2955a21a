import { createHmac, randomBytes } from 'node:crypto';
import { xResumeAt } from '../resume-at.js';
import { pause } from '../grace.js';
import { PublishError, xPermission } from '../publish-error.js';
import { answer, CHUNK_TIMEOUT, done, expiresIn, partial, request, waitProcessing, type Ready, type UploadContext } from './common.js';

/**
 * X's media upload (v2): initialize, append segments of at most 1 MB, finalize, then status until
 * `succeeded`, waiting the `check_after_secs` X gives; the alt text through the metadata endpoint.
 * A 413 on a segment halves the segment size and sends the same bytes again. Each appended segment
 * is recorded, so a run stopped mid-upload goes on from there with the same media id.
 */
export interface XCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
  accessSecret: string;
}

const SEGMENT = 1024 * 1024;
const MIN_SEGMENT = 64 * 1024;

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * OAuth 1.0a (HMAC-SHA1, RFC 5849): JSON and multipart bodies are not part of the signature, the
 * query is. A dozen lines rather than twitter-api-v2's signer, which the package does not export;
 * tests/social-oauth.test.ts checks them against the published examples. `fixed` is for those tests.
 */
export function oauthHeader(method: string, url: string, c: XCredentials, fixed?: { nonce: string; timestamp: number }): string {
  const u = new URL(url);
  const oauth: Record<string, string> = {
    oauth_consumer_key: c.appKey,
    oauth_nonce: fixed?.nonce ?? randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(fixed?.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_token: c.accessToken,
    oauth_version: '1.0',
  };
  const params = [...Object.entries(oauth), ...u.searchParams.entries()].map(([k, v]) => [enc(k), enc(v)] as const).sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1));
  const base = [method.toUpperCase(), enc(`${u.origin}${u.pathname}`), enc(params.map(([k, v]) => `${k}=${v}`).join('&'))].join('&');
  const signature = createHmac('sha1', `${enc(c.appSecret)}&${enc(c.accessSecret)}`).update(base).digest('base64');
  return `OAuth ${Object.entries({ ...oauth, oauth_signature: signature }).map(([k, v]) => `${enc(k)}="${enc(v)}"`).join(', ')}`;
}

interface XProgress {
  id: string;
  offset: number;
  segment: number;
  /** Finalized: only the status is left to wait for. */
  finalized?: boolean;
  expires_at: string | null;
}

type ProcessingInfo = { state?: string; check_after_secs?: number; error?: { message?: string; name?: string } };

export async function uploadX(ctx: UploadContext, base: string, c: XCredentials, r: Ready): Promise<string> {
  const reused = done(ctx, r.probe.sha256);
  if (reused) return reused;
  const signed = (method: string, url: string, body?: string | FormData, json?: boolean): RequestInit => ({
    method,
    headers: { Authorization: oauthHeader(method, url, c), ...(json ? { 'Content-Type': 'application/json' } : {}) },
    ...(body === undefined ? {} : { body }),
  });
  const refused = async (res: Response, what: string): Promise<never> => {
    if (res.status === 401) throw new PublishError(`X refuse les identifiants pendant ${what} : renouvelez RELAIS_X_ACCESS_TOKEN et RELAIS_X_ACCESS_SECRET (l'envoi reprendra où il s'est arrêté)`, 'auth');
    if (res.status === 429) throw new PublishError(`X : limite d'envoi de médias atteinte pendant ${what}`, 'rate', retryAt(res));
    const text = await res.text().catch(() => '');
    let body: { detail?: unknown; title?: unknown } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON: the text says enough
    }
    const permission = xPermission(res.status, body);
    if (permission) throw permission;
    const said = typeof body?.detail === 'string' ? body.detail : typeof body?.title === 'string' ? body.title : text.slice(0, 300) || res.statusText;
    throw new PublishError(`X refuse le média « ${r.medium.name} » pendant ${what} (${res.status}) : ${said.slice(0, 300)}`, 'content');
  };

  let p = partial<XProgress>(ctx, r.probe.sha256)?.progress;
  if (!p) {
    const url = `${base}/2/media/upload/initialize`;
    const body = JSON.stringify({ media_type: r.probe.mime, total_bytes: r.probe.size, media_category: r.probe.kind === 'video' ? 'tweet_video' : 'tweet_image' });
    const res = await request(ctx, 'l’initialisation de l’envoi', url, () => signed('POST', url, body, true));
    if (!res.ok) await refused(res, 'l’initialisation de l’envoi');
    const data = await answer(ctx, res, 'l’initialisation de l’envoi', (b) => (typeof b.data?.id === 'string' ? (b.data as { id: string; expires_after_secs?: number }) : undefined));
    p = { id: data.id, offset: 0, segment: 0, expires_at: expiresIn(ctx, data.expires_after_secs) };
    ctx.store.record(ctx.destination, r.probe.sha256, { state: 'partial', remote_id: p.id, expires_at: p.expires_at, progress: p });
  }
  let size = SEGMENT;
  while (!p.finalized && p.offset < r.probe.size) {
    const end = Math.min(p.offset + size, r.probe.size);
    const url = `${base}/2/media/upload/${encodeURIComponent(p.id)}/append`;
    const segment: number = p.segment;
    const res = await request(
      ctx,
      `l’envoi du segment ${segment}`,
      url,
      () => {
        const form = new FormData();
        form.append('segment_index', String(segment));
        form.append('media', r.blob.slice(p!.offset, end), 'segment');
        return signed('POST', url, form);
      },
      { timeoutMs: CHUNK_TIMEOUT(ctx) },
    );
    if (res.status === 413 && size > MIN_SEGMENT) {
      // The segment was too big for this server: the same bytes again, in smaller segments.
      await res.body?.cancel();
      size = Math.max(MIN_SEGMENT, Math.floor(size / 2));
      continue;
    }
    if (!res.ok) await refused(res, `l’envoi du segment ${segment}`);
    await res.body?.cancel();
    p = { ...p, offset: end, segment: segment + 1 };
    ctx.store.record(ctx.destination, r.probe.sha256, { state: 'partial', remote_id: p.id, expires_at: p.expires_at, progress: p });
  }
  let info: ProcessingInfo | undefined;
  if (!p.finalized) {
    const url = `${base}/2/media/upload/${encodeURIComponent(p.id)}/finalize`;
    const res = await request(ctx, 'la finalisation de l’envoi', url, () => signed('POST', url));
    if (!res.ok) await refused(res, 'la finalisation de l’envoi');
    const data = ((await res.json().catch(() => ({}))) as { data?: { expires_after_secs?: number; processing_info?: ProcessingInfo } }).data;
    info = data?.processing_info;
    p = { ...p, finalized: true, expires_at: expiresIn(ctx, data?.expires_after_secs) ?? p.expires_at };
    ctx.store.record(ctx.destination, r.probe.sha256, { state: 'partial', remote_id: p.id, expires_at: p.expires_at, progress: p });
  } else {
    info = { state: 'pending', check_after_secs: 0 };
  }
  // Posting before processing ends makes X refuse the post: wait for `succeeded`.
  if (info?.state && info.state !== 'succeeded') {
    let next: ProcessingInfo = info;
    // A media X could not process is forgotten: it would fail again; the post is refused with X's reason.
    const failed = (i: ProcessingInfo): never => {
      ctx.store.forget(ctx.destination, r.probe.sha256);
      throw new PublishError(`X n'a pas pu traiter le média « ${r.medium.name} » : ${i.error?.message ?? i.error?.name ?? 'échec du traitement'}`, 'content');
    };
    await waitProcessing(ctx, `traitement du média « ${r.medium.name} »`, async () => {
      if (next.state === 'succeeded') return { ready: true };
      if (next.state === 'failed') failed(next);
      const wait = (next.check_after_secs ?? 1) * 1000;
      if (wait > 0) await pause(wait, ctx.signal);
      const url = `${base}/2/media/upload?command=STATUS&media_id=${encodeURIComponent(p!.id)}`;
      const res = await request(ctx, 'le suivi du traitement', url, () => signed('GET', url));
      if (!res.ok) await refused(res, 'le suivi du traitement');
      next = await answer(ctx, res, 'le suivi du traitement', (b) => (b.data && typeof b.data === 'object' ? ((b.data as { processing_info?: ProcessingInfo }).processing_info ?? { state: 'succeeded' }) : undefined));
      if (next.state === 'failed') failed(next);
      return next.state === 'succeeded' ? { ready: true } : { ready: false, afterMs: 0 };
    });
  }
  if (r.medium.alt) {
    const url = `${base}/2/media/metadata`;
    const body = JSON.stringify({ id: p.id, metadata: { alt_text: { text: r.medium.alt.slice(0, 1000) } } });
    const res = await request(ctx, 'l’envoi du texte alternatif', url, () => signed('POST', url, body, true));
    if (!res.ok) await refused(res, 'l’envoi du texte alternatif');
    await res.body?.cancel();
  }
  ctx.store.record(ctx.destination, r.probe.sha256, { state: 'done', remote_id: p.id, expires_at: p.expires_at });
  return p.id;
}

function retryAt(res: Response): Date | undefined {
  return xResumeAt((name) => res.headers.get(name), Date.now());
}
