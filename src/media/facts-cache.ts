import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR } from '../campaign/paths.js';
import { writeFileAtomicSync } from '../files.js';
import { probeFacts, type MediaFacts } from './probe.js';

/** Set by the bundler (scripts/build.ts) to the identity of the code it bundled; undefined in the compiler's output. */
declare const RELAIS_BUILD: string | undefined;

const FORMAT = 1;
const CACHE_FILE = join(STATE_DIR, 'cache', 'medias.json');

/**
 * The declared media's facts (format, dimensions, duration, codecs…), kept in the campaign's state
 * folder: every command that checks the campaign validates its media, and reading a video's facts
 * meant loading mp4box and walking the file's boxes — some 30 ms of CPU in every `check`, `send`,
 * `letters`, `run`, `schedule run`, for the same answer each time.
 *
 * A medium's facts are kept under the file's identity as the system gives it: size, modification
 * and change times (the latter moves at every write, rename or copy over it, and no program can set
 * it back), inode and device; and under the build of the code that read them. Anything changed, the
 * file is read again. Kept only in a state folder that exists already (made by the commands that
 * produce, or keep a lock or a journal): `relais check` of a campaign never acted on writes
 * nothing. Only what was read whole is kept: a medium refused (missing, empty, damaged)
 * is read again each time and says why. Run from its TypeScript sources (the tests' own process),
 * the code has no build to name: read every time.
 */
export interface FactsReader {
  read(path: string, shown: string): Promise<MediaFacts>;
  /** Writes what was read, if anything changed (a read-only campaign folder reads again next time). */
  save(): void;
}

interface Kept {
  stamp: string;
  facts: MediaFacts;
}

function stampOf(path: string): string | undefined {
  try {
    const s = statSync(path, { bigint: true });
    return s.isFile() ? [s.size, s.mtimeNs, s.ctimeNs, s.ino, s.dev].join(':') : undefined;
  } catch {
    return undefined;
  }
}

export function keptFacts(campaignDir: string): FactsReader {
  if (typeof RELAIS_BUILD !== 'string') return { read: probeFacts, save: () => undefined };
  const file = join(campaignDir, CACHE_FILE);
  let kept: Record<string, Kept> = {};
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { format?: number; build?: string; media?: Record<string, Kept> };
    if (doc.format === FORMAT && doc.build === RELAIS_BUILD && doc.media) kept = doc.media;
  } catch {
    // Nothing kept yet, or a file that cannot be read: every medium is read.
  }
  const next: Record<string, Kept> = {};
  let changed = false;
  return {
    async read(path, shown) {
      const stamp = stampOf(path);
      const found = stamp === undefined ? undefined : kept[path];
      if (found && found.stamp === stamp) {
        next[path] = found;
        // A copy: the caller may not change what another medium of the same file is given.
        return structuredClone(found.facts);
      }
      const facts = await probeFacts(path, shown);
      changed = true;
      // Changed while it was read: not kept, read again next time.
      if (stamp !== undefined && stampOf(path) === stamp) next[path] = { stamp, facts: structuredClone(facts) };
      return facts;
    },
    save() {
      // Media no longer declared leave the file with the next change. A campaign no command has
      // acted on yet has no state folder: a first `check` leaves its folder as it found it.
      if (!changed || !existsSync(join(campaignDir, STATE_DIR))) return;
      try {
        writeFileAtomicSync(file, JSON.stringify({ format: FORMAT, build: RELAIS_BUILD, media: next }));
      } catch {
        // A campaign folder that cannot be written to reads its media again next time.
      }
    },
  };
}
