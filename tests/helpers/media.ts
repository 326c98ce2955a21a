import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import { makeClip } from '../../scripts/sample-video.js';
import { ROOT } from './cli.js';
import { ensureDebianPackage } from './debian.js';

/**
 * Media fixtures, made once per machine (ffmpeg from Debian, pdfkit) in a shared folder and reused
 * by every test file: a good H.264/AAC clip, an HEVC one, one too wide for X, one too short for
 * LinkedIn, a text file named .mp4, an empty file, a PNG over X's 5 MB, a two-page PDF.
 */
export const MEDIA_DIR = join(tmpdir(), 'relais-media-fixtures-v1');

export interface MediaFixtures {
  good: string;
  hevc: string;
  wide: string;
  short: string;
  /** Index (moov) after the media data, as many cameras write it. */
  indexLast: string;
  text: string;
  empty: string;
  bigPng: string;
  smallPng: string;
  pdf: string;
}

function png(width: number, height: number, padding: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 2, 0, 0, 0], 16);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, Buffer.alloc(padding)]);
}

async function pdf(path: string, pages: number): Promise<void> {
  const doc = new PDFDocument({ autoFirstPage: false });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((r) => doc.on('end', () => r()));
  for (let i = 0; i < pages; i++) doc.addPage().text(`Page ${i + 1}`);
  doc.end();
  await done;
  writeFileSync(path, Buffer.concat(chunks));
}

/**
 * Test files run in parallel workers: one at a time installs ffmpeg (two apt-get would fight for
 * dpkg's lock) and builds the fixtures; the others wait, then find them made. A lock left by a
 * killed run is taken over after ten minutes.
 */
async function exclusively<T>(work: () => Promise<T>): Promise<T> {
  const lock = `${MEDIA_DIR}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function mediaFixtures(): Promise<MediaFixtures> {
  mkdirSync(dirname(MEDIA_DIR), { recursive: true });
  return exclusively(buildFixtures);
}

async function buildFixtures(): Promise<MediaFixtures> {
  const f: MediaFixtures = {
    good: join(MEDIA_DIR, 'bonne.mp4'),
    hevc: join(MEDIA_DIR, 'hevc.mp4'),
    wide: join(MEDIA_DIR, 'large.mp4'),
    short: join(MEDIA_DIR, 'courte.mp4'),
    indexLast: join(MEDIA_DIR, 'index-a-la-fin.mp4'),
    text: join(MEDIA_DIR, 'texte.mp4'),
    empty: join(MEDIA_DIR, 'vide.mp4'),
    bigPng: join(MEDIA_DIR, 'grande.png'),
    smallPng: join(MEDIA_DIR, 'petite.png'),
    pdf: join(MEDIA_DIR, 'fiche.pdf'),
  };
  mkdirSync(MEDIA_DIR, { recursive: true });
  // Built beside, then renamed: two test files making the same fixture never see half of it.
  const make = async (path: string, build: (target: string) => void | Promise<void>) => {
    if (existsSync(path)) return;
    const target = `${path}.${process.pid}${extname(path)}`;
    await build(target);
    renameSync(target, path);
  };
  await make(f.good, (t) => copyFileSync(join(ROOT, 'medias', 'campagne.mp4'), t));
  if (![f.hevc, f.wide, f.short, f.indexLast].every(existsSync)) ensureDebianPackage('/usr/bin/ffmpeg', 'ffmpeg');
  await make(f.indexLast, (t) => makeClip(t, { seconds: 3, width: 320, height: 180, indexLast: true }));
  await make(f.hevc, (t) => makeClip(t, { codec: 'libx265', seconds: 2, width: 320, height: 180 }));
  await make(f.wide, (t) => makeClip(t, { seconds: 1, width: 2048, height: 128, fps: 5 }));
  await make(f.short, (t) => makeClip(t, { seconds: 1, width: 320, height: 180 }));
  await make(f.text, (t) => writeFileSync(t, 'Ceci est un texte, pas une vidéo.\n'));
  await make(f.empty, (t) => writeFileSync(t, ''));
  await make(f.bigPng, (t) => writeFileSync(t, png(1600, 1200, 6 * 1024 * 1024)));
  await make(f.smallPng, (t) => writeFileSync(t, png(800, 600, 1000)));
  await make(f.pdf, (t) => pdf(t, 2));
  return f;
}
