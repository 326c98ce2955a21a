import { parentPort } from 'node:worker_threads';
import { RelaisError } from '../errors.js';
import { letterWriter, runJob, type Job, type RenderSetup } from './jobs.js';
import type { LetterWriter } from './writer.js';

/**
 * Worker thread: runs the jobs it is sent. One writer for the whole command: the font subsets,
 * the images and the layout of every distinct text are made once per worker.
 */
let setup: RenderSetup | undefined;
let stopping = false;
let writer: LetterWriter | undefined;

const buffer = (u: Uint8Array | undefined) => (u ? Buffer.from(u.buffer, u.byteOffset, u.byteLength) : undefined);

/** Structured cloning turns Buffers into Uint8Arrays: pdfkit and fontkit want Buffers back. */
function revive(s: RenderSetup): RenderSetup {
  const f = s.fonts;
  return {
    ...s,
    fonts: { regular: buffer(f.regular)!, bold: buffer(f.bold)!, italic: buffer(f.italic)!, names: f.names },
    options: Object.fromEntries(
      Object.entries(s.options).map(([dep, o]) => [
        dep,
        { ...o, issuer: { ...o.issuer, logo: buffer(o.issuer.logo) }, signatureImages: { prefet: buffer(o.signatureImages?.prefet), ars: buffer(o.signatureImages?.ars) } },
      ]),
    ),
  };
}

parentPort?.on('message', (message: { type: 'setup'; setup: RenderSetup } | { type: 'job'; job: Job } | { type: 'stop' }) => {
  if (message.type === 'setup') {
    setup = revive(message.setup);
    return;
  }
  if (message.type === 'stop') {
    stopping = true;
    return;
  }
  void (async () => {
    // Letters written but not yet reported: told with an error too, the run says how many were written.
    let pending = 0;
    try {
      const { pages } = await runJob(
        setup!,
        message.job,
        () => {
          if (++pending === 25) {
            parentPort?.postMessage({ type: 'progress', count: pending });
            pending = 0;
          }
        },
        (writer ??= letterWriter(setup!)),
        () => stopping,
      );
      parentPort?.postMessage({ type: 'done', count: pending, pages });
    } catch (err) {
      const e = err as Error;
      parentPort?.postMessage({ type: 'error', count: pending, message: e.message, relais: err instanceof RelaisError, location: err instanceof RelaisError ? err.location : {} });
    }
  })();
});
