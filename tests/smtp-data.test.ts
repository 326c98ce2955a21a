import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataStream } from '../src/delivery/mime.js';
import { nodemailerTransform, useFastDataStream } from '../src/delivery/smtp-data.js';

/**
 * The DATA stream relais installs in nodemailer (smtp-data.ts) must write the very bytes
 * nodemailer's own writes: dot-stuffing and line ends are what keeps a message from ending early
 * at the server (or being cut by it). Compared on arbitrary bytes, split at arbitrary places.
 */
async function through(transform: unknown, chunks: Buffer[]): Promise<{ out: Buffer; inByteCount: number; outByteCount: number }> {
  const stream = new DataStream();
  (stream as unknown as { _transform: unknown })._transform = transform;
  const parts: Buffer[] = [];
  stream.on('data', (c: Buffer) => parts.push(c));
  const ended = new Promise((resolve) => stream.on('end', resolve));
  for (const c of chunks) stream.write(c);
  stream.end();
  await ended;
  return { out: Buffer.concat(parts), inByteCount: stream.inByteCount, outByteCount: stream.outByteCount };
}

useFastDataStream();
const fast = (DataStream.prototype as unknown as { _transform: unknown })._transform;

describe('the DATA stream (dot-stuffing and line ends)', () => {
  it('is installed in nodemailer’s class, in place of its own', () => {
    expect(fast).not.toBe(nodemailerTransform);
    expect(typeof nodemailerTransform).toBe('function');
  });

  it('writes what nodemailer writes, whatever the bytes and however they are split', async () => {
    const byte = fc.constantFrom(0x0d, 0x0a, 0x2e, 0x61, 0x20);
    const input = fc.array(fc.array(byte, { maxLength: 30 }).map((b) => Buffer.from(b)), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(input, async (chunks) => {
        const theirs = await through(nodemailerTransform, chunks);
        const ours = await through(fast, chunks);
        expect(ours.out.toString('latin1')).toBe(theirs.out.toString('latin1'));
        expect([ours.inByteCount, ours.outByteCount]).toEqual([theirs.inByteCount, theirs.outByteCount]);
      }),
      { numRuns: 2000 },
    );
  });

  it('on a message: a line that starts with a dot is stuffed, bare line ends become CRLF, the end is marked', async () => {
    const message = Buffer.from('Subject: x\r\n\r\n.\r\n.point\nbare LF\rbare CR\r\n..deux\r\nfin');
    const ours = await through(fast, [message.subarray(0, 15), message.subarray(15)]);
    expect(ours.out.toString('latin1')).toBe('Subject: x\r\n\r\n..\r\n..point\r\nbare LF\r\nbare CR\r\n...deux\r\nfin\r\n.\r\n');
  });
});
