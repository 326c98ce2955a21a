import { copyFile, mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MediaStore } from '../media-store.js';
import type { Network, Post, PostStore } from '../posts-store.js';
import { readyMedia, stopIfInterrupted, type Ready, type UploadContext } from './common.js';
import type { Settings } from '../../settings.js';

/**
 * A post's media, uploaded before the post itself: the post is marked `uploading` meanwhile (an
 * interruption then puts it back in the queue: nothing was published), then `posting` just before
 * the request that publishes (unless `keepUploading`: the upload itself publishes, and says when).
 * `signal` stops the upload at once, and an upload finished after Ctrl-C is not followed by the
 * post: either way the post goes back to the queue, nothing published. Undefined for a post
 * without media.
 */
export async function withMedia<T>(
  deps: MediaDeps | undefined,
  post: Post,
  network: Network,
  destination: string,
  settings: Pick<Settings, 'retryMs' | 'mediaPollMs' | 'httpTimeoutMs'>,
  signal: AbortSignal | undefined,
  upload: (ctx: UploadContext, media: Ready[]) => Promise<T>,
  options: { keepUploading?: boolean } = {},
): Promise<T | undefined> {
  const rows = deps?.media.of(post.id) ?? [];
  if (!deps || !rows.length) return undefined;
  deps.posts.setPhase(post.id, 'uploading');
  const ready = await readyMedia(rows, network);
  const ctx: UploadContext = {
    network,
    destination,
    store: deps.media,
    retryMs: settings.retryMs,
    pollMs: settings.mediaPollMs,
    maxPolls: 120,
    timeoutMs: settings.httpTimeoutMs,
    now: () => new Date(),
    ...(signal ? { signal } : {}),
  };
  const result = await upload(ctx, ready);
  if (!options.keepUploading) {
    stopIfInterrupted(ctx);
    deps.posts.setPhase(post.id, 'posting');
  }
  return result;
}

/** Copies a medium into the outbox (streamed by the system), whole or not at all. */
export async function copyFileAtomic(from: string, to: string): Promise<void> {
  const tmp = `${to}.${process.pid}.tmp`;
  await mkdir(dirname(to), { recursive: true });
  await copyFile(from, tmp);
  await rename(tmp, to);
}

/** What the publishers of media need from the journal: the post's media and the uploads done. */
export interface MediaDeps {
  media: MediaStore;
  posts: PostStore;
}
