import http from 'node:http';
import { isIPv4 } from 'node:net';
import { relative } from 'node:path';
import type { TwitterApi } from 'twitter-api-v2';
import { escapeLittleText } from '../channels/linkedin.js';
import { RelaisError } from '../errors.js';
import { insideFolder, writeFileAtomic } from '../files.js';
import { facebookPermission, facebookRateLimit, gatewayAnswer, GATEWAY_STATUSES, linkedinPermission, networkError, PublishError, unreadableSuccess, xRefusal } from './publish-error.js';
import type { Environment } from '../settings.js';
import { slug } from '../text/french.js';
import { readyMedia, stopIfInterrupted } from './upload/common.js';
import { copyFileAtomic, withMedia, type MediaDeps } from './upload/with-media.js';
import { publishFacebookVideo, uploadFacebookPhoto } from './upload/facebook.js';
import { linkedInContent, uploadLinkedIn } from './upload/linkedin.js';
import { uploadX } from './upload/x.js';
import { retryAfterAt } from './resume-at.js';
import { requestCause } from './twitter-errors.js';
import type { Network, Post } from './posts-store.js';

/**
 * Publishing on X, a Facebook Page and a LinkedIn organisation page, or — without credentials —
 * to an outbox of files. Every failure is a PublishError (publish-error.ts) saying what the
 * scheduler must do with the post.
 */

export interface Publisher {
  network: Network;
  /** "X (api.x.com)", "boîte de publication locale"… */
  description: string;
  outbox: boolean;
  /**
   * Where a post goes, as the journal records it: `outbox` for the local rehearsal, else the
   * account (`twitter`, `facebook:<page id>`, `linkedin:<organization urn>`).
   */
  destination: string;
  /**
   * `now` dates an outbox copy: a late post is written as of today. `signal` (Ctrl-C, SIGTERM)
   * stops an upload of media at once: nothing is published yet, the post goes back to the queue.
   * The request that publishes is never cut by it: the scheduler gives its answer a grace.
   */
  publish(post: Post, now?: Date, signal?: AbortSignal): Promise<{ id: string; url: string | null; path?: string }>;
}

/**
 * What a publisher reads: the settings validated at start (API addresses, versions, timeouts) and,
 * for its credentials only, the environment snapshot taken at the same moment (see settings.ts).
 */
export type SocialEnvironment = Pick<Environment, 'settings' | 'variables'>;

function required(env: Readonly<Record<string, string | undefined>>, network: string, names: string[]): Record<string, string> | undefined {
  const present = names.filter((n) => env[n]);
  if (present.length === 0) return undefined;
  const missing = names.filter((n) => !env[n]);
  if (missing.length) throw new RelaisError(`identifiants ${network} incomplets : il manque ${missing.join(', ')} (les autres sont définis)`, { field: missing[0] });
  return Object.fromEntries(names.map((n) => [n, env[n]!]));
}

/**
 * RELAIS_X_API_URL and its companions (a proxy, a test server), already read as http(s) addresses
 * without credentials at start: the tokens travel with every request, so in clear only to this
 * machine (a local test server).
 */
function apiBase(url: URL | undefined, name: string, fallback: string): string;
function apiBase(url: URL | undefined, name: string): string | undefined;
function apiBase(url: URL | undefined, name: string, fallback?: string): string | undefined {
  if (!url) return fallback;
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new RelaisError(`${name} : http:// enverrait les jetons en clair à ${url.hostname} ; utilisez https:// (http:// n'est accepté que vers cette machine : localhost, 127.0.0.1, ::1)`, { field: name });
  }
  return url.href.replace(/\/$/, '');
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  return isIPv4(h) && h.startsWith('127.');
}

/**
 * The rehearsal: each post as a text file and a JSON file, dated when it is written (a post long
 * past due is written as of today, its planned time kept beside). `root` is the campaign folder,
 * so that the journal records a path relative to it.
 */
export function outboxPublisher(network: Network, dir: string, root?: string, deps?: MediaDeps): Publisher {
  return {
    network,
    description: `boîte de publication locale ${dir} (aucun compte ${network} configuré : rien n'est publié)`,
    outbox: true,
    destination: 'outbox',
    async publish(post, now = new Date()) {
      const base = `${post.id}-${network}`;
      // The media are checked as the network would check them, then copied beside the text.
      const media = await readyMedia(deps?.media.of(post.id) ?? [], network);
      const medias = [];
      for (const [i, r] of media.entries()) {
        const file = `${base}-${i + 1}-${slug(r.medium.name.replace(/\.[^.]*$/, ''), 40) || 'media'}.${r.probe.format === 'jpeg' ? 'jpg' : r.probe.format}`;
        await copyFileAtomic(r.medium.path, insideFolder(dir, file));
        medias.push({ nom: r.medium.name, fichier: file, type: r.probe.mime, octets: r.probe.size, sha256: r.probe.sha256, texte_alternatif: r.medium.alt });
      }
      const path = insideFolder(dir, `${base}.txt`);
      await writeFileAtomic(path, `${post.text}\n`);
      const doc = { id: post.id, canal: network, date: now.toISOString(), prevue: post.due_utc, heure_locale: `${post.local_time} ${post.tz}`, texte: post.text, ...(medias.length ? { medias } : {}) };
      await writeFileAtomic(insideFolder(dir, `${base}.json`), `${JSON.stringify(doc, null, 2)}\n`);
      return { id: `outbox:${base}`, url: null, path: root ? relative(root, path).split('\\').join('/') : path };
    },
  };
}

export function twitterPublisher(env: SocialEnvironment, deps?: MediaDeps): Publisher | undefined {
  const c = required(env.variables, 'X', ['RELAIS_X_APP_KEY', 'RELAIS_X_APP_SECRET', 'RELAIS_X_ACCESS_TOKEN', 'RELAIS_X_ACCESS_SECRET']);
  if (!c) return undefined;
  const base = apiBase(env.settings.apiUrls.x, 'RELAIS_X_API_URL');
  // twitter-api-v2 is loaded with the first post, not when relais starts.
  let client: Promise<TwitterApi> | undefined;
  const clientOf = () =>
    (client ??= import('twitter-api-v2').then(
      (x) =>
        new x.TwitterApi(
          { appKey: c.RELAIS_X_APP_KEY!, appSecret: c.RELAIS_X_APP_SECRET!, accessToken: c.RELAIS_X_ACCESS_TOKEN!, accessSecret: c.RELAIS_X_ACCESS_SECRET! },
          base
            ? {
                // twitter-api-v2 speaks https only: a plain-http base (a local test server, a proxy)
                // needs an http agent and the URL rewritten before each request.
                ...(base.startsWith('http:') ? { httpAgent: new http.Agent() } : {}),
                plugins: [{ onBeforeRequestConfig: ({ params }) => void (params.url = params.url.replace(/^https:\/\/api\.(twitter|x)\.com/, base)) }],
              }
            : {},
        ),
    ));
  return {
    network: 'twitter',
    description: `X (${base ?? 'api.x.com'})`,
    outbox: false,
    destination: 'twitter',
    async publish(post, _now, signal) {
      const { ApiResponseError, ApiRequestError, ApiPartialResponseError } = await import('twitter-api-v2');
      const ids = await withMedia(deps, post, 'twitter', 'twitter', env.settings, signal, async (ctx, media) => {
        const creds = { appKey: c.RELAIS_X_APP_KEY!, appSecret: c.RELAIS_X_APP_SECRET!, accessToken: c.RELAIS_X_ACCESS_TOKEN!, accessSecret: c.RELAIS_X_ACCESS_SECRET! };
        const out: string[] = [];
        for (const r of media) out.push(await uploadX(ctx, base ?? 'https://api.x.com', creds, r));
        return out;
      });
      let res: { data?: { id?: unknown } } | undefined;
      try {
        const body = ids?.length ? { text: post.text, media: { media_ids: ids } } : { text: post.text };
        res = await (await clientOf()).v2.post<{ data?: { id?: unknown } }>('tweets', body, { timeout: env.settings.httpTimeoutMs });
      } catch (err) {
        if (err instanceof ApiResponseError) throw xRefusal(err.code, err.data, (name) => err.headers[name], err.message);
        if (err instanceof ApiPartialResponseError) {
          // X began to answer, then the connection dropped or the JSON was broken: a 201 means the
          // tweet exists; an error answer is read by its status alone.
          const status = err.response?.statusCode ?? 0;
          if (status < 400) throw unreadableSuccess('X', status, 'le compte');
          throw xRefusal(status, undefined, (name) => err.response?.headers[name], 'réponse coupée ou illisible');
        }
        if (err instanceof ApiRequestError) throw networkError(requestCause(err), 'X');
        throw networkError(err, 'X');
      }
      // A success without the tweet's id (a proxy's page, an API that changed): the request went
      // through, so the tweet may be out; sending it again could post it twice.
      const id = res?.data?.id;
      if (typeof id !== 'string' || id === '') throw new PublishError(UNCERTAIN('X', 'le compte'), 'unknown');
      return { id, url: `https://x.com/i/web/status/${id}` };
    },
  };
}

/** What is said of a post the network took without saying what it made of it. */
const UNCERTAIN = (network: string, where: string) =>
  `${network} a répondu « succès » sans l’identifiant du message (réponse inattendue) : la publication est peut-être en ligne ; vérifiez sur ${where} avant de la relancer (relais ne la renvoie pas d’elle-même)`;

async function post(url: string, init: RequestInit, what: string, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw networkError(err, what);
  }
}

export function facebookPublisher(env: SocialEnvironment, deps?: MediaDeps): Publisher | undefined {
  const c = required(env.variables, 'Facebook', ['RELAIS_FACEBOOK_PAGE_ID', 'RELAIS_FACEBOOK_PAGE_TOKEN']);
  if (!c) return undefined;
  const base = apiBase(env.settings.apiUrls.facebook, 'RELAIS_FACEBOOK_API_URL', 'https://graph.facebook.com');
  const version = env.settings.versions.facebook;
  return {
    network: 'facebook',
    description: `Facebook, page ${c.RELAIS_FACEBOOK_PAGE_ID} (${base})`,
    outbox: false,
    destination: `facebook:${c.RELAIS_FACEBOOK_PAGE_ID}`,
    async publish(p, _now, signal) {
      const target = { base, videoBase: env.settings.apiUrls.facebook ? base : 'https://graph-video.facebook.com', version, page: c.RELAIS_FACEBOOK_PAGE_ID!, token: c.RELAIS_FACEBOOK_PAGE_TOKEN! };
      // A video is its own post: finishing its upload publishes it with the text as description.
      const video = await withMedia(deps, p, 'facebook', `facebook:${c.RELAIS_FACEBOOK_PAGE_ID}`, env.settings, signal, async (ctx, media) => {
        const v = media.find((r) => r.probe.kind === 'video');
        if (!v) {
          const photos = await Promise.all(media.map((r) => uploadFacebookPhoto(ctx, target, r)));
          stopIfInterrupted(ctx);
          deps!.posts.setPhase(p.id, 'posting');
          return { photos };
        }
        const { id } = await publishFacebookVideo(ctx, target, v, p.text, () => deps!.posts.setPhase(p.id, 'posting'));
        return { video: id };
      }, { keepUploading: true });
      if (video?.video) return { id: video.video, url: `https://www.facebook.com/${video.video}` };
      const body = new URLSearchParams({ message: p.text, access_token: c.RELAIS_FACEBOOK_PAGE_TOKEN! });
      for (const [i, id] of (video?.photos ?? []).entries()) body.append(`attached_media[${i}]`, JSON.stringify({ media_fbid: id }));
      const res = await post(`${base}/${version}/${encodeURIComponent(c.RELAIS_FACEBOOK_PAGE_ID!)}/feed`, { method: 'POST', body }, 'Facebook', env.settings.httpTimeoutMs);
      const data = (await res.json().catch(() => ({}))) as { id?: string; error?: { message?: string; code?: number; error_subcode?: number } };
      if (res.ok && typeof data.id === 'string' && data.id) return { id: data.id, url: `https://www.facebook.com/${data.id}` };
      if (res.ok) throw new PublishError(UNCERTAIN('Facebook', 'la page'), 'unknown');
      if (GATEWAY_STATUSES.has(res.status)) throw gatewayAnswer('Facebook', res.status, 'la page');
      const code = data.error?.code;
      if (code === 190 || res.status === 401) throw new PublishError('Facebook refuse le jeton de la page : renouvelez RELAIS_FACEBOOK_PAGE_TOKEN', 'auth');
      const permission = facebookPermission(code, undefined, data.error?.error_subcode, c.RELAIS_FACEBOOK_PAGE_ID, data.error?.message);
      if (permission) throw permission;
      const rate = facebookRateLimit(code, (name) => res.headers.get(name));
      if (rate) throw rate;
      if (res.status >= 500) throw new PublishError(`Facebook : erreur du service (${res.status})`, 'transient');
      throw new PublishError(`Facebook refuse le message : ${data.error?.message ?? res.statusText}`, 'content');
    },
  };
}

export function linkedinPublisher(env: SocialEnvironment, deps?: MediaDeps): Publisher | undefined {
  const c = required(env.variables, 'LinkedIn', ['RELAIS_LINKEDIN_TOKEN', 'RELAIS_LINKEDIN_ORGANIZATION']);
  if (!c) return undefined;
  const base = apiBase(env.settings.apiUrls.linkedin, 'RELAIS_LINKEDIN_API_URL', 'https://api.linkedin.com');
  const version = env.settings.versions.linkedin;
  const org = c.RELAIS_LINKEDIN_ORGANIZATION!.replace(/^urn:li:organization:/, '');
  return {
    network: 'linkedin',
    description: `LinkedIn, organisation ${org} (${base})`,
    outbox: false,
    destination: `linkedin:urn:li:organization:${org}`,
    async publish(p, _now, signal) {
      const target = { base, rewrite: Boolean(env.settings.apiUrls.linkedin), token: c.RELAIS_LINKEDIN_TOKEN!, version, owner: `urn:li:organization:${org}` };
      const content = await withMedia(deps, p, 'linkedin', `linkedin:urn:li:organization:${org}`, env.settings, signal, async (ctx, media) => {
        const items = [];
        for (const r of media) items.push({ urn: await uploadLinkedIn(ctx, target, r), r });
        return linkedInContent(items);
      });
      const body = {
        author: `urn:li:organization:${org}`,
        commentary: escapeLittleText(p.text),
        ...(content ? { content } : {}),
        visibility: 'PUBLIC',
        distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
        lifecycleState: 'PUBLISHED',
        isReshareDisabledByAuthor: false,
      };
      const res = await post(
        `${base}/rest/posts`,
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${c.RELAIS_LINKEDIN_TOKEN}`, 'Content-Type': 'application/json', 'LinkedIn-Version': version, 'X-Restli-Protocol-Version': '2.0.0' },
          body: JSON.stringify(body),
        },
        'LinkedIn',
        env.settings.httpTimeoutMs,
      );
      if (res.ok) {
        // 201 with the post's URN is the documented answer; any success without it is uncertain.
        await res.body?.cancel();
        const id = res.headers.get('x-restli-id') ?? '';
        if (!id) throw new PublishError(UNCERTAIN('LinkedIn', 'la page de l’organisation'), 'unknown');
        return { id, url: `https://www.linkedin.com/feed/update/${id}` };
      }
      const text = await res.text().catch(() => '');
      if (GATEWAY_STATUSES.has(res.status)) throw gatewayAnswer('LinkedIn', res.status, 'la page de l’organisation');
      if (res.status === 401) throw new PublishError('LinkedIn refuse le jeton : renouvelez RELAIS_LINKEDIN_TOKEN', 'auth');
      const permission = linkedinPermission(res.status);
      if (permission) throw permission;
      if (res.status === 429) {
        throw new PublishError('LinkedIn : limite d’appels atteinte', 'rate', retryAfterAt(res.headers.get('retry-after'), Date.now()));
      }
      if (res.status >= 500) throw new PublishError(`LinkedIn : erreur du service (${res.status})`, 'transient');
      throw new PublishError(`LinkedIn refuse le message (${res.status}) : ${text.slice(0, 200)}`, 'content');
    },
  };
}

export type { MediaDeps };

export function publishers(env: SocialEnvironment, outboxDir: string, root?: string, deps?: MediaDeps): Record<Network, Publisher> {
  return {
    twitter: twitterPublisher(env, deps) ?? outboxPublisher('twitter', outboxDir, root, deps),
    facebook: facebookPublisher(env, deps) ?? outboxPublisher('facebook', outboxDir, root, deps),
    linkedin: linkedinPublisher(env, deps) ?? outboxPublisher('linkedin', outboxDir, root, deps),
  };
}

/**
 * The accounts' settings, checked before a long run starts: `relais run` must not send its
 * emails and then stop on an unreadable RELAIS_LINKEDIN_API_URL.
 */
export function checkSocialSettings(env: SocialEnvironment): void {
  twitterPublisher(env);
  facebookPublisher(env);
  linkedinPublisher(env);
}
