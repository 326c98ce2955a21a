import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFile, stat } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileHead, writeFileAtomic } from '../files.js';
import { packageRoot } from '../paths.js';
import { NATIVE_BINARY } from '../data/native-scan.js';
import { ProblemList, type Problem } from '../problems.js';
import type { FileAccount } from './accounting.js';
import type { Campaign } from './load.js';
import { STATE_DIR } from './paths.js';
import type { TownHallContact } from './contacts-source.js';

/**
 * What reading a large town-hall directory gave — its town halls, its account, its problems —
 * kept in the campaign's state folder and used again while nothing it came from has changed:
 * check, letters, send and status each read the campaign, and a national export is 77 MB of JSON
 * (the better part of a second), read once instead of at every command.
 *
 * Used again only when all of these are the same: the file (its path, size, modification time
 * and inode: `relais fetch`, a copy or an edit change them), the name it is shown by, the
 * campaign's départements, the commune reference and the code that reads it. A reading that
 * found an error is not kept: the next command reads the file again.
 */
export interface DirectoryReading {
  contacts: Map<string, TownHallContact>;
  account: FileAccount;
  /** Communes whose only records were rejected, with the line of the first: said instead of « aucune ligne ». */
  rejected?: Map<string, number>;
}

/** Below this size a directory is read in a few tens of milliseconds: not worth a file. */
const MIN_SIZE = 8 << 20;
const FORMAT = 4;
const CACHE_FILE = join(STATE_DIR, 'cache', 'annuaire.json');

/** The code that turns a directory into town halls: a new build of it is a new reading. */
const READERS = ['./contacts-source.js', './directory-read.js', '../data/directory.js', '../data/directory-files.js', '../data/json-records.js', '../data/table.js', '../data/cog.js'];

/** Set by the bundler (scripts/build.ts) to the identity of the code it bundled; undefined in the compiler's output. */
declare const RELAIS_BUILD: string | undefined;

let readers: Promise<string[] | undefined> | undefined;

async function readerIdentity(): Promise<string[]> {
  const require = createRequire(import.meta.url);
  const cog = JSON.parse(await readFile(require.resolve('@etalab/decoupage-administratif/package.json'), 'utf8')) as { version: string };
  // The native scanner, when there is one, reads the file too (native-scan.ts).
  const native = await stat(join(packageRoot(), NATIVE_BINARY)).then((s) => `${s.size}:${s.mtimeMs}`, () => 'js');
  // The kept reading is in V8's serialisation format, which an older V8 cannot read back.
  const v8 = process.versions.v8;
  if (typeof RELAIS_BUILD === 'string') return [cog.version, RELAIS_BUILD, native, v8];
  const stamps = await Promise.all(READERS.map(async (r) => {
    const s = await stat(fileURLToPath(new URL(r, import.meta.url)));
    return `${s.size}:${s.mtimeMs}`;
  }));
  return [cog.version, native, v8, ...stamps];
}

/**
 * A town hall's contact as one array, its fields in this order: a national reading holds 35,000,
 * whose field names (and file, the same for all) written out each time made the kept reading
 * twice as long to write and to read again.
 */
type PackedContact = [code: string, courriels: string[], complement1: string, complement2: string, voie: string, distribution: string, codePostal: string, localite: string, telephone: string, line: number, label: string, courrielIllisible: 0 | 1];

function pack(code: string, c: TownHallContact): PackedContact {
  const { courriels, complement1, complement2, voie, distribution, codePostal, localite, telephone, line, label, courrielIllisible, file: _file, ...rest } = c;
  // A field added to TownHallContact fails to compile here until it is packed too.
  const unpacked: Record<string, never> = rest;
  void unpacked;
  return [code, courriels, complement1, complement2, voie, distribution, codePostal, localite, telephone, line, label, courrielIllisible ? 1 : 0];
}

function unpack(p: PackedContact, file: string): [string, TownHallContact] {
  const [code, courriels, complement1, complement2, voie, distribution, codePostal, localite, telephone, line, label, illisible] = p;
  return [code, { courriels, complement1, complement2, voie, distribution, codePostal, localite, telephone, file, line, label, ...(illisible ? { courrielIllisible: true } : {}) }];
}

/**
 * Where the reading of this file would be kept, under which key; undefined for a file read too
 * fast to be worth it, or code without a build to stamp (the tests' TypeScript sources).
 */
async function keptPlace(campaign: Campaign, path: string, file: string): Promise<{ cachePath: string; key: string } | undefined> {
  const info = await stat(path, { bigint: true }).catch(() => undefined);
  if (!info || info.size < MIN_SIZE) return undefined;
  // The same for the whole process: asked before the mayors are read and again when the directory is.
  readers ??= readerIdentity().catch(() => undefined);
  const known = await readers;
  if (!known) return undefined;
  const deps = campaign.departements.map((d) => d.code).sort();
  const key = createHash('sha256')
    .update(JSON.stringify([FORMAT, known, path, file, String(info.size), String(info.mtimeNs), String(info.ino), String(info.dev), deps]))
    .digest('hex');
  return { cachePath: join(campaign.dir, CACHE_FILE), key };
}

/**
 * How a kept reading begins: a line with its key, so that whether it is the one wanted shows in its
 * first bytes, then the CRC-32 of what follows (a kept reading damaged on the disk is read again
 * from the file, never taken for the file's), then a line break. The reading follows in V8's own
 * serialisation (node:v8), made and read in C++ without a 7 MB string between: half the time
 * JSON took to write nationally (33 → 17 ms), a little less to read.
 */
const keyPrefix = (key: string) => `relais annuaire ${key} `;
const CRC_DIGITS = 8;

/**
 * Whether reading this directory file is work to do: no reading of it kept. Asked before the
 * mayors are read, so that the file's scan can start meanwhile (contacts-source.ts); only the
 * kept reading's first bytes are read.
 */
export async function directoryToRead(campaign: Campaign, path: string, file: string): Promise<boolean> {
  const place = await keptPlace(campaign, path, file);
  return !place || !(await isKept(place.cachePath, place.key));
}

/** Whether the reading kept at `cachePath` begins with this key. */
async function isKept(cachePath: string, key: string): Promise<boolean> {
  const prefix = keyPrefix(key);
  const head = await fileHead(cachePath, prefix.length).catch(() => undefined);
  return head?.toString('latin1') === prefix;
}

const crcOf = (bytes: Uint8Array) => crc32(bytes).toString(16).padStart(CRC_DIGITS, '0');

/** The kept reading after `prefix`, if its CRC and its shape are a kept reading's; else undefined (the file is read again). */
function keptReading(bytes: Buffer, prefix: string): Kept | undefined {
  const start = prefix.length + CRC_DIGITS + 1;
  if (bytes.length < start || bytes[start - 1] !== 0x0a) return undefined;
  const payload = bytes.subarray(start);
  if (bytes.toString('latin1', prefix.length, start - 1) !== crcOf(payload)) return undefined;
  const kept = deserialize(payload) as unknown;
  return hasKeptShape(kept) ? kept : undefined;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
/** More than the communes of France: a list longer than that is no kept reading (nor walked through). */
const MAX_ENTRIES = 1 << 20;
const isList = (v: unknown): v is unknown[] => Array.isArray(v) && v.length <= MAX_ENTRIES;

/**
 * A kept reading's shape, checked before anything of it is used: its CRC says it is what relais
 * wrote, this says it is what this relais reads (a hand-made file with the right first line).
 */
function hasKeptShape(v: unknown): v is Kept {
  if (!v || typeof v !== 'object') return false;
  const { contacts, account, problems, rejected } = v as Record<string, unknown>;
  if (!isList(contacts) || !isList(problems) || !isList(rejected) || !account || typeof account !== 'object') return false;
  const a = account as Record<string, unknown>;
  if (![a.fichier, a.source, a.format].every(isString) || ![a.lus, a.utilises, a.rejetes].every(isCount)) return false;
  if (!a.ecartes || typeof a.ecartes !== 'object' || !Object.values(a.ecartes).every(isCount)) return false;
  for (let i = 0; i < contacts.length; i++) {
    const c = contacts[i];
    if (!Array.isArray(c) || c.length !== 12 || !isList(c[1]) || !(c[1] as unknown[]).every(isString) || !isCount(c[9]) || (c[11] !== 0 && c[11] !== 1)) return false;
    for (const at of [0, 2, 3, 4, 5, 6, 7, 8, 10]) if (!isString(c[at])) return false;
  }
  for (let i = 0; i < problems.length; i++) {
    const p = problems[i] as Record<string, unknown> | null;
    if (!p || typeof p !== 'object' || (p.severity !== 'error' && p.severity !== 'warning') || !isString(p.kind) || !isString(p.message) || (p.scope !== 'file' && p.scope !== 'row')) return false;
  }
  for (let i = 0; i < rejected.length; i++) {
    const r = rejected[i];
    if (!Array.isArray(r) || r.length !== 2 || !isString(r[0]) || !isCount(r[1])) return false;
  }
  return true;
}

interface Kept {
  contacts: PackedContact[];
  account: FileAccount;
  problems: Problem[];
  rejected: Array<[string, number]>;
}

export async function cachedDirectory(campaign: Campaign, path: string, file: string, problems: ProblemList, read: (problems: ProblemList) => Promise<DirectoryReading>): Promise<DirectoryReading> {
  const place = await keptPlace(campaign, path, file);
  if (!place) return read(problems);
  const { cachePath, key } = place;
  try {
    // A reading kept of an earlier file (7 MB nationally) is not read only to find it is not this one's.
    const kept = (await isKept(cachePath, key)) ? keptReading(await readFile(cachePath), keyPrefix(key)) : undefined;
    if (kept) {
      for (const p of kept.problems) problems.add(p);
      return { contacts: new Map(kept.contacts.map((c) => unpack(c, file))), account: kept.account, rejected: new Map(kept.rejected) };
    }
  } catch {
    // No reading kept yet, or one that cannot be read: the file is read.
  }
  const own = new ProblemList();
  const reading = await read(own);
  const found = own.items;
  for (const p of found) problems.add(p);
  // Every contact of a reading comes from its file: one that did not could not be kept packed.
  if (!own.hasErrors() && [...reading.contacts.values()].every((c) => c.file === file)) {
    // The key first (directoryToRead reads it alone). A campaign folder that cannot be written to
    // (a read-only copy) simply reads again next time.
    const kept: Kept = { contacts: [...reading.contacts].map(([code, c]) => pack(code, c)), account: reading.account, problems: found, rejected: [...(reading.rejected ?? [])] };
    // Waited for: written while the join goes on, its 7 MB lived through the join's collections
    // (the national first check 0.97 s against 0.91 s).
    const payload = serialize(kept);
    await writeFileAtomic(cachePath, Buffer.concat([Buffer.from(`${keyPrefix(key)}${crcOf(payload)}\n`, 'latin1'), payload])).catch(() => undefined);
  }
  return reading;
}
