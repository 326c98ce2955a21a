import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output } from '../src/cli/output.js';

/** A stream that keeps each write apart. */
function recorder(): { stream: NodeJS.WriteStream; writes: string[] } {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      done();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, writes };
}

describe('Output', () => {
  it('held report lines come out in one write, the same text as line by line', () => {
    const lines = ['Campagne : test', '', '  01 Ain : 391 communes', 'é « » …'];
    const direct = recorder();
    const plain = new Output(false, false, direct.stream, recorder().stream);
    for (const l of lines) plain.line(l);
    plain.line();

    const stdout = recorder();
    const held = new Output(false, false, stdout.stream, recorder().stream);
    held.hold();
    for (const l of lines) held.line(l);
    held.line();
    expect(stdout.writes).toEqual([]);
    held.release();
    expect(stdout.writes).toHaveLength(1);
    expect(stdout.writes.join('')).toBe(direct.writes.join(''));
    // Released, lines go straight out again; releasing nothing writes nothing.
    held.release();
    held.line('après');
    expect(stdout.writes).toEqual([direct.writes.join(''), 'après\n']);
  });

  it('with --json, held lines go to stderr, never into the document on stdout', () => {
    const stdout = recorder();
    const stderr = recorder();
    const out = new Output(true, false, stdout.stream, stderr.stream);
    out.hold();
    out.line('une ligne');
    out.release();
    out.document({ ok: true });
    expect(stderr.writes).toEqual(['une ligne\n']);
    expect(stdout.writes).toEqual(['{\n  "ok": true\n}\n']);
  });
});
