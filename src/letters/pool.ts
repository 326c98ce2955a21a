import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RelaisError } from '../errors.js';
import { frenchNumber } from '../text/format.js';
import { prepareFonts, undrawable } from './typeset.js';
import { jobCharacters, letterWriter, runJob, type Job, type RenderSetup } from './jobs.js';

/**
 * Runs the letter jobs on worker threads (one per core), or in the main thread for small runs.
 * Workers get a bounded heap, so that V8 collects as it goes instead of growing to its default.
 */
// Not less: at 64 MB a worker collected all the time (nationally, personalised: 1.7 ms of CPU per
// letter against 0.7 ms at 128 MB, for about 30 MB more per worker); 256 MB gains nothing more.
const WORKER_HEAP_MB = 128;
export function workerCount(letters: number, configured?: number): number {
  if (configured !== undefined) return configured;
  // A worker loads its modules and fonts in about half a second of CPU, and a letter costs about a
  // millisecond: below a couple of thousand letters (the 597 of the sample) threads cost more than
  // they save.
  return letters < 2000 ? 0 : Math.min(availableParallelism(), 4);
}

/** The first letter file that holds `ch`, to name where the user can see it. */
function letterWith(jobs: Job[], ch: string): string | undefined {
  for (const job of jobs) {
    if (job.kind !== 'letters') continue;
    for (const item of job.items) {
      const base = job.bases[item.key];
      if (item.adresse.some((l) => l.includes(ch)) || (base && JSON.stringify(base).includes(ch))) return item.path;
    }
  }
  return undefined;
}

export type JobDone = (job: Job, result: { pages: number }) => void;

export async function runJobs(campaignSetup: RenderSetup, jobs: Job[], threads: number, onProgress: (n: number, kind: Job['kind']) => void, onDone: JobDone, signal?: AbortSignal): Promise<void> {
  // Every worker subsets the fonts alike, for every character of every job: one subset per campaign.
  const setup: RenderSetup = { ...campaignSetup, characters: jobCharacters(campaignSetup, jobs), date: campaignSetup.date ?? new Date().toISOString() };
  // Before any letter is written: a character the fonts cannot draw would vanish from the letters.
  const missing = undrawable(setup.fonts, setup.characters ?? '');
  if (missing.length) {
    const shown = missing.slice(0, 8).map((c) => `« ${c} » (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`).join(', ');
    const first = letterWith(jobs, missing[0]!);
    throw new RelaisError(
      `les lettres${first ? ` (dès celle de ${basename(first, '.pdf')})` : ''} contiennent ${missing.length > 1 ? `${frenchNumber(missing.length)} caractères` : 'un caractère'} que la police ne sait pas dessiner : ${shown}${missing.length > 8 ? ', …' : ''} ; ${missing.length > 1 ? 'ils manqueraient' : 'il manquerait'} au PDF. Retirez-les du modèle de la lettre (templates/lettre.hbs) ou des données, ou donnez sous « polices: » une police qui les contient. Aucune lettre n'a été écrite.`,
    );
  }
  if (threads <= 1) {
    const writer = letterWriter(setup);
    for (const job of jobs) {
      if (signal?.aborted) return;
      onDone(job, await runJob(setup, job, () => onProgress(1, job.kind), writer, () => Boolean(signal?.aborted)));
    }
    return;
  }
  // The main thread only hands out jobs: drawing there too saved a worker but cost more memory
  // than the worker (nationally, personalised: 734 MB against 628 MB at the peak, for 11 % less
  // CPU): its heap holds the whole plan, and V8 lets a large heap grow further before collecting it.
  const url = new URL('./worker.js', import.meta.url);
  const queue = [...jobs];
  const workers = Array.from({ length: Math.min(threads, queue.length) }, () => new Worker(url, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } }));
  // Ctrl-C or a failure: no new job, and each thread finishes the letter it is writing, then stops.
  const stop = () => {
    queue.length = 0;
    for (const w of workers) w.postMessage({ type: 'stop' });
  };
  signal?.addEventListener('abort', stop, { once: true });
  if (signal?.aborted) stop();
  // While the workers load their modules: the costly part of the fonts, once for all of them.
  setup.prepared = prepareFonts(setup.fonts, setup.characters ?? '');
  const fromWorker = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      let current: Job | undefined;
      const next = () => {
        current = queue.shift();
        if (!current) return resolve();
        worker.postMessage({ type: 'job', job: current });
      };
      worker.on('message', (m: { type: string; count?: number; pages?: number; message?: string; relais?: boolean; location?: Record<string, unknown> }) => {
        if (m.type === 'progress') onProgress(m.count ?? 0, current?.kind ?? 'letters');
        else if (m.type === 'done') {
          onProgress(m.count ?? 0, current?.kind ?? 'letters');
          if (current) onDone(current, { pages: m.pages ?? 0 });
          next();
        } else if (m.type === 'error') {
          // The letters it wrote before the failure are whole: counted (the run says how many).
          if (m.count) onProgress(m.count, current?.kind ?? 'letters');
          reject(m.relais ? new RelaisError(m.message ?? '', m.location ?? {}) : new Error(m.message));
        }
      });
      worker.on('error', reject);
      worker.postMessage({ type: 'setup', setup });
      next();
    });
  try {
    // Every thread settles before runJobs does: none is left writing a file once it has failed.
    const settled = await Promise.allSettled(workers.map((w) => fromWorker(w).catch((err: unknown) => (stop(), Promise.reject(err)))));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    signal?.removeEventListener('abort', stop);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
