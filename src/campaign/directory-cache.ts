import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFile, stat } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
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
  const readers = await readerIdentity().catch(() => undefined);
  if (!readers) return undefined;
  const deps = campaign.departements.map((d) => d.code).sort();
  const key = createHash('sha256')
    .update(JSON.stringify([FORMAT, readers, path, file, String(info.size), String(info.mtimeNs), String(info.ino), String(info.dev), deps]))
    .digest('hex');
  return { cachePath: join(campaign.dir, CACHE_FILE), key };
}

/**
 * How a kept reading begins: a line with its key, so that whether it is the one wanted shows in its
 * first bytes. The reading follows in V8's own serialisation (node:v8), made and read in C++ without
 * a 7 MB string between: half the time JSON took to write nationally (33 → 17 ms), a little less to read.
 */
const keyLine = (key: string) => `relais annuaire ${key}\n`;

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
  const line = keyLine(key);
  const head = await fileHead(cachePath, line.length).catch(() => undefined);
  return head?.toString('latin1') === line;
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
    if (await isKept(cachePath, key)) {
      const kept = deserialize((await readFile(cachePath)).subarray(keyLine(key).length)) as Kept;
      // Made whole before its problems are told: one that does not read is read again from the file, said once.
      const reading = { contacts: new Map(kept.contacts.map((c) => unpack(c, file))), account: kept.account, rejected: new Map(kept.rejected) };
      for (const p of kept.problems) problems.add(p);
      return reading;
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
    await writeFileAtomic(cachePath, Buffer.concat([Buffer.from(keyLine(key), 'latin1'), serialize(kept)])).catch(() => undefined);
  }
  return reading;
}
