import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../files.js';
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
const FORMAT = 3;
const CACHE_FILE = join(STATE_DIR, 'cache', 'annuaire.json');

/** The code that turns a directory into town halls: a new build of it is a new reading. */
const READERS = ['./contacts-source.js', './directory-read.js', '../data/directory.js', '../data/directory-files.js', '../data/json-records.js', '../data/table.js', '../data/cog.js'];

/** Set by the bundler (scripts/build.ts) to the identity of the code it bundled; undefined in the compiler's output. */
declare const RELAIS_BUILD: string | undefined;

async function readerIdentity(): Promise<string[]> {
  const require = createRequire(import.meta.url);
  const cog = JSON.parse(await readFile(require.resolve('@etalab/decoupage-administratif/package.json'), 'utf8')) as { version: string };
  if (typeof RELAIS_BUILD === 'string') return [cog.version, RELAIS_BUILD];
  const stamps = await Promise.all(READERS.map(async (r) => {
    const s = await stat(fileURLToPath(new URL(r, import.meta.url)));
    return `${s.size}:${s.mtimeMs}`;
  }));
  return [cog.version, ...stamps];
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

export async function cachedDirectory(campaign: Campaign, path: string, file: string, problems: ProblemList, read: (problems: ProblemList) => Promise<DirectoryReading>): Promise<DirectoryReading> {
  const info = await stat(path, { bigint: true }).catch(() => undefined);
  if (!info || info.size < MIN_SIZE) return read(problems);
  // Run from its TypeScript sources (the tests), the reading code has no build to stamp.
  const readers = await readerIdentity().catch(() => undefined);
  if (!readers) return read(problems);
  const deps = campaign.departements.map((d) => d.code).sort();
  const key = createHash('sha256')
    .update(JSON.stringify([FORMAT, readers, path, file, String(info.size), String(info.mtimeNs), String(info.ino), String(info.dev), deps]))
    .digest('hex');
  const cachePath = join(campaign.dir, CACHE_FILE);
  try {
    const kept = JSON.parse(await readFile(cachePath, 'utf8')) as { key: string; contacts: PackedContact[]; account: FileAccount; problems: Problem[]; rejected?: Array<[string, number]> };
    if (kept.key === key) {
      for (const p of kept.problems) problems.add(p);
      return { contacts: new Map(kept.contacts.map((c) => unpack(c, file))), account: kept.account, rejected: new Map(kept.rejected ?? []) };
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
    // A campaign folder that cannot be written to (a read-only copy) simply reads again next time.
    await writeFileAtomic(cachePath, JSON.stringify({ key, contacts: [...reading.contacts].map(([code, c]) => pack(code, c)), account: reading.account, problems: found, rejected: [...(reading.rejected ?? [])] })).catch(() => undefined);
  }
  return reading;
}
