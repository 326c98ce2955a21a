import { deflateSync } from 'node:zlib';

/**
 * The few PDF syntax pieces the letter serializer needs, written by hand: objects are assembled
 * from strings and Buffers, numbered by the caller, and closed by a classic xref table. Kept
 * small and boring on purpose: a letter is a few hundred objects and must cost well under a
 * millisecond to assemble.
 */

/** PDF text string in UTF-16BE hex: any title, alt text or name survives whatever it holds. */
export function pdfText(text: string): string {
  let hex = '<FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0');
  return `${hex}>`;
}

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
  const body = compress ? deflateSync(raw, { level: 1 }) : raw;
  const filter = compress ? ' /Filter /FlateDecode' : '';
  return Buffer.concat([Buffer.from(`<<${dict} /Length ${body.length}${filter} >>\nstream\n`, 'latin1'), body, Buffer.from('\nendstream', 'latin1')]);
}

export const HEADER = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');

/**
 * Objects appended in any order with their numbers; the xref table is written at the end.
 * `shared` is a block of objects already serialized with fixed numbers (fonts, images, ICC
 * profile), placed right after the header, with its offsets relative to its own start.
 */
export class PdfFile {
  private readonly chunks: Buffer[] = [];
  private readonly offsets: number[] = [];
  private length = 0;

  constructor(shared?: SharedBlock) {
    this.push(HEADER);
    if (shared) {
      for (const [id, off] of shared.offsets) this.offsets[id] = this.length + off;
      this.push(shared.bytes);
    }
  }

  private push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }

  add(id: number, body: string | Buffer): void {
    this.offsets[id] = this.length;
    if (typeof body === 'string') this.push(Buffer.from(`${id} 0 obj\n${body}\nendobj\n`, 'latin1'));
    else {
      this.push(Buffer.from(`${id} 0 obj\n`, 'latin1'));
      this.push(body);
      this.push(ENDOBJ);
    }
  }

  /** Closes the file: xref, trailer with the catalog, the info dictionary and the file ID. */
  finish(root: number, info: number, fileId: string): Buffer {
    const size = this.offsets.length;
    let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
    for (let id = 1; id < size; id++) {
      const off = this.offsets[id];
      // A number never used (none should be) is a free entry, so the table stays valid.
      xref += off === undefined ? '0000000000 65535 f \n' : `${String(off).padStart(10, '0')} 00000 n \n`;
    }
    xref += `trailer\n<< /Size ${size} /Root ${root} 0 R /Info ${info} 0 R /ID [<${fileId}> <${fileId}>] >>\nstartxref\n${this.length}\n%%EOF\n`;
    this.push(Buffer.from(xref, 'latin1'));
    return Buffer.concat(this.chunks, this.length);
  }
}

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
