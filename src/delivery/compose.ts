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

/** Base64 in 76-character lines, as RFC 2045 wants. */
function base64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i += 76) out += `${b64.slice(i, i + 76)}\r\n`;
  return out;
}

/** A header line already encoded, folded to 76 characters. */
const folded = (line: string) => `${foldLines(line, 76)}\r\n`;

function attachmentPart(a: Attachment): string {
  const type = detectMimeType(extname(a.filename).slice(1)) || 'application/octet-stream';
  return (
    folded(`Content-Type: ${buildHeaderValue({ value: type, params: { name: a.filename } })}`) +
    'Content-Transfer-Encoding: base64\r\n' +
    folded(`Content-Disposition: ${buildHeaderValue({ value: 'attachment', params: { filename: a.filename } })}`) +
    `\r\n${base64Lines(a.data)}`
  );
}

const textPart = (type: string, text: string) => `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${quotedPrintable(text)}\r\n`;

export class Composer {
  /** Drawn once per run: the parts are quoted-printable and base64, which never hold it. */
  private readonly boundary = `relais-${randomBytes(8).toString('hex')}`;
  private readonly headers = new MimeNode();
  private readonly fromHeaders: string;
  /** The campaign's own attachments, the same for every town hall: encoded once. */
  private readonly commonParts: string[];

  constructor(sender: Sender, common: Attachment[]) {
    this.fromHeaders = header(this.headers, 'From', { name: sender.name, address: sender.address }) + (sender.replyTo ? header(this.headers, 'Reply-To', sender.replyTo) : '');
    this.commonParts = common.map(attachmentPart);
  }

  compose(m: Letter): Buffer {
    const mixed = `${this.boundary}-m`;
    const alt = `${this.boundary}-a`;
    const parts = [`Content-Type: multipart/alternative;\r\n boundary="${alt}"\r\n\r\n--${alt}\r\n${textPart('text/plain', m.text)}--${alt}\r\n${textPart('text/html', m.html)}--${alt}--\r\n`, ...m.attachments.map(attachmentPart), ...this.commonParts];
    const head =
      this.fromHeaders +
      header(this.headers, 'To', m.to) +
      header(this.headers, 'Subject', m.subject) +
      header(this.headers, 'Message-ID', m.messageId) +
      `Date: ${m.date.toUTCString().replace(/GMT/, '+0000')}\r\n` +
      'MIME-Version: 1.0\r\n' +
      `Content-Type: multipart/mixed;\r\n boundary="${mixed}"\r\n\r\n`;
    // The body is ASCII (quoted-printable, base64): latin1 copies it byte for byte, faster than
    // UTF-8. The head may keep a UTF-8 address (RFC 6532).
    const body = `${parts.map((p) => `--${mixed}\r\n${p}`).join('')}--${mixed}--\r\n`;
    const headLength = Buffer.byteLength(head, 'utf8');
    const raw = Buffer.allocUnsafe(headLength + body.length);
    raw.write(head, 0, 'utf8');
    raw.write(body, headLength, 'latin1');
    return raw;
  }
}
