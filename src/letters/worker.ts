import { parentPort } from 'node:worker_threads';
import { RelaisError } from '../errors.js';
import type { LetterFactory } from './fast.js';
import { runJob, type Job, type RenderSetup } from './jobs.js';

/**
 * Worker thread: runs the jobs it is sent. Letters keep their base PDFs between batches (one
 * factory per département), so a worker pays the layout of a département once.
 */
let setup: RenderSetup | undefined;
let stopping = false;
const factories = new Map<string, LetterFactory>();

const buffer = (u: Uint8Array | undefined) => (u ? Buffer.from(u.buffer, u.byteOffset, u.byteLength) : undefined);

/** Structured cloning turns Buffers into Uint8Arrays: pdfkit and fontkit want Buffers back. */
function revive(s: RenderSetup): RenderSetup {
  const f = s.fonts;
  return {
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
    try {
      let pending = 0;
      const { pages } = await runJob(
        setup!,
        message.job,
        () => {
          if (++pending === 25) {
            parentPort?.postMessage({ type: 'progress', count: pending });
            pending = 0;
          }
        },
        factories,
        () => stopping,
      );
      parentPort?.postMessage({ type: 'done', count: pending, pages });
    } catch (err) {
      const e = err as Error;
      parentPort?.postMessage({ type: 'error', message: e.message, relais: err instanceof RelaisError, location: err instanceof RelaisError ? err.location : {} });
    }
  })();
});
