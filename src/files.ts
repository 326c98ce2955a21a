import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RelaisError, systemReason } from './errors.js';

/**
 * Output files are written atomically (a temporary file in the same folder, then a rename), so a
 * crash or a full disk never leaves a half-written letter behind; and every path derived from
 * data is checked to stay inside its output folder.
 */
// Decided with the campaign's paths (pure); kept here for the writers that import it with the rest.
export { insideFolder } from './campaign/paths.js';

/**
 * Node's recursive mkdir says ENOENT when a parent cannot be created because the folder above
 * is read-only or forbidden: the nearest existing folder tells the real reason.
 */
export function refusal(path: string, err: NodeJS.ErrnoException): string | undefined {
  if (err.code !== 'ENOENT' || err.syscall !== 'mkdir') return err.code;
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    accessSync(dir, constants.W_OK);
    return err.code;
  } catch (denied) {
    return (denied as NodeJS.ErrnoException).code;
  }
}

/**
 * The file standing where a folder of `path` is needed (`out` copied from a USB key as a file,
 * out/outbox/45 left as a file): Node's mkdir says EEXIST or ENOTDIR and names the folder it
 * wanted, not the file in the way. The nearest existing element of the path above `path`, when
 * it is not a folder.
 */
export function fileInTheWay(path: string): string | undefined {
  let dir = dirname(path);
  while (dirname(dir) !== dir) {
    try {
      return statSync(dir).isDirectory() ? undefined : dir;
    } catch {
      dir = dirname(dir);
    }
  }
  return undefined;
}

function writeError(path: string, err: unknown): RelaisError {
  const code = refusal(path, err as NodeJS.ErrnoException);
  const blocking = code === 'EEXIST' || code === 'ENOTDIR' ? fileInTheWay(path) : undefined;
  if (blocking) return new RelaisError(`impossible d'écrire ${path} : ${blocking} est un fichier, pas un dossier (déplacez ou renommez ce fichier)`, { file: blocking }, { cause: err });
  const why =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'disque plein'
      : code === 'EACCES' || code === 'EPERM'
        ? 'écriture interdite (droits insuffisants)'
        : code === 'EROFS'
          ? 'écriture interdite (disque en lecture seule)'
          : (systemReason({ code }) ?? `erreur du système (${code ?? 'inconnue'})`);
  return new RelaisError(`impossible d'écrire ${path} : ${why}`, { file: path }, { cause: err });
}

const tempName = (dir: string) => join(dir, `.${randomBytes(6).toString('hex')}.tmp`);

/**
 * The temporary files a killed run left in the folders under `root` (a write between its start and
 * its rename), removed by the next run that holds the same lock: nobody else is writing there.
 */
export async function removeStaleTemporaries(root: string): Promise<void> {
  const folders = await readdir(root).catch(() => [] as string[]);
  for (const folder of folders) {
    const dir = join(root, folder);
    const files = await readdir(dir).catch(() => [] as string[]);
    for (const f of files) if (/^\.[0-9a-f]{12}\.tmp$/.test(f)) await rm(join(dir, f), { force: true });
  }
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = tempName(dir);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(path, err);
  }
}

const madeDirs = new Set<string>();

/**
 * The same, synchronously: for worker threads writing thousands of letters, where a round trip
 * through the I/O thread pool per file costs more than the write itself.
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = tempName(dir);
  try {
    if (!madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      madeDirs.add(dir);
    }
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The folder itself is unusable: there is no temporary file to remove.
    }
    madeDirs.delete(dir);
    throw writeError(path, err);
  }
}

/** The first `length` bytes of a file (fewer for a shorter one): what a reader recognises a format by. */
export async function fileHead(path: string, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
