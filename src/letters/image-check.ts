import { inflateSync } from 'node:zlib';
import { frenchNumber } from '../text/format.js';

/**
 * Decodes a PNG or JPEG far enough to know that the letters can print it. pdfkit copies an opaque
 * PNG's compressed data into the PDF without inflating it, so a logo cut in its IDAT would give
 * letters with a broken image, or stop `letters` after `check` said all was well. Every chunk and
 * its CRC are read, the pixels inflated and counted; a JPEG is walked marker by marker to its end.
 * Returns the French reason the image is unusable, or undefined when it is sound.
 */
export type ImageKind = 'PNG' | 'JPEG';

export interface ImageInfo {
  kind: ImageKind;
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Beyond this a "logo" is a decompression bomb, or a poster. */
const MAX_PIXELS = 40_000_000;

export function imageKind(data: Uint8Array): ImageKind | undefined {
  if (data.length >= 8 && Buffer.from(data.subarray(0, 8)).equals(PNG_SIGNATURE)) return 'PNG';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'JPEG';
  return undefined;
}

export class ImageProblem extends Error {}

export function checkImage(data: Buffer): ImageInfo {
  const kind = imageKind(data);
  if (kind === 'PNG') return checkPng(data);
  if (kind === 'JPEG') return checkJpeg(data);
  throw new ImageProblem("ce n'est pas une image PNG ou JPEG");
}

let crcTable: Int32Array | undefined;
function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let crc = -1;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

function checkPng(data: Buffer): ImageInfo {
  const cut = 'image PNG tronquée (fichier incomplet)';
  let pos = 8;
  let header: { width: number; height: number; depth: number; colour: number; interlace: number } | undefined;
  const idat: Buffer[] = [];
  let palette = false;
  let ended = false;
  while (!ended) {
    if (pos + 12 > data.length) throw new ImageProblem(cut);
    const length = data.readUInt32BE(pos);
    const type = data.toString('latin1', pos + 4, pos + 8);
    if (pos + 12 + length > data.length) throw new ImageProblem(cut);
    const body = data.subarray(pos + 8, pos + 8 + length);
    if (crc32(data.subarray(pos + 4, pos + 8 + length)) !== data.readUInt32BE(pos + 8 + length)) throw new ImageProblem(`image PNG abîmée (somme de contrôle fausse dans le bloc ${type.replace(/[^\x20-\x7e]/g, '?')})`);
    if (!header && type !== 'IHDR') throw new ImageProblem('image PNG abîmée (en-tête IHDR absent)');
    if (type === 'IHDR') {
      if (length !== 13) throw new ImageProblem('image PNG abîmée (en-tête IHDR invalide)');
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), depth: body[8]!, colour: body[9]!, interlace: body[12]! };
      if (!DEPTHS[header.colour]?.includes(header.depth) || header.interlace > 1) throw new ImageProblem('image PNG d’un type inconnu (couleurs ou profondeur invalides)');
      if (header.width === 0 || header.height === 0) throw new ImageProblem('image PNG vide (largeur ou hauteur nulle)');
      if (header.width * header.height > MAX_PIXELS) throw new ImageProblem(`image trop grande (${frenchNumber(header.width)} × ${frenchNumber(header.height)} pixels)`);
    } else if (type === 'PLTE') palette = true;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') ended = true;
    pos += 12 + length;
  }
  if (!header) throw new ImageProblem(cut);
  if (header.colour === 3 && !palette) throw new ImageProblem('image PNG abîmée (palette absente)');
  if (idat.length === 0) throw new ImageProblem('image PNG sans pixels (aucun bloc IDAT)');
  const bits = CHANNELS[header.colour]! * header.depth;
  const rows = (w: number, h: number) => (w > 0 && h > 0 ? h * (1 + Math.ceil((w * bits) / 8)) : 0);
  const expected = header.interlace ? ADAM7.reduce((n, [x, y, dx, dy]) => n + rows(Math.ceil((header!.width - x) / dx), Math.ceil((header!.height - y) / dy)), 0) : rows(header.width, header.height);
  let pixels: Buffer;
  try {
    pixels = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch {
    throw new ImageProblem('image PNG abîmée (données des pixels illisibles ou coupées)');
  }
  if (pixels.length < expected) throw new ImageProblem('image PNG tronquée (des lignes de pixels manquent)');
  return { kind: 'PNG', width: header.width, height: header.height };
}

function checkJpeg(data: Buffer): ImageInfo {
  const cut = 'image JPEG tronquée (fichier incomplet)';
  let pos = 2;
  let size: { width: number; height: number } | undefined;
  for (;;) {
    // Fill bytes (0xFF) may precede a marker.
    while (pos < data.length && data[pos] === 0xff && data[pos + 1] === 0xff) pos++;
    if (pos + 1 >= data.length) throw new ImageProblem(cut);
    if (data[pos] !== 0xff) throw new ImageProblem('image JPEG abîmée (marqueur attendu)');
    const marker = data[pos + 1]!;
    pos += 2;
    if (marker === 0xd9) break;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (pos + 2 > data.length) throw new ImageProblem(cut);
    const length = data.readUInt16BE(pos);
    if (length < 2) throw new ImageProblem('image JPEG abîmée (segment de longueur invalide)');
    if (pos + length > data.length) throw new ImageProblem(cut);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 7) throw new ImageProblem('image JPEG abîmée (en-tête de trame invalide)');
      size = { height: data.readUInt16BE(pos + 3), width: data.readUInt16BE(pos + 5) };
      if (size.width === 0 || size.height === 0) throw new ImageProblem('image JPEG vide (largeur ou hauteur nulle)');
    }
    pos += length;
    if (marker === 0xda) {
      // Entropy-coded data: a 0xFF in it is followed by 0x00 or a restart marker; anything else
      // is the next marker (another scan of a progressive JPEG, or the end).
      while (pos + 1 < data.length && !(data[pos] === 0xff && data[pos + 1] !== 0x00 && !(data[pos + 1]! >= 0xd0 && data[pos + 1]! <= 0xd7))) pos++;
      if (pos + 1 >= data.length) throw new ImageProblem(cut);
    }
  }
  if (!size) throw new ImageProblem('image JPEG sans trame (dimensions introuvables)');
  return { kind: 'JPEG', ...size };
}
