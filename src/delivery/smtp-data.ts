import type { TransformCallback } from 'node:stream';
import { DataStream } from './mime.js';

/**
 * nodemailer's DATA stream (dot-stuffing, bare CR and LF made CRLF, RFC 5321 § 4.5.2) looks at
 * every byte of the message in JavaScript: for a town hall's 68 KB email it was the largest single
 * cost of a send, larger than composing the message. Every change it makes is at a line end or
 * just after one (or at the very start), so the same rules applied only there — found with
 * Buffer.indexOf, which scans in native code — give the same bytes. tests/smtp-data.test.ts
 * checks that on arbitrary input split at arbitrary places, against nodemailer's own.
 */
type Insert = Buffer | false;
interface DataStreamState {
  inByteCount: number;
  outByteCount: number;
  lastByte: number | false;
  push(chunk: Buffer): boolean;
}

const INSERT_LF = Buffer.from('\n');
const INSERT_LF_DOT = Buffer.from('\n.');
const INSERT_CR = Buffer.from('\r');
const INSERT_DOT = Buffer.from('.');
const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

/** nodemailer's rule for one position, word for word: what goes before `byte`, if anything. */
function insertBefore(byte: number, prev: number | false): Insert {
  if (prev === CR && byte !== LF) return byte === DOT ? INSERT_LF_DOT : INSERT_LF;
  if (byte === LF && prev !== CR) return INSERT_CR;
  if (byte === DOT && (prev === LF || prev === false)) return INSERT_DOT;
  return false;
}

function fastTransform(this: DataStreamState, input: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
  if (!input || !input.length) return done();
  const chunk = typeof input === 'string' ? Buffer.from(input) : input;
  const len = chunk.length;
  this.inByteCount += len;
  let pieces: Buffer[] | undefined;
  let outLength = 0;
  let lastPos = 0;
  const at = (i: number) => {
    const insert = insertBefore(chunk[i]!, i ? chunk[i - 1]! : this.lastByte);
    if (!insert) return;
    pieces ??= [];
    if (i > lastPos) {
      pieces.push(chunk.subarray(lastPos, i));
      outLength += i - lastPos;
    }
    pieces.push(insert);
    outLength += insert.length;
    lastPos = i;
  };
  // The positions where a rule can apply: the start, each CR or LF, and the byte after each.
  at(0);
  let next = 1;
  let nextCr = chunk.indexOf(CR);
  let nextLf = chunk.indexOf(LF);
  while (nextCr !== -1 || nextLf !== -1) {
    let j: number;
    if (nextLf === -1 || (nextCr !== -1 && nextCr < nextLf)) {
      j = nextCr;
      nextCr = chunk.indexOf(CR, j + 1);
    } else {
      j = nextLf;
      nextLf = chunk.indexOf(LF, j + 1);
    }
    if (j >= next) at(j);
    if (j + 1 < len) at(j + 1);
    next = j + 2;
  }
  if (pieces) {
    if (lastPos < len) {
      pieces.push(chunk.subarray(lastPos));
      outLength += len - lastPos;
    }
    this.outByteCount += outLength;
    this.push(Buffer.concat(pieces, outLength));
  } else {
    this.outByteCount += len;
    this.push(chunk);
  }
  this.lastByte = chunk[len - 1]!;
  done();
}

const proto = DataStream.prototype as unknown as { _transform: typeof fastTransform };
/** nodemailer's own, kept for the test that compares them. */
export const nodemailerTransform = proto._transform;

/** Idempotent; every SMTP connection of the process then uses it (they all build their DATA stream from this class). */
export function useFastDataStream(): void {
  proto._transform = fastTransform;
}
