import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/**
 * The directory scanner in C (native/directory-scan.c), built by `npm install` (node-gyp, with
 * the Node headers the machine has). Where it could not be built, relais reads the directory in
 * JavaScript, the same records to the byte, more slowly: nothing else depends on it.
 */
export interface NativeScan {
  /**
   * Seven int32 per item: kind (0 a run of other services, 1 a record to read, 2 a plain town
   * hall packed), number, line, then for a run its count, for a record its offset and length in
   * `records` and its pivot's value within them (-1 for none), for a packed town hall the offset
   * and length of its packed text.
   */
  items: Int32Array;
  records: Buffer;
}

export type NativeScanResult = NativeScan | { fallback: true } | { errno: number };

interface NativeModule {
  /** The scan of a file, on a thread of libuv's pool; a record kept is written with the `members` named only, a plain town hall packed. */
  scanFile(path: string, members: readonly string[]): Promise<NativeScanResult>;
  scanBuffer(buf: Buffer, members: readonly string[]): NativeScanResult;
}

export const NATIVE_BINARY = join('build', 'Release', 'relais_native.node');
export const ITEM_SIZE = 7;

let loaded: NativeModule | null | undefined;

/** The native scanner, or undefined when it was not built (or RELAIS_NATIVE=0 asks for JavaScript). */
export function nativeScanner(): NativeModule | undefined {
  if (loaded === undefined) {
    const path = join(packageRoot(), NATIVE_BINARY);
    loaded = process.env.RELAIS_NATIVE !== '0' && existsSync(path) ? (createRequire(import.meta.url)(path) as NativeModule) : null;
  }
  return loaded ?? undefined;
}
