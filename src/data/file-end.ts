import type { FileHandle } from 'node:fs/promises';
import { LineCounter, sniffEncoding } from './encoding.js';

/**
 * What follows a text file's last line and is no data:
 * - Ctrl-Z (0x1A), the end-of-file mark of DOS (`copy /A`) that old tools and mainframe extracts
 *   still write, glued to the last value or alone after the last line break; no office shows it;
 * - NUL bytes padding the file: a copy to a USB key cut short, a half-synchronised share, a
 *   fixed-size extract. Notepad shows blanks, Excel the rows.
 * Read as text, the first would end an email address or make a row of its own, the second made
 * the whole file refused as « not a text table » at line 1.
 */
export interface EndPadding {
  /** Where the padding starts: the last line's end if it has no line break, else the line after it. */
  line: number;
  /** How many bytes, NUL and Ctrl-Z together. */
  bytes: number;
  nul: boolean;
  ctrlZ: boolean;
}

const CHUNK = 64 * 1024;

/**
 * Where the data of a file of `size` bytes ends, before its trailing NUL and Ctrl-Z bytes, and
 * what they are (undefined when there are none). Not for UTF-16 text, whose characters hold NUL bytes.
 */
export async function fileEnd(handle: FileHandle, size: number): Promise<{ end: number; padding?: EndPadding }> {
  let end = size;
  let nul = false;
  let ctrlZ = false;
  const buf = Buffer.allocUnsafe(CHUNK);
  scan: while (end > 0) {
    const from = Math.max(0, end - CHUNK);
    const { bytesRead } = await handle.read(buf, 0, end - from, from);
    for (let i = bytesRead - 1; i >= 0; i--) {
      const b = buf[i];
      if (b === 0x00) nul = true;
      else if (b === 0x1a) ctrlZ = true;
      else {
        end = from + i + 1;
        break scan;
      }
    }
    end = from;
  }
  if (end === size) return { end };
  const counter = new LineCounter();
  for (let position = 0; position < end; ) {
    const { bytesRead } = await handle.read(buf, 0, Math.min(CHUNK, end - position), position);
    if (bytesRead === 0) break;
    counter.add(buf, 0, bytesRead);
    position += bytesRead;
  }
  return { end, padding: { line: counter.lines + 1, bytes: size - end, nul, ctrlZ } };
}

/**
 * The first `sampleBytes` bytes of a text file of `size` bytes and where its data ends (see
 * fileEnd); the sample holds no padding. A UTF-16 file keeps every byte: its NULs are text.
 */
export async function fileHead(handle: FileHandle, size: number, sampleBytes: number): Promise<{ sample: Buffer; end: number; padding?: EndPadding }> {
  const read = async (length: number) => {
    const sample = Buffer.alloc(length);
    const { bytesRead } = await handle.read(sample, 0, length, 0);
    return sample.subarray(0, bytesRead);
  };
  const found = await fileEnd(handle, size);
  if (!found.padding) return { sample: await read(Math.min(sampleBytes, size)), end: size };
  const sample = await read(Math.min(sampleBytes, found.end));
  if (sample.length > 0 && sniffEncoding(sample).decoder.startsWith('utf-16')) return { sample: await read(Math.min(sampleBytes, size)), end: size };
  return { sample, ...found };
}

/** What the user is told of NUL bytes after the last line: left out, the rows before them read. */
export function nulPaddingMessage(what: string, padding: EndPadding): string {
  return `${what} : ${padding.bytes} octet${padding.bytes > 1 ? 's' : ''} nul${padding.bytes > 1 ? 's' : ''} à la fin du fichier, après la dernière ligne (copie interrompue, clé USB ou partage réseau ?) : ignorés, les lignes au-dessus sont lues ; vérifiez que la liste est complète`;
}

/** A file that holds nothing but padding (NUL bytes, a DOS end mark): said as what it holds. */
export function paddingOnlyMessage(padding: EndPadding | undefined): string {
  const what = padding?.nul ? `que des octets nuls${padding.ctrlZ ? ' et une marque de fin DOS (Ctrl-Z)' : ''}` : 'qu’une marque de fin DOS (Ctrl-Z)';
  return `le fichier ne contient ${what} : aucune ligne à lire ; exportez-le à nouveau`;
}
