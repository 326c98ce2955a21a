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

/** Undefined when the scan's answer could not be made (memory): the JavaScript reader reads the file. */
export type NativeScanResult = NativeScan | { fallback: true } | { errno: number } | undefined;

interface NativeModule {
  /**
   * The scan of a file, on a thread of libuv's pool; a record kept is written with the `members`
   * named only, a plain town hall (its pivot naming one of `townHallTypes`) packed.
   */
  scanFile(path: string, members: readonly string[], townHallTypes: readonly string[]): Promise<NativeScanResult>;
  scanBuffer(buf: Buffer, members: readonly string[], townHallTypes: readonly string[]): NativeScanResult;
}

export const NATIVE_BINARY = join('build', 'Release', 'relais_native.node');
export const ITEM_SIZE = 7;

let loaded: { scanner: NativeModule | undefined; failure: string | undefined } | undefined;

/** The native scanner, or undefined when it was not built or does not load (nativeScannerFailure says why). */
export function nativeScanner(): NativeModule | undefined {
  return load().scanner;
}

/**
 * Why a native scanner that is there does not load (a file cut short, one built for another
 * machine): relais then reads in JavaScript, and `check` says so. Undefined when it loads, or when
 * there is none (a machine without a compiler, said by the build).
 */
export function nativeScannerFailure(): string | undefined {
  return load().failure;
}

function load(): NonNullable<typeof loaded> {
  if (!loaded) {
    const path = join(packageRoot(), NATIVE_BINARY);
    try {
      loaded = { scanner: existsSync(path) ? (createRequire(import.meta.url)(path) as NativeModule) : undefined, failure: undefined };
    } catch (err) {
      loaded = { scanner: undefined, failure: (err as Error).message.split('\n')[0] };
    }
  }
  return loaded;
}
