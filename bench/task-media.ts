/**
 * Bench task: one video of about 200 MB published to the three local servers (X in segments of
 * 1 MB, Facebook in the chunks the server asks for, LinkedIn in 4 MB parts), through the
 * scheduler as `relais schedule run` does it. The figure is the throughput and this process's
 * peak memory: the file is read in slices, never whole.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCampaign } from '../src/campaign/load.js';
import { mediaRows, openScheduler } from '../src/delivery/schedule-io.js';
import { planPost, publishDue } from '../src/delivery/schedule.js';
import { commandLineMedia } from '../src/media/declared.js';
import { packageRoot } from '../src/paths.js';
import { readEnvironment } from '../src/settings.js';
import { report } from './measure.js';
import { tuneV8 } from '../src/v8-tuning.js';

// As bin/relais.js runs relais.
tuneV8();

const megabytes = Number(process.argv[2] ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'relais-bench-media-'));
for (const entry of ['campagne.yaml', 'templates', 'data', 'medias']) cpSync(join(packageRoot(), entry), join(dir, entry), { recursive: true });

// The sample video followed by a `free` box: a valid MP4 of the wanted size, written a megabyte at a time.
const video = join(dir, 'medias', 'grande.mp4');
const clip = readFileSync(join(packageRoot(), 'medias', 'campagne.mp4'));
const fd = openSync(video, 'w');
writeSync(fd, clip);
const padding = megabytes * 1024 * 1024 - clip.length;
const header = Buffer.alloc(8);
header.writeUInt32BE(padding, 0);
header.write('free', 4, 'latin1');
writeSync(fd, header);
const block = Buffer.alloc(1024 * 1024);
for (let left = padding - 8; left > 0; left -= block.length) writeSync(fd, block, 0, Math.min(block.length, left));
closeSync(fd);

const sink = spawn(process.execPath, [join(import.meta.dirname, 'social-sink.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve) => sink.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
Object.assign(process.env, {
  RELAIS_X_APP_KEY: 'k', RELAIS_X_APP_SECRET: 's', RELAIS_X_ACCESS_TOKEN: 't', RELAIS_X_ACCESS_SECRET: 'a', RELAIS_X_API_URL: url,
  RELAIS_FACEBOOK_PAGE_ID: '123', RELAIS_FACEBOOK_PAGE_TOKEN: 'fb-page-token', RELAIS_FACEBOOK_API_URL: url,
  RELAIS_LINKEDIN_TOKEN: 'li-token', RELAIS_LINKEDIN_ORGANIZATION: '4242', RELAIS_LINKEDIN_API_URL: url,
  RELAIS_MEDIA_POLL_MS: '0',
});

const campaign = await requireCampaign(dir);
const { journal, store, media, pubs } = openScheduler(campaign, readEnvironment(process.env));
const now = new Date();
for (const channel of ['twitter', 'facebook', 'linkedin'] as const) {
  const m = await commandLineMedia(campaign, [video], ['Vidéo de test'], channel);
  const planned = planPost(store, { channel, text: `Banc d'essai ${channel}`, at: 'now', tz: 'Europe/Paris', now })!;
  media.attach(planned.post.id, mediaRows(m));
}
const start = performance.now();
const result = await publishDue(store, pubs, { now: () => new Date(), retryBaseMs: 200 });
const ms = performance.now() - start;
journal.close();
sink.kill();
rmSync(dir, { recursive: true, force: true });
report({ ms, megabytes, published: result.published.length, failed: result.failed.length + result.deferred.length + result.unconfirmed.length });
