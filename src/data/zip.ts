import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { RelaisError } from '../errors.js';

/**
 * Just enough of the zip format to stream one member: the central directory at the end of the
 * archive says where each member starts, and a deflated member is inflated as it is read. No
 * dependency, and nothing held in memory but the directory. An archive cut by a download has no
 * end-of-directory record, or members that run past its end: both are clear errors.
 */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export async function zipEntries(path: string, file: string): Promise<ZipEntry[]> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    let at = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) throw new RelaisError(`archive zip tronquée ou abîmée : sa table des fichiers est introuvable ; retéléchargez-la`, { file });
    const count = tail.readUInt16LE(at + 10);
    const dirSize = tail.readUInt32LE(at + 12);
    const dirOffset = tail.readUInt32LE(at + 16);
    if (dirOffset === 0xffffffff || count === 0xffff) throw new RelaisError(`archive zip64 (plus de 4 Go) non prise en charge : décompressez-la et donnez le fichier JSON`, { file });
    if (dirOffset + dirSize > size) throw new RelaisError(`archive zip tronquée : sa table des fichiers dépasse la fin du fichier ; retéléchargez-la`, { file });
    const dir = Buffer.alloc(dirSize);
    await handle.read(dir, 0, dirSize, dirOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw new RelaisError(`archive zip abîmée : table des fichiers illisible`, { file });
      const nameLength = dir.readUInt16LE(p + 28);
      entries.push({
        method: dir.readUInt16LE(p + 10),
        compressedSize: dir.readUInt32LE(p + 20),
        size: dir.readUInt32LE(p + 24),
        localOffset: dir.readUInt32LE(p + 42),
        name: dir.toString('utf8', p + 46, p + 46 + nameLength),
      });
      p += 46 + nameLength + dir.readUInt16LE(p + 30) + dir.readUInt16LE(p + 32);
    }
    return entries;
  } finally {
    await handle.close();
  }
}

/** The bytes of one member, inflated as they are read. */
export async function zipEntryStream(path: string, file: string, entry: ZipEntry): Promise<Readable> {
  const handle = await open(path, 'r');
  const header = Buffer.alloc(30);
  let size: number;
  try {
    size = (await handle.stat()).size;
    await handle.read(header, 0, 30, entry.localOffset);
  } finally {
    await handle.close();
  }
  if (header.readUInt32LE(0) !== LOCAL) throw new RelaisError(`archive zip abîmée : « ${entry.name} » introuvable à l'endroit annoncé`, { file });
  const start = entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + entry.compressedSize > size) throw new RelaisError(`archive zip tronquée : « ${entry.name} » dépasse la fin du fichier ; retéléchargez-la`, { file });
  const raw = createReadStream(path, { start, end: start + entry.compressedSize - 1 });
  if (entry.method === 0) return raw;
  if (entry.method !== 8) {
    raw.destroy();
    throw new RelaisError(`archive zip : méthode de compression ${entry.method} non prise en charge (seules « stockée » et « deflate » le sont)`, { file });
  }
  const inflate = createInflateRaw();
  raw.on('error', (err) => inflate.destroy(err));
  return raw.pipe(inflate);
}
