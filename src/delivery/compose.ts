import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';
import { buildHeaderValue, detectMimeType, foldLines, MimeNode, type MimeNodeHeaderValue } from './mime.js';
import { quotedPrintable } from './qp.js';

/**
 * The email as one buffer, ready for SMTP or an .eml file. nodemailer composes a message through
 * a tree of streams (a boundary drawn from the system's random source, each part through its
 * encoder in small chunks, each chunk a socket write): half of its time per message when 35,000
 * town halls each get their own letter. The campaign's messages all have the same shape, so
 * relais lays it out once and fills it in, with nodemailer's own header and parameter encoders
 * and a one-pass quoted-printable; what it writes is read back by mailparser in the tests.
 */
export interface Sender {
  name: string;
  address: string;
  replyTo?: string | undefined;
}

export interface Attachment {
  filename: string;
  data: Buffer;
}

export interface Letter {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  date: Date;
  attachments: Attachment[];
}

/** `node`: one for every header of a run — each new MimeNode draws a boundary from the random source. */
const header = (node: MimeNode, key: string, value: MimeNodeHeaderValue) => `${foldLines(`${key}: ${node.encodeHeaderValue(key, value)}`, 76)}\r\n`;

/** Base64 of `size` bytes in 76-character lines ending in CRLF, as RFC 2045 wants: its length. */
export const base64LinesLength = (size: number) => {
  const chars = Math.ceil(size / 3) * 4;
  return chars + Math.ceil(chars / 76) * 2;
};

/**
 * Writes `data` in base64 lines into `out` at `pos`, returns the end. The base64 is written once,
 * in native code, at the end of its room; each line then moves down to its place and gets its CRLF
 * (a line never lands on text not yet moved: the gap before it is the CRLFs still to come). No
 * string per line, no second copy of the message.
 */
export function writeBase64Lines(data: Buffer, out: Buffer, pos: number): number {
  const chars = Math.ceil(data.length / 3) * 4;
  const length = chars + Math.ceil(chars / 76) * 2;
  let from = pos + length - chars;
  out.write(data.toString('base64'), from, chars, 'latin1');
  let to = pos;
  const end = from + chars;
  while (from < end) {
    const n = Math.min(76, end - from);
    out.copyWithin(to, from, from + n);
    to += n;
    from += n;
    out[to++] = 13;
    out[to++] = 10;
  }
  return to;
}

/** A header line already encoded, folded to 76 characters. */
const folded = (line: string) => `${foldLines(line, 76)}\r\n`;

/** An attachment's headers and the blank line before its base64. */
function attachmentHead(filename: string): string {
  const type = detectMimeType(extname(filename).slice(1)) || 'application/octet-stream';
  return (
    folded(`Content-Type: ${buildHeaderValue({ value: type, params: { name: filename } })}`) +
    'Content-Transfer-Encoding: base64\r\n' +
    folded(`Content-Disposition: ${buildHeaderValue({ value: 'attachment', params: { filename } })}`) +
    '\r\n'
  );
}

const textPart = (type: string, text: string) => `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${quotedPrintable(text)}\r\n`;

export class Composer {
  /** Drawn once per run: the parts are quoted-printable and base64, which never hold it. */
  private readonly boundary = `relais-${randomBytes(8).toString('hex')}`;
  private readonly mixed = `${this.boundary}-m`;
  private readonly alt = `${this.boundary}-a`;
  private readonly headers = new MimeNode();
  private readonly fromHeaders: string;
  /** The campaign's own attachments, the same for every town hall, and the closing boundary: bytes made once. */
  private readonly tail: Buffer;

  constructor(sender: Sender, common: Attachment[]) {
    this.fromHeaders = header(this.headers, 'From', { name: sender.name, address: sender.address }) + (sender.replyTo ? header(this.headers, 'Reply-To', sender.replyTo) : '');
    const parts = common.map((a) => {
      const head = Buffer.from(`--${this.mixed}\r\n${attachmentHead(a.filename)}`, 'latin1');
      const part = Buffer.allocUnsafe(head.length + base64LinesLength(a.data.length));
      head.copy(part);
      writeBase64Lines(a.data, part, head.length);
      return part;
    });
    this.tail = Buffer.concat([...parts, Buffer.from(`--${this.mixed}--\r\n`, 'latin1')]);
  }

  compose(m: Letter): Buffer {
    const { mixed, alt } = this;
    const head =
      this.fromHeaders +
      header(this.headers, 'To', m.to) +
      header(this.headers, 'Subject', m.subject) +
      header(this.headers, 'Message-ID', m.messageId) +
      `Date: ${m.date.toUTCString().replace(/GMT/, '+0000')}\r\n` +
      'MIME-Version: 1.0\r\n' +
      `Content-Type: multipart/mixed;\r\n boundary="${mixed}"\r\n\r\n`;
    // The body is ASCII (quoted-printable, base64): latin1 copies it byte for byte, faster than
    // UTF-8. The head may keep a UTF-8 address (RFC 6532). Every part ends with a CRLF, which
    // the boundary after it takes as its own (RFC 2046).
    const texts = `--${mixed}\r\nContent-Type: multipart/alternative;\r\n boundary="${alt}"\r\n\r\n--${alt}\r\n${textPart('text/plain', m.text)}--${alt}\r\n${textPart('text/html', m.html)}--${alt}--\r\n`;
    const letters = m.attachments.map((a) => ({ head: `--${mixed}\r\n${attachmentHead(a.filename)}`, data: a.data }));
    const headLength = Buffer.byteLength(head, 'utf8');
    let length = headLength + texts.length + this.tail.length;
    for (const l of letters) length += l.head.length + base64LinesLength(l.data.length);
    const raw = Buffer.allocUnsafe(length);
    let pos = raw.write(head, 0, 'utf8');
    pos += raw.write(texts, pos, 'latin1');
    for (const l of letters) {
      pos += raw.write(l.head, pos, 'latin1');
      pos = writeBase64Lines(l.data, raw, pos);
    }
    this.tail.copy(raw, pos);
    return raw;
  }
}
