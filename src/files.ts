import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { RelaisError } from './errors.js';

/**
 * Output files are written atomically (a temporary file in the same folder, then a rename), so a
 * crash or a full disk never leaves a half-written letter behind; and every path derived from
 * data is checked to stay inside its output folder.
 */
export function insideFolder(root: string, ...segments: string[]): string {
  const path = resolve(root, ...segments);
  const rel = relative(resolve(root), path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || segments.some((s) => s.includes('\0'))) {
    throw new RelaisError(`chemin refusé : ${segments.join('/')} sortirait du dossier ${root}`);
  }
  return path;
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOSPC' ? 'disque plein' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'écriture interdite' : (err as Error).message;
    throw new RelaisError(`impossible d'écrire ${path} : ${why}`, { file: path }, { cause: err });
  }
}
