import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { RelaisError, systemReason } from '../errors.js';

/**
 * What a medium is, read from its content (never from its extension) and without holding the file
 * in memory: the hash is streamed, an MP4 is fed to mp4box in chunks from the offsets it asks for
 * (it skips the media data), a JPEG is walked marker by marker, a PDF scanned in chunks.
 */
export type MediaKind = 'video' | 'image' | 'document';
export type MediaFormat = 'mp4' | 'png' | 'jpeg' | 'pdf';

export interface VideoFacts {
  /** The ftyp brand ("isom", "mp42", "qt  "…). */
  brand: string;
  /** Sample entry of the video track ("avc1", "hvc1"…), undefined without a video track. */
  videoCodec: string | undefined;
  /** Sample entry of the audio track ("mp4a"…), undefined without sound. */
  audioCodec: string | undefined;
  audioChannels: number | undefined;
  durationSec: number;
  width: number;
  height: number;
  fps: number;
}

export interface Probe {
  size: number;
  sha256: string;
  format: MediaFormat;
  kind: MediaKind;
  mime: string;
  video?: VideoFacts;
  image?: { width: number; height: number };
  /** Undefined when the page tree could not be read (compressed object streams). */
  pages?: number | undefined;
}

export const MIME: Record<MediaFormat, string> = { mp4: 'video/mp4', png: 'image/png', jpeg: 'image/jpeg', pdf: 'application/pdf' };
const KIND: Record<MediaFormat, MediaKind> = { mp4: 'video', png: 'image', jpeg: 'image', pdf: 'document' };
const CHUNK = 1 << 20;

/** The format by magic bytes; undefined for anything else (a text file named .mp4). */
export function sniff(head: Buffer): MediaFormat | undefined {
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47 && head.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (head.length >= 12 && head.subarray(4, 8).toString('latin1') === 'ftyp') return 'mp4';
  return undefined;
}

export function formatLabel(format: MediaFormat | undefined): string {
  return format ? { mp4: 'vidéo MP4', png: 'image PNG', jpeg: 'image JPEG', pdf: 'document PDF' }[format] : 'format inconnu';
}

/** sha256 of a file, streamed. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What a medium is without its hash: all that validating it needs. */
export type MediaFacts = Omit<Probe, 'sha256'>;

/** Reads a medium's facts and hashes it whole: what queuing a post records. */
export async function probeFile(path: string, shown: string): Promise<Probe> {
  const facts = await probeFacts(path, shown);
  return { ...facts, sha256: await hashFile(path) };
}

/**
 * Reads a medium's facts (a few reads at the offsets its format names), not its hash: `relais
 * check` validates every declared medium and needs no hash, which reads a whole video.
 * A RelaisError (French, naming `shown`) when it is missing, empty or of no known format.
 */
export async function probeFacts(path: string, shown: string): Promise<MediaFacts> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new RelaisError(`${shown} n'est pas un fichier`, { file: shown });
    size = s.size;
  } catch (err) {
    if (err instanceof RelaisError) throw err;
    throw new RelaisError(`média introuvable : ${shown} (${systemReason(err)})`, { file: shown });
  }
  if (size === 0) throw new RelaisError(`${shown} est vide (0 octet)`, { file: shown });
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 64));
    await handle.read(head, 0, head.length, 0);
    const format = sniff(head);
    if (!format) throw new RelaisError(`${shown} n'est ni une vidéo MP4, ni une image PNG ou JPEG, ni un PDF (son contenu ne correspond à aucun de ces formats, quelle que soit son extension)`, { file: shown });
    const base = { size, format, kind: KIND[format], mime: MIME[format] };
    let facts: Partial<Probe>;
    if (format === 'mp4') facts = { video: await probeMp4(handle, size, shown).catch((err: unknown) => {
      // mp4box may throw on a damaged box: that is the file's fault, said as such (its reason is English).
      if (err instanceof RelaisError) throw err;
      throw new RelaisError(`${shown} : vidéo MP4 illisible (structure MP4 abîmée ou fichier coupé) : réexportez la vidéo en MP4 (H.264/AAC)`, { file: shown });
    }) };
    else if (format === 'png') facts = { image: { width: head.readUInt32BE(16), height: head.readUInt32BE(20) } };
    else if (format === 'jpeg') facts = { image: await jpegSize(handle, size, shown) };
    else facts = { pages: await pdfPages(handle, size) };
    return { ...base, ...facts };
  } finally {
    await handle.close();
  }
}

/**
 * mp4box reports a damaged file through console.error and console.warn (its Log cannot be turned
 * below "error"): those English lines would reach the user beside relais's French message, which
 * says the same thing. relais itself never writes through console.
 */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const { error, warn, info, log } = console;
  console.error = console.warn = console.info = console.log = () => undefined;
  try {
    return await work();
  } finally {
    Object.assign(console, { error, warn, info, log });
  }
}

async function probeMp4(handle: FileHandle, size: number, shown: string): Promise<VideoFacts> {
  return quietly(() => readMp4(handle, size, shown));
}

async function readMp4(handle: FileHandle, size: number, shown: string): Promise<VideoFacts> {
  const { createFile, MP4BoxBuffer } = await import('mp4box');
  const file = createFile(false);
  let info: import('mp4box').Movie | undefined;
  let failure: string | undefined;
  file.onReady = (m) => void (info = m);
  file.onError = (_module: string, message: string) => void (failure = message);
  let offset = 0;
  // mp4box says which offset it needs next: past the media data when the index is at the end.
  while (!info && !failure && offset < size) {
    const buf = new ArrayBuffer(Math.min(CHUNK, size - offset));
    const { bytesRead } = await handle.read(new Uint8Array(buf), 0, buf.byteLength, offset);
    if (bytesRead === 0) break;
    const next = file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(buf.slice(0, bytesRead), offset), offset + bytesRead >= size);
    offset = typeof next === 'number' && next > offset ? next : offset + bytesRead;
  }
  if (!info) file.flush();
  // mp4box's own reason is English: the French one says what the user can act on.
  if (!info) throw new RelaisError(`${shown} : vidéo MP4 illisible (${failure ? 'structure MP4 abîmée ou fichier coupé' : 'index « moov » introuvable'}) : réexportez la vidéo en MP4 (H.264/AAC)`, { file: shown });
  const video = info.videoTracks[0];
  const audio = info.audioTracks[0];
  const durationSec = info.timescale ? info.duration / info.timescale : 0;
  const trackSec = video && video.timescale ? video.samples_duration / video.timescale || video.duration / video.timescale : 0;
  return {
    brand: info.brands[0] ?? '',
    videoCodec: video?.codec.split('.')[0],
    audioCodec: audio?.codec.split('.')[0],
    audioChannels: audio?.audio?.channel_count,
    durationSec,
    width: video?.video?.width ?? video?.track_width ?? 0,
    height: video?.video?.height ?? video?.track_height ?? 0,
    fps: video && trackSec > 0 ? Math.round((video.nb_samples / trackSec) * 100) / 100 : 0,
  };
}

/** JPEG dimensions: the first SOFn segment, found by jumping from segment to segment. */
async function jpegSize(handle: FileHandle, size: number, shown: string): Promise<{ width: number; height: number }> {
  const b = Buffer.alloc(9);
  let pos = 2;
  while (pos + 4 <= size) {
    await handle.read(b, 0, 9, pos);
    if (b[0] !== 0xff) break;
    const marker = b[1]!;
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { height: b.readUInt16BE(5), width: b.readUInt16BE(7) };
    if (marker === 0xd9 || marker === 0xda) break;
    pos += 2 + b.readUInt16BE(2);
  }
  throw new RelaisError(`${shown} : image JPEG illisible (dimensions introuvables)`, { file: shown });
}

/** Page objects counted in chunks (with an overlap so a token cut in two is still seen). */
async function pdfPages(handle: FileHandle, size: number): Promise<number | undefined> {
  let pages = 0;
  let maxCount = 0;
  let tail = '';
  const buf = Buffer.alloc(CHUNK);
  for (let pos = 0; pos < size; pos += CHUNK) {
    const { bytesRead } = await handle.read(buf, 0, CHUNK, pos);
    const text = tail + buf.subarray(0, bytesRead).toString('latin1');
    const from = tail.length;
    for (const m of text.matchAll(/\/Type\s*\/Page(?![a-zA-Z])/g)) if (m.index + m[0].length > from) pages++;
    for (const m of text.matchAll(/\/Count\s+(\d+)/g)) if (m.index + m[0].length > from) maxCount = Math.max(maxCount, Number(m[1]));
    tail = text.slice(-32);
  }
  return pages || maxCount || undefined;
}
