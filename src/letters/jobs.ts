import type { LetterModel } from '../campaign/letter.js';
import { writeFileAtomicSync } from '../files.js';
import { LetterFactory, type LetterMeta } from './fast.js';
import type { FontFiles } from './fonts.js';
import { drawLetter, finish, newDocument, resetShapingCaches, type DrawOptions } from './layout.js';

/**
 * The work of `relais letters`, cut into jobs that a worker thread or the main thread runs alike:
 * batches of per-commune files (the distinct letter bodies once, then one small item per commune)
 * and print files (one per département).
 */
export interface LetterItem {
  key: string;
  dep: string;
  adresse: string[];
  meta: LetterMeta;
  path: string;
}

export type Job =
  | { kind: 'letters'; bases: Record<string, LetterModel>; items: LetterItem[] }
  | { kind: 'print'; dep: string; bases: Record<string, LetterModel>; items: Array<{ key: string; adresse: string[] }>; path: string; title: string };

export interface RenderSetup {
  fonts: FontFiles;
  /** Per département: issuer, signatures, platform URL. */
  options: Record<string, DrawOptions>;
}

/** Runs a job; calls back after each letter; returns the page count of a print file. */
export async function runJob(setup: RenderSetup, job: Job, onLetter: () => void, factories: Map<string, LetterFactory>, stopped: () => boolean = () => false): Promise<{ pages: number }> {
  if (job.kind === 'print') return { pages: await writePrintFile(setup, job, onLetter) };
  for (const item of job.items) {
    // Between two letters, never inside one: a stop leaves only whole files.
    if (stopped()) break;
    let factory = factories.get(item.dep);
    if (!factory) {
      factory = new LetterFactory(setup.fonts, setup.options[item.dep]!);
      factories.set(item.dep, factory);
    }
    const bytes = await factory.render({ ...job.bases[item.key]!, adresse: item.adresse }, item.meta, item.key);
    writeFileAtomicSync(item.path, bytes);
    onLetter();
  }
  return { pages: 0 };
}

/** One document for the mail room: each letter starts on an odd page, for double-sided printing. */
async function writePrintFile(setup: RenderSetup, job: Extract<Job, { kind: 'print' }>, onLetter: () => void): Promise<number> {
  const doc = newDocument(setup.fonts, { title: `${job.title} — lettres à imprimer (${job.dep})`, author: 'relais', subject: job.title });
  let pages = 0;
  let count = 0;
  for (const item of job.items) {
    if (pages % 2 === 1) {
      doc.addPage();
      pages++;
    }
    pages += (await drawLetter(doc, { ...job.bases[item.key]!, adresse: item.adresse }, setup.options[job.dep]!)).count;
    // Numbered and done: pdfkit may write those pages out now instead of holding thousands.
    doc.flushPages();
    if (++count % 100 === 0) resetShapingCaches(setup.fonts);
    onLetter();
  }
  writeFileAtomicSync(job.path, await finish(doc));
  return pages;
}
