import { Transform } from 'node:stream';
import { RelaisError } from '../errors.js';

/**
 * Which encoding a text file is in, as offices produce them: UTF-8 with or without BOM, UTF-16
 * (Excel « texte Unicode »), or Windows-1252 (French Excel's CSV) — and its bytes decoded as it
 * streams, a file that turns out to mix two of them refused at the line where it does.
 */
export type Encoding = { label: string; decoder: string; bomLength: number; mixedFromLine?: number };

/**
 * Two exports appended, one from Excel (Windows-1252) and one in UTF-8: the sample is not valid
 * UTF-8, yet holds UTF-8's two-byte accented letters (« é » as C3 A9, which Windows-1252 reads
 * « Ã© ») or its typographic apostrophe (E2 80 99, « â€™ »), which no French text in Windows-1252
 * holds. The line of the first one, or undefined.
 */
function utf8AmongWindows1252(sample: Uint8Array): number | undefined {
  const at = utf8Sequence(sample);
  return at < 0 ? undefined : 1 + newlines(sample, 0, at);
}

/** Where the first of those UTF-8 sequences starts in `bytes`, or -1. */
function utf8Sequence(bytes: Uint8Array): number {
  for (let i = 0; i + 1 < bytes.length; i++) {
    const b = bytes[i]!;
    const next = bytes[i + 1]!;
    if (b === 0xc3 && next >= 0x80 && next <= 0xbf) return i;
    if (b === 0xe2 && next === 0x80 && i + 2 < bytes.length && bytes[i + 2]! >= 0x93 && bytes[i + 2]! <= 0xa6) return i;
  }
  return -1;
}

function newlines(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let j = from; j < to; j++) if (bytes[j] === 0x0a) n++;
  return n;
}

/** BOM first; otherwise valid UTF-8 wins; otherwise the Windows code page every French Excel writes. */
export function sniffEncoding(sample: Uint8Array): Encoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { label: 'UTF-8 (BOM)', decoder: 'utf-8', bomLength: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { label: 'UTF-16LE', decoder: 'utf-16le', bomLength: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { label: 'UTF-16BE', decoder: 'utf-16be', bomLength: 2 };
  const wide = utf16WithoutBom(sample);
  if (wide) return wide;
  try {
    // stream: true tolerates a multi-byte character cut by the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return { label: 'UTF-8', decoder: 'utf-8', bomLength: 0 };
  } catch {
    const mixedFromLine = utf8AmongWindows1252(sample);
    return { label: 'Windows-1252', decoder: 'windows-1252', bomLength: 0, ...(mixedFromLine === undefined ? {} : { mixedFromLine }) };
  }
}

/** What is said of a file whose sample mixes the two encodings (see utf8AmongWindows1252). */
export function mixedEncodingMessage(line: number): string {
  return `ce fichier mélange deux encodages : Windows-1252 (Excel) et UTF-8 à partir de la ligne ${line} (deux exports mis bout à bout ?) ; lues ensemble, les lignes en UTF-8 seraient illisibles (« Ã© » pour « é ») : enregistrez tout le fichier en UTF-8 (ou tout en CSV Excel), puis relancez`;
}

/**
 * UTF-16 without its BOM (some "texte Unicode" exports, files cut from a larger one) is valid
 * UTF-8 full of NUL bytes: read that way it shows garbage and prints NULs. Text in a Latin
 * script has a zero byte in nearly every other position; which one tells the byte order.
 */
function utf16WithoutBom(sample: Uint8Array): Encoding | undefined {
  const n = Math.min(sample.length, 4096) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (sample[i] === 0) even++;
    if (sample[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  if (odd > pairs * 0.3 && even < pairs * 0.05) return { label: 'UTF-16LE (sans BOM)', decoder: 'utf-16le', bomLength: 0 };
  if (even > pairs * 0.3 && odd < pairs * 0.05) return { label: 'UTF-16BE (sans BOM)', decoder: 'utf-16be', bomLength: 0 };
  return undefined;
}

export function decodingStream(encoding: Encoding, file: string): Transform {
  const decoder = new TextDecoder(encoding.decoder, { fatal: encoding.decoder === 'utf-8' });
  let skip = encoding.bomLength;
  let offset = 0;
  // Read as Windows-1252, a UTF-8 export appended after the sample (see utf8AmongWindows1252) is
  // found where it starts: the last two bytes of a chunk are looked at again with the next one.
  const windows = encoding.decoder === 'windows-1252';
  let tail = Buffer.alloc(0);
  let line = 1;
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _enc, done) {
      let bytes: Uint8Array = chunk;
      if (skip > 0) {
        const n = Math.min(skip, bytes.length);
        bytes = bytes.subarray(n);
        skip -= n;
      }
      if (windows) {
        const seen = Buffer.concat([tail, bytes]);
        const at = utf8Sequence(seen);
        if (at >= 0) {
          // The tail's line breaks are already counted in `line`.
          const where = line + newlines(seen, 0, at) - newlines(tail, 0, tail.length);
          done(new RelaisError(mixedEncodingMessage(where), { file, line: where }));
          return;
        }
        line += newlines(bytes, 0, bytes.length);
        tail = Buffer.from(seen.subarray(Math.max(0, seen.length - 2)));
      }
      try {
        done(null, decoder.decode(bytes, { stream: true }));
      } catch {
        done(
          new RelaisError(
            `${file} : encodage incohérent — le début du fichier est en UTF-8 mais des octets invalides apparaissent après l'octet ${offset}. Réenregistrez le fichier en UTF-8.`,
            { file },
          ),
        );
      }
      offset += chunk.length;
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(new RelaisError(`${file} : le fichier se termine au milieu d'un caractère UTF-8.`, { file }));
      }
    },
  });
}

