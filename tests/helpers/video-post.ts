import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Journal } from '../../src/delivery/journal.js';
import { MediaStore } from '../../src/delivery/media-store.js';
import { PostStore } from '../../src/delivery/posts-store.js';
import { mediaRows } from '../../src/delivery/schedule-io.js';
import { probeFile } from '../../src/media/probe.js';
import { readEnvironment } from '../../src/settings.js';
import type { SocialServer } from '../servers/social.js';
import { socialEnv } from '../servers/social.js';
import { tempDir } from './campaign.js';
import { ROOT } from './cli.js';

/**
 * A journal of its own, in a folder holding the sample's video, with the stores a publishing run
 * reads, set up for `server` (or the `variables` given); `videoPost` plans a post due a minute ago with that video attached.
 * The caller closes `journal`.
 */
export async function videoJournal(server: SocialServer, label: string, variables: Record<string, string> = socialEnv(server)) {
  const dir = tempDir();
  mkdirSync(join(dir, 'medias'));
  const file = join(dir, 'medias', 'campagne.mp4');
  copyFileSync(join(ROOT, 'medias', 'campagne.mp4'), file);
  const env = readEnvironment(variables);
  const journal = Journal.open(dir, label);
  const store = new PostStore(journal);
  const media = new MediaStore(journal, dir);
  const probe = await probeFile(file, 'medias/campagne.mp4');
  const videoPost = (channel: 'twitter' | 'facebook' | 'linkedin', text: string, utc = new Date(Date.now() - 60_000)) => {
    const post = store.add({ channel, text, local: '2031-04-11 09:00', tz: 'Europe/Paris', utc, source: 'cli' })!;
    media.attach(post.id, mediaRows([{ name: 'campagne.mp4', path: file, shown: 'medias/campagne.mp4', alt: 'Une mire de couleurs animée', title: undefined, probe }]));
    return post;
  };
  return { dir, file, env, journal, store, media, probe, videoPost };
}
