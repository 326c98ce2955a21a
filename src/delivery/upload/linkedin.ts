import { retryAfterAt } from '../resume-at.js';
import { linkedinPermission, PublishError } from '../publish-error.js';
import { answer, CHUNK_TIMEOUT, done, partial, reason, request, waitProcessing, type Ready, type UploadContext } from './common.js';

/**
 * LinkedIn's media: a video through /rest/videos (initializeUpload, a PUT of each part to its
 * uploadUrl keeping every ETag, finalizeUpload with all of them, then wait until AVAILABLE); an
 * image through /rest/images and a PDF through /rest/documents (initializeUpload, one PUT).
 * LinkedIn's upload URLs point to its own upload host: with RELAIS_LINKEDIN_API_URL set, they are
 * sent to that address instead (a proxy, a local server), keeping their path and query.
 */
export interface LinkedInTarget {
  base: string;
  /** True when RELAIS_LINKEDIN_API_URL stands in for every LinkedIn host. */
  rewrite: boolean;
  token: string;
  version: string;
  owner: string;
}

interface VideoProgress {
  video: string;
  uploadToken: string;
  parts: Array<{ uploadUrl: string; firstByte: number; lastByte: number }>;
  etags: string[];
  finalized?: boolean;
  /** When the upload URLs stop working: a resume after that starts over. */
  expires?: string;
}

export function uploadUrl(t: LinkedInTarget, url: string): string {
  if (!t.rewrite) return url;
  const u = new URL(url);
  return `${t.base}${u.pathname}${u.search}`;
}

const headers = (t: LinkedInTarget, json = true): Record<string, string> => ({
  Authorization: `Bearer ${t.token}`,
  'LinkedIn-Version': t.version,
  'X-Restli-Protocol-Version': '2.0.0',
  ...(json ? { 'Content-Type': 'application/json' } : {}),
});

async function refused(res: Response, what: string, name: string): Promise<never> {
  if (res.status === 401) throw new PublishError(`LinkedIn refuse le jeton pendant ${what} : renouvelez RELAIS_LINKEDIN_TOKEN (l'envoi reprendra où il s'est arrêté)`, 'auth');
  if (res.status === 429) {
    throw new PublishError(`LinkedIn : limite d’appels atteinte pendant ${what}`, 'rate', retryAfterAt(res.headers.get('retry-after'), Date.now()));
  }
  const said = await reason(res);
  const permission = linkedinPermission(res.status, what, said);
  if (permission) throw permission;
  throw new PublishError(`LinkedIn refuse le média « ${name} » pendant ${what} (${res.status}) : ${said}`, 'content');
}

/** The part's ETag, null when the upload host answered without one. */
async function put(ctx: UploadContext, t: LinkedInTarget, url: string, body: Blob, what: string, name: string): Promise<string | null> {
  const res = await request(ctx, what, uploadUrl(t, url), () => ({ method: 'PUT', headers: { Authorization: `Bearer ${t.token}`, 'Content-Type': 'application/octet-stream' }, body }), { timeoutMs: CHUNK_TIMEOUT(ctx) });
  if (!res.ok) await refused(res, what, name);
  await res.body?.cancel();
  // Trimmed: a header of blanks proves no more than none.
  return res.headers.get('etag')?.trim() || null;
}

export async function uploadLinkedIn(ctx: UploadContext, t: LinkedInTarget, r: Ready): Promise<string> {
  const reused = done(ctx, r.probe.sha256);
  if (reused) return reused;
  if (r.probe.kind !== 'video') {
    const resource = r.probe.kind === 'image' ? 'images' : 'documents';
    const url = `${t.base}/rest/${resource}?action=initializeUpload`;
    const body = JSON.stringify({ initializeUploadRequest: { owner: t.owner } });
    const res = await request(ctx, 'l’initialisation de l’envoi', url, () => ({ method: 'POST', headers: headers(t), body }));
    if (!res.ok) await refused(res, 'l’initialisation de l’envoi', r.medium.name);
    const v = await answer(ctx, res, 'l’initialisation de l’envoi', (b) =>
      typeof b.value?.uploadUrl === 'string' && typeof (b.value.image ?? b.value.document) === 'string' ? (b.value as { uploadUrl: string; image?: string; document?: string }) : undefined,
    );
    const urn = (v.image ?? v.document)!;
    await put(ctx, t, v.uploadUrl, r.blob, 'l’envoi du fichier', r.medium.name);
    ctx.store.record(ctx.destination, r.probe.sha256, { state: 'done', remote_id: urn });
    return urn;
  }
  let p = partial<VideoProgress>(ctx, r.probe.sha256)?.progress;
  // A part recorded without its ETag (by an earlier version of relais) can never be finalized: start over.
  if (p && !p.finalized && p.etags.some((e) => typeof e !== 'string' || !e.trim())) {
    ctx.store.forget(ctx.destination, r.probe.sha256);
    p = undefined;
  }
  if (!p) {
    const url = `${t.base}/rest/videos?action=initializeUpload`;
    const body = JSON.stringify({ initializeUploadRequest: { owner: t.owner, fileSizeBytes: r.probe.size, uploadCaptions: false, uploadThumbnail: false } });
    const res = await request(ctx, 'l’initialisation de l’envoi', url, () => ({ method: 'POST', headers: headers(t), body }));
    if (!res.ok) await refused(res, 'l’initialisation de l’envoi', r.medium.name);
    const v = await answer(ctx, res, 'l’initialisation de l’envoi', (b) =>
      typeof b.value?.video === 'string' && Array.isArray(b.value.uploadInstructions) && b.value.uploadInstructions.length > 0
        ? (b.value as { video: string; uploadToken?: string; uploadUrlsExpireAt?: number; uploadInstructions: VideoProgress['parts'] })
        : undefined,
    );
    p = { video: v.video, uploadToken: v.uploadToken ?? '', parts: v.uploadInstructions, etags: [], ...(v.uploadUrlsExpireAt ? { expires: new Date(v.uploadUrlsExpireAt).toISOString() } : {}) };
    ctx.store.record(ctx.destination, r.probe.sha256, { state: 'partial', remote_id: p.video, expires_at: p.expires ?? null, progress: p });
  }
  // Each part once, its ETag kept: finalizeUpload needs them all, in order.
  while (p.etags.length < p.parts.length) {
    const part = p.parts[p.etags.length]!;
    const what = `l’envoi de la partie ${p.etags.length + 1} sur ${p.parts.length}`;
    const etag = await put(ctx, t, part.uploadUrl, r.blob.slice(part.firstByte, part.lastByte + 1), what, r.medium.name);
    if (etag === null) {
      // Nothing proves the part arrived, and finalizeUpload needs its ETag: the upload starts over
      // (a new video, from its first part) when the post is tried again, in this run or the next.
      // Nothing is published by an upload, and the host did answer: not an outage.
      ctx.store.forget(ctx.destination, r.probe.sha256);
      throw new PublishError(
        `LinkedIn n’a pas confirmé ${what} de la vidéo « ${r.medium.name} » (réponse « succès » sans en-tête ETag : un proxy entre relais et LinkedIn le retire peut-être) : rien n’est publié, l’envoi reprendra depuis le début`,
        'transient',
        undefined,
        0,
      );
    }
    p = { ...p, etags: [...p.etags, etag] };
    ctx.store.record(ctx.destination, r.probe.sha256, { state: 'partial', remote_id: p.video, expires_at: p.expires ?? null, progress: p });
  }
  if (!p.finalized) {
    const url = `${t.base}/rest/videos?action=finalizeUpload`;
    const body = JSON.stringify({ finalizeUploadRequest: { video: p.video, uploadToken: p.uploadToken, uploadedPartIds: p.etags } });
    const res = await request(ctx, 'la finalisation de l’envoi', url, () => ({ method: 'POST', headers: headers(t), body }));
    if (!res.ok) await refused(res, 'la finalisation de l’envoi', r.medium.name);
    await res.body?.cancel();
    p = { ...p, finalized: true };
    ctx.store.record(ctx.destination, r.probe.sha256, { state: 'partial', remote_id: p.video, progress: p });
  }
  const video = p.video;
  await waitProcessing(ctx, `traitement de la vidéo « ${r.medium.name} »`, async () => {
    const url = `${t.base}/rest/videos/${encodeURIComponent(video)}`;
    const res = await request(ctx, 'le suivi du traitement', url, () => ({ method: 'GET', headers: headers(t, false) }));
    if (!res.ok) await refused(res, 'le suivi du traitement', r.medium.name);
    const v = await answer(ctx, res, 'le suivi du traitement', (b) => (typeof b.status === 'string' ? (b as { status?: string; processingFailureReason?: string }) : undefined));
    if (v.status === 'PROCESSING_FAILED') {
      ctx.store.forget(ctx.destination, r.probe.sha256);
      throw new PublishError(`LinkedIn n'a pas pu traiter la vidéo « ${r.medium.name} » : ${v.processingFailureReason ?? 'échec du traitement'}`, 'content');
    }
    return v.status === 'AVAILABLE' ? { ready: true } : { ready: false };
  });
  ctx.store.record(ctx.destination, r.probe.sha256, { state: 'done', remote_id: video });
  return video;
}

/** The `content` of a post carrying these media (one video or document, or images). */
export function linkedInContent(items: Array<{ urn: string; r: Ready }>): Record<string, unknown> | undefined {
  if (!items.length) return undefined;
  if (items.length > 1) return { multiImage: { images: items.map(({ urn, r }) => ({ id: urn, ...(r.medium.alt ? { altText: r.medium.alt } : {}) })) } };
  const [{ urn, r }] = items as [{ urn: string; r: Ready }];
  // A document post needs a title: the one declared, or the file's name.
  return { media: { id: urn, ...(r.probe.kind === 'document' ? { title: r.medium.title ?? r.medium.name } : {}), ...(r.medium.alt && r.probe.kind !== 'document' ? { altText: r.medium.alt } : {}) } };
}
