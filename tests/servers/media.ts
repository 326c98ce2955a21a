import { EventEmitter } from 'node:events';
import type http from 'node:http';

/**
 * The media upload protocols of the three networks, answering with the documented shapes, for
 * tests/servers/social.ts: X v2 (initialize, append, finalize, status, metadata), Facebook Page
 * (resumable video start/transfer/finish and status; unpublished /photos), LinkedIn (/rest/videos
 * initializeUpload, PUT parts with ETags, finalizeUpload, status; /rest/images, /rest/documents).
 * Bytes are counted, not kept: a request is held only while it is read (one segment, one part).
 *
 * `fail` scripts an answer for the next request of a step ("x.append", "fb.transfer",
 * "li.finalize"…): a status and body, or `hang` (no answer, the `hang` event is emitted).
 */
export interface MediaFailure {
  step: string;
  status?: number;
  body?: unknown;
  hang?: boolean;
  /** Requests of that step let through before this one is answered. */
  after?: number;
}

export interface MediaOptions {
  /** X: the largest segment taken (413 beyond). */
  xMaxSegment: number;
  /** X: STATUS calls answered `in_progress` before `succeeded`, and the check_after_secs given. */
  xPending: number;
  xCheckAfterSecs: number;
  /** X, LinkedIn, Facebook: processing fails with this reason. */
  processingFailure: string | undefined;
  /** Facebook: the chunk size the server asks for. */
  fbChunk: number;
  /** LinkedIn: the part size of initializeUpload. */
  liPart: number;
  /** LinkedIn: status calls answered PROCESSING before AVAILABLE. */
  liPending: number;
}

export interface MediaState {
  options: MediaOptions;
  fail: MediaFailure[];
  events: EventEmitter;
  /** Every media request, in order: "x.initialize", "x.append 0 1048576"… */
  log: string[];
  x: Map<string, { total: number; received: number; segments: number[]; finalized: boolean; polls: number; alt?: string; statusTimes: number[] }>;
  fbVideos: Map<string, { total: number; received: number; finished: boolean; description?: string }>;
  fbPhotos: Map<string, { bytes: number; alt?: string }>;
  liVideos: Map<string, { total: number; parts: number; etags: string[]; received: number; finalized: boolean; polls: number }>;
  liAssets: Map<string, { kind: 'image' | 'document'; bytes: number }>;
  hanging: http.ServerResponse[];
}

export function mediaState(options: Partial<MediaOptions> = {}): MediaState {
  return {
    options: { xMaxSegment: 5 * 1024 * 1024, xPending: 1, xCheckAfterSecs: 0, processingFailure: undefined, fbChunk: 1024 * 1024, liPart: 4 * 1024 * 1024, liPending: 1, ...options },
    fail: [],
    events: new EventEmitter(),
    log: [],
    x: new Map(),
    fbVideos: new Map(),
    fbPhotos: new Map(),
    liVideos: new Map(),
    liAssets: new Map(),
    hanging: [],
  };
}

type Send = (status: number, payload: unknown, headers?: Record<string, string>) => void;

/** The step a request is, or undefined when it is not a media request. */
export function mediaStep(method: string, url: URL, body: () => string): string | undefined {
  const p = url.pathname;
  if (p === '/2/media/upload/initialize') return 'x.initialize';
  if (/^\/2\/media\/upload\/[^/]+\/append$/.test(p)) return 'x.append';
  if (/^\/2\/media\/upload\/[^/]+\/finalize$/.test(p)) return 'x.finalize';
  if (p === '/2/media/upload' && method === 'GET') return 'x.status';
  if (p === '/2/media/metadata') return 'x.metadata';
  if (/^\/v[\d.]+\/[^/]+\/videos$/.test(p)) return `fb.${new URLSearchParams(body()).get('upload_phase') ?? 'multipart'}`;
  if (/^\/v[\d.]+\/[^/]+\/photos$/.test(p)) return 'fb.photo';
  if (/^\/v[\d.]+\/[^/]+$/.test(p) && method === 'GET') return 'fb.status';
  if (p === '/rest/videos' && url.searchParams.get('action')) return `li.${url.searchParams.get('action')}`;
  if (p.startsWith('/rest/videos/') && method === 'GET') return 'li.status';
  if ((p === '/rest/images' || p === '/rest/documents') && url.searchParams.get('action') === 'initializeUpload') return `li.${p.slice(6, -1)}`;
  if (p.startsWith('/dms-uploads/')) return 'li.put';
  return undefined;
}

/** Reads a request: multipart bodies are parsed (Node's own FormData), their file part only counted. */
async function multipart(req: http.IncomingMessage, raw: Buffer): Promise<{ fields: Map<string, string>; fileBytes: number }> {
  const form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: raw }).formData();
  const fields = new Map<string, string>();
  let fileBytes = 0;
  for (const [k, v] of form.entries()) {
    if (typeof v === 'string') fields.set(k, v);
    else fileBytes += v.size;
  }
  return { fields, fileBytes };
}

export async function handleMedia(state: MediaState, step: string, req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: Buffer, send: Send, authorized: boolean): Promise<void> {
  const o = state.options;
  const i = state.fail.findIndex((f) => f.step === step);
  let scripted: MediaFailure | undefined;
  if (i >= 0 && state.fail[i]!.after) state.fail[i]!.after!--;
  else if (i >= 0) scripted = state.fail.splice(i, 1)[0];
  if (scripted?.hang) {
    state.hanging.push(res);
    state.log.push(`${step} (sans réponse)`);
    state.events.emit('hang', step);
    return;
  }
  if (scripted) {
    state.log.push(`${step} → ${scripted.status}`);
    return send(scripted.status ?? 500, scripted.body ?? {});
  }
  if (!authorized) {
    state.log.push(`${step} → 401`);
    return send(401, { title: 'Unauthorized', status: 401 });
  }
  const text = () => raw.toString('utf8');
  if (step === 'x.initialize') {
    const b = JSON.parse(text()) as { total_bytes: number; media_type: string };
    const id = String(7_000_000 + state.x.size);
    state.x.set(id, { total: b.total_bytes, received: 0, segments: [], finalized: false, polls: 0, statusTimes: [] });
    state.log.push(step);
    return send(200, { data: { id, media_key: `13_${id}`, expires_after_secs: 86_400 } });
  }
  if (step.startsWith('x.') && step !== 'x.metadata') {
    const id = step === 'x.status' ? (url.searchParams.get('media_id') ?? '') : decodeURIComponent(url.pathname.split('/')[4] ?? '');
    const m = state.x.get(id);
    if (!m) return send(400, { errors: [{ message: 'unknown media id' }] });
    if (step === 'x.append') {
      if (raw.length > o.xMaxSegment + 4096) {
        state.log.push(`${step} → 413`);
        return send(413, { title: 'Payload Too Large', detail: 'segment too large' });
      }
      const { fields, fileBytes } = await multipart(req, raw);
      const index = Number(fields.get('segment_index'));
      if (index !== m.segments.length) return send(400, { errors: [{ message: `segment_index ${index}, expected ${m.segments.length}` }] });
      m.segments.push(fileBytes);
      m.received += fileBytes;
      state.log.push(`${step} ${index} ${fileBytes}`);
      return send(200, { data: { expires_at: Math.floor(Date.now() / 1000) + 86_400 } });
    }
    if (step === 'x.finalize') {
      state.log.push(step);
      if (m.received !== m.total) return send(400, { errors: [{ message: `received ${m.received} of ${m.total} bytes` }] });
      m.finalized = true;
      return send(200, { data: { id, media_key: `13_${id}`, size: m.total, expires_after_secs: 86_400, processing_info: { state: 'pending', check_after_secs: o.xCheckAfterSecs } } });
    }
    m.polls++;
    m.statusTimes.push(Date.now());
    state.log.push(step);
    if (o.processingFailure) return send(200, { data: { id, processing_info: { state: 'failed', error: { code: 1, name: 'InvalidMedia', message: o.processingFailure } } } });
    return send(200, { data: { id, processing_info: m.polls > o.xPending ? { state: 'succeeded', progress_percent: 100 } : { state: 'in_progress', check_after_secs: o.xCheckAfterSecs, progress_percent: 50 } } });
  }
  if (step === 'x.metadata') {
    const b = JSON.parse(text()) as { id: string; metadata: { alt_text: { text: string } } };
    const m = state.x.get(b.id);
    if (!m) return send(400, { errors: [{ message: 'unknown media id' }] });
    m.alt = b.metadata.alt_text.text;
    state.log.push(step);
    return send(200, { data: { associated_metadata: true } });
  }
  if (step === 'fb.start') {
    const f = new URLSearchParams(text());
    const id = String(8_000_000 + state.fbVideos.size);
    const total = Number(f.get('file_size'));
    state.fbVideos.set(id, { total, received: 0, finished: false });
    state.log.push(step);
    return send(200, { video_id: id, upload_session_id: `s${id}`, start_offset: '0', end_offset: String(Math.min(o.fbChunk, total)) });
  }
  if (step === 'fb.multipart') {
    const { fields, fileBytes } = await multipart(req, raw);
    const phase = fields.get('upload_phase');
    const id = (fields.get('upload_session_id') ?? '').slice(1);
    const v = state.fbVideos.get(id);
    if (phase !== 'transfer' || !v) return send(400, { error: { message: 'bad transfer', code: 100 } });
    if (fields.get('access_token') === undefined) return send(400, { error: { message: 'no token', code: 190 } });
    const start = Number(fields.get('start_offset'));
    if (start !== v.received) return send(400, { error: { message: `start_offset ${start}, expected ${v.received}`, code: 100 } });
    v.received += fileBytes;
    state.log.push(`fb.transfer ${start} ${fileBytes}`);
    return send(200, { start_offset: String(v.received), end_offset: String(Math.min(v.received + o.fbChunk, v.total)) });
  }
  if (step === 'fb.finish') {
    const f = new URLSearchParams(text());
    const v = state.fbVideos.get((f.get('upload_session_id') ?? '').slice(1));
    if (!v || v.received !== v.total) return send(400, { error: { message: 'upload incomplete', code: 100 } });
    v.finished = true;
    v.description = f.get('description') ?? undefined;
    state.log.push(step);
    return send(200, { success: true });
  }
  if (step === 'fb.status') {
    state.log.push(step);
    if (o.processingFailure) return send(200, { status: { video_status: 'error', processing_phase: { status: 'error', errors: [{ code: 1, message: o.processingFailure }] } } });
    return send(200, { status: { video_status: 'ready' } });
  }
  if (step === 'fb.photo') {
    const { fields, fileBytes } = await multipart(req, raw);
    if (fields.get('published') !== 'false') return send(400, { error: { message: 'expected unpublished', code: 100 } });
    const id = String(9_000_000 + state.fbPhotos.size);
    state.fbPhotos.set(id, { bytes: fileBytes, ...(fields.get('alt_text_custom') ? { alt: fields.get('alt_text_custom')! } : {}) });
    state.log.push(step);
    return send(200, { id });
  }
  if (step === 'li.initializeUpload') {
    const b = JSON.parse(text()) as { initializeUploadRequest: { owner: string; fileSizeBytes: number } };
    const n = state.liVideos.size + 1;
    const urn = `urn:li:video:C${n}`;
    const total = b.initializeUploadRequest.fileSizeBytes;
    const parts = [];
    for (let first = 0, k = 0; first < total; first += o.liPart, k++) parts.push({ uploadUrl: `https://www.linkedin.com/dms-uploads/C${n}/part/${k}?ca=vector&sig=abc`, firstByte: first, lastByte: Math.min(first + o.liPart, total) - 1 });
    state.liVideos.set(urn, { total, parts: parts.length, etags: [], received: 0, finalized: false, polls: 0 });
    state.log.push(step);
    return send(200, { value: { video: urn, uploadToken: '', uploadUrlsExpireAt: Date.now() + 86_400_000, uploadInstructions: parts } });
  }
  if (step === 'li.put') {
    const [, , asset, , part] = url.pathname.split('/');
    const video = state.liVideos.get(`urn:li:video:${asset}`);
    if (video) {
      const etag = `/etag/${asset}/${part}/${raw.length}`;
      video.etags[Number(part)] = etag;
      video.received += raw.length;
      state.log.push(`li.put ${part} ${raw.length}`);
      res.writeHead(200, { etag });
      res.end();
      return;
    }
    const a = state.liAssets.get(decodeURIComponent(asset ?? ''));
    if (!a) return send(404, { message: 'unknown upload' });
    a.bytes = raw.length;
    state.log.push(`li.put ${raw.length}`);
    res.writeHead(201);
    res.end();
    return;
  }
  if (step === 'li.finalizeUpload') {
    const b = JSON.parse(text()) as { finalizeUploadRequest: { video: string; uploadedPartIds: string[] } };
    const v = state.liVideos.get(b.finalizeUploadRequest.video);
    state.log.push(step);
    if (!v || v.received !== v.total || JSON.stringify(b.finalizeUploadRequest.uploadedPartIds) !== JSON.stringify(v.etags)) return send(400, { message: 'parts missing or ETags wrong', status: 400 });
    v.finalized = true;
    res.writeHead(200);
    res.end();
    return;
  }
  if (step === 'li.status') {
    const urn = decodeURIComponent(url.pathname.slice('/rest/videos/'.length));
    const v = state.liVideos.get(urn);
    if (!v) return send(404, { message: 'not found' });
    v.polls++;
    state.log.push(step);
    if (o.processingFailure) return send(200, { id: urn, status: 'PROCESSING_FAILED', processingFailureReason: o.processingFailure });
    return send(200, { id: urn, status: v.polls > o.liPending ? 'AVAILABLE' : 'PROCESSING' });
  }
  if (step === 'li.image' || step === 'li.document') {
    const kind = step === 'li.image' ? 'image' : 'document';
    const urn = `urn:li:${kind}:D${state.liAssets.size + 1}`;
    state.liAssets.set(urn, { kind, bytes: 0 });
    state.log.push(step);
    return send(200, { value: { uploadUrlExpiresAt: Date.now() + 86_400_000, uploadUrl: `https://www.linkedin.com/dms-uploads/${encodeURIComponent(urn)}/uploadedImage?sig=abc`, [kind]: urn } });
  }
  return send(404, { error: 'not found' });
}
