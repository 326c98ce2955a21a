/**
 * `npm run media:sample`: writes medias/campagne.mp4, the sample campaign's short video (4 s,
 * 640 × 360, H.264 + AAC, well under 500 KB), entirely synthesised by ffmpeg (a test pattern, a
 * caption and a tone): no third-party footage, so no licence beyond the project's own (MIT).
 * ffmpeg is needed only here, never when relais runs; it is installed from Debian when missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';

export function ensureFfmpeg(): void {
  if (existsSync('/usr/bin/ffmpeg')) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'ffmpeg'], { stdio: 'ignore', env });
}

/** A synthetic clip; `codec` libx264 (H.264) by default, libx265 for an HEVC counter-example. */
export function makeClip(target: string, options: { seconds?: number; width?: number; height?: number; codec?: string; fps?: number; indexLast?: boolean } = {}): void {
  ensureFfmpeg();
  const { seconds = 4, width = 640, height = 360, codec = 'libx264', fps = 25 } = options;
  execFileSync(
    '/usr/bin/ffmpeg',
    [
      '-y', '-loglevel', 'error',
      '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${seconds}`,
      '-c:v', codec, ...(codec === 'libx264' ? ['-profile:v', 'high', '-pix_fmt', 'yuv420p', '-crf', '32'] : ['-crf', '34', '-tag:v', 'hvc1', '-x265-params', 'log-level=error']),
      '-c:a', 'aac', '-b:a', '48k',
      // The index first: a network reads it without the whole file (relais also reads one at the end).
      ...(options.indexLast ? [] : ['-movflags', '+faststart']),
      '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact',
      target,
    ],
    { stdio: 'inherit' },
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = join(packageRoot(), 'medias');
  mkdirSync(dir, { recursive: true });
  makeClip(join(dir, 'campagne.mp4'));
  process.stdout.write('medias/campagne.mp4 écrite\n');
}
