import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RelaisError } from '../errors.js';
import { interrupted } from './http.js';

/**
 * All of a fetch's files or none. Temporary files are written first (a full disk stops here,
 * before any rename); the previous files are copied aside; then each temporary file is renamed
 * over its final name, and if one rename fails the ones already done are put back from the
 * copies.
 *
 * Ctrl-C: a signal that arrives before the first rename removes the temporary files and leaves
 * the previous fetch as it was; once the renames have begun they are finished (a few
 * milliseconds), so data/ always holds one whole fetch. `hold` keeps further signals from ending
 * the process meanwhile: a second Ctrl-C would otherwise leave hidden .tmp and .bak files behind.
 */
export interface WriteOptions {
  /** Aborted by the first Ctrl-C or SIGTERM. */
  signal?: AbortSignal;
  /** Makes the process outlive signals until the returned release is called. */
  hold?: () => () => void;
}

export interface FileToWrite {
  path: string;
  /** Text is written as UTF-8; bytes as they are (the copy of a hand-edited file, whatever its encoding). */
  data: string | Uint8Array;
}

function writeFailure(path: string, err: unknown): RelaisError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'disque plein' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'écriture interdite' : (err as Error)?.message;
  return new RelaisError(`impossible d'écrire ${path} : ${why} ; les fichiers précédents sont conservés`, { file: path }, { cause: err });
}

export async function writeAllAtomic(files: FileToWrite[], options: WriteOptions = {}): Promise<void> {
  const release = options.hold?.() ?? (() => undefined);
  try {
    await stageAndRename(files, options.signal);
  } finally {
    release();
  }
}

async function stageAndRename(files: FileToWrite[], signal: AbortSignal | undefined): Promise<void> {
  const hidden = (path: string, ext: string) => join(dirname(path), `.${randomBytes(6).toString('hex')}.${ext}`);
  const staged: Array<{ tmp: string; path: string; backup?: string }> = [];
  const cleanUp = () => Promise.all(staged.flatMap((s) => [s.tmp, s.backup ?? '']).filter(Boolean).map((f) => rm(f, { force: true }).catch(() => undefined)));
  let current = files[0]?.path ?? '';
  try {
    for (const f of files) {
      if (signal?.aborted) throw interrupted();
      current = f.path;
      await mkdir(dirname(f.path), { recursive: true });
      const entry: (typeof staged)[number] = { tmp: hidden(f.path, 'tmp'), path: f.path };
      staged.push(entry);
      await writeFile(entry.tmp, f.data);
      if (existsSync(f.path) && statSync(f.path).isFile()) {
        entry.backup = hidden(f.path, 'bak');
        await copyFile(f.path, entry.backup);
      }
    }
    // The last moment to turn back: past it, the renames are finished whatever arrives.
    if (signal?.aborted) throw interrupted();
  } catch (err) {
    await cleanUp();
    throw err instanceof RelaisError ? err : writeFailure(current, err);
  }
  const renamed: typeof staged = [];
  for (const s of staged) {
    try {
      await rename(s.tmp, s.path);
      renamed.push(s);
    } catch (err) {
      for (const r of renamed) {
        if (r.backup) await rename(r.backup, r.path).catch(() => undefined);
        else await rm(r.path, { force: true }).catch(() => undefined);
      }
      await cleanUp();
      throw writeFailure(s.path, err);
    }
  }
  await cleanUp();
}
