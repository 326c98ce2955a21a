import { deflateSync } from 'node:zlib';

/**
 * The few PDF syntax pieces the letter serializer needs, written by hand: objects are assembled
 * from strings and Buffers, numbered by the caller, and closed by a classic xref table. Kept
 * small and boring on purpose: a letter is a few hundred objects and must cost well under a
 * millisecond to assemble.
 */

/** PDF text string in UTF-16BE hex: any title, alt text or name survives whatever it holds. */
export function pdfText(text: string): string {
  let hex = texts.get(text);
  if (hex !== undefined) return hex;
  hex = '<FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
  hex += '>';
  // Most are the same in every letter (alternative texts, links' descriptions): kept, bounded.
  if (texts.size >= 2000) texts.clear();
  texts.set(text, hex);
  return hex;
}
const texts = new Map<string, string>();

/** A literal string of printable ASCII (URLs): only the three special characters are escaped. */
export function pdfAscii(text: string): string {
  let out = '(';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (ch === '(' || ch === ')' || ch === '\\') out += `\\${ch}`;
    else if (c < 0x20 || c > 0x7e) out += `\\${c.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out})`;
}

/** Numbers as PDF wants them: no exponent, three decimals at most, no "-0". */
export function num(n: number): string {
  const r = Math.round(n * 1000) / 1000;
  return r === 0 ? '0' : String(r);
}

/** A stream object body; compressed when it is worth it (content streams, fonts). */
export function streamBody(data: Buffer | string, dict = '', compress = true): Buffer {
  const raw = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  // A short stream (an address block, new in each letter) needs no 32 KB window: a small one
  // compresses it as well at a third of the cost of setting zlib up.
  const body = compress ? deflateSync(raw, raw.length <= 1024 ? SMALL : LARGE) : raw;
  const filter = compress ? ' /Filter /FlateDecode' : '';
  return Buffer.concat([Buffer.from(`<<${dict} /Length ${body.length}${filter} >>\nstream\n`, 'latin1'), body, Buffer.from('\nendstream', 'latin1')]);
}

const SMALL = { level: 1, windowBits: 10, memLevel: 2 };
const LARGE = { level: 1 };

export const HEADER = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');

/**
 * Objects appended in any order with their numbers; the xref table is written at the end.
 * `shared` is a block of objects already serialized with fixed numbers (fonts, images, ICC
 * profile), placed right after the header, with its offsets relative to its own start.
 */
export class PdfFile {
  private readonly chunks: Buffer[] = [];
  private readonly offsets: number[] = [];
  /** Bytes in chunks. */
  private length = 0;
  /**
   * Objects written as text wait here and become one Buffer with the next binary body: a letter
   * is some 300 small objects, and a Buffer each cost more than the text itself. Every character
   * is one latin1 byte, so offsets count characters.
   */
  private text = '';

  constructor(shared?: SharedBlock) {
    this.push(HEADER);
    if (shared) {
      for (const [id, off] of shared.offsets) this.offsets[id] = this.length + off;
      this.push(shared.bytes);
    }
  }

  private get offset(): number {
    return this.length + this.text.length;
  }

  private flush(): void {
    if (!this.text) return;
    const b = Buffer.from(this.text, 'latin1');
    this.text = '';
    this.chunks.push(b);
    this.length += b.length;
  }

  private push(b: Buffer): void {
    this.flush();
    this.chunks.push(b);
    this.length += b.length;
  }

  add(id: number, body: string | Buffer): void {
    this.offsets[id] = this.offset;
    if (typeof body === 'string') this.text += `${id} 0 obj\n${body}\nendobj\n`;
    else {
      this.text += `${id} 0 obj\n`;
      this.push(body);
      this.text += '\nendobj\n';
    }
  }

  /** Closes the file: xref, trailer with the catalog, the info dictionary and the file ID. */
  finish(root: number, info: number, fileId: string): Buffer {
    const size = this.offsets.length;
    const start = this.offset;
    let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
    for (let id = 1; id < size; id++) {
      const off = this.offsets[id];
      // A number never used (none should be) is a free entry, so the table stays valid.
      xref += off === undefined ? '0000000000 65535 f \n' : `${ZEROS.slice(String(off).length)}${off} 00000 n \n`;
    }
    xref += `trailer\n<< /Size ${size} /Root ${root} 0 R /Info ${info} 0 R /ID [<${fileId}> <${fileId}>] >>\nstartxref\n${start}\n%%EOF\n`;
    this.text += xref;
    this.flush();
    return Buffer.concat(this.chunks, this.length);
  }
}

const ZEROS = '0000000000';

const ENDOBJ = Buffer.from('\nendobj\n', 'latin1');

export interface SharedBlock {
  bytes: Buffer;
  /** Object number → offset inside `bytes`. */
  offsets: Array<[number, number]>;
  /** First free object number after the block. */
  next: number;
}

/** Serializes numbered objects once, to be placed in every file (see PdfFile). */
export function sharedBlock(objects: Array<[number, string | Buffer]>, next: number): SharedBlock {
  const chunks: Buffer[] = [];
  const offsets: Array<[number, number]> = [];
  let length = 0;
  for (const [id, body] of objects) {
    const bytes = typeof body === 'string' ? Buffer.from(`${id} 0 obj\n${body}\nendobj\n`, 'latin1') : Buffer.concat([Buffer.from(`${id} 0 obj\n`, 'latin1'), body, ENDOBJ]);
    offsets.push([id, length]);
    chunks.push(bytes);
    length += bytes.length;
  }
  return { bytes: Buffer.concat(chunks, length), offsets, next };
}
