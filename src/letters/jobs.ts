import { ANNEX_TITLE, OBJECT_LABEL, type LetterModel } from '../campaign/letter.js';
import { CHANNEL_LABELS } from '../campaign/messages.js';
import { writeFileAtomicSync } from '../files.js';
import type { FontFiles } from './fonts.js';
import type { DrawOptions } from './layout.js';
import { CONTINUED } from './letter-annex.js';
import type { PreparedFont, Style } from './typeset.js';
import { LetterWriter, type LetterMeta } from './writer.js';

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
  /** Every character the jobs draw (see jobCharacters): the fonts are subset for them once. */
  characters?: string;
  /** The files' creation date (ISO), the same in every file of a run. */
  date?: string;
  /** Kerning and subset bytes made once for all workers (see CampaignFont.prepare). */
  prepared?: Record<Style, PreparedFont>;
}

/** Texts that every letter draws besides the campaign's own. */
// Besides the texts: the spaces French typography puts in (frenchSpacing), the hyphen of a cut
// word, the brackets of a printed link's address, the page numbers.
const FIXED = [OBJECT_LABEL, '\u00a0\u202f-()/0123456789', 'Liberté Égalité Fraternité', ANNEX_TITLE, 'Canal utilisé', 'Proposition de message', 'Inscription des volontaires\u00a0:', CONTINUED, ...Object.values(CHANNEL_LABELS)];

/** The distinct characters of everything the jobs will draw, for the campaign's font subsets. */
export function jobCharacters(setup: RenderSetup, jobs: Job[]): string {
  // A bitmap of the Basic Multilingual Plane (a Set of characters costs 30 times more).
  const bmp = new Uint8Array(0x10000);
  const astral = new Set<string>();
  const strings = new Set<string>();
  const add = (s: string | undefined) => {
    if (!s || strings.has(s)) return;
    if (s.length > 40) strings.add(s);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        astral.add(String.fromCodePoint(s.codePointAt(i)!));
        i++;
      } else bmp[c] = 1;
    }
  };
  FIXED.forEach(add);
  for (const o of Object.values(setup.options)) {
    add(o.issuer.authority);
    o.issuer.coIssuer.forEach(add);
    add(o.platformUrl);
  }
  const bases = new Set<LetterModel>();
  for (const job of jobs) {
    for (const b of Object.values(job.bases)) bases.add(b);
    for (const item of job.items) item.adresse.forEach(add);
  }
  for (const b of bases) {
    add(b.lieuDate);
    add(b.objet);
    b.paragraphs.forEach(add);
    for (const s of b.signatures) {
      add(s.nom);
      s.titre.forEach(add);
    }
    for (const m of b.annexe) {
      add(m.texte);
      add(m.compte);
    }
    (b.supports ?? []).forEach(add);
  }
  let out = '';
  for (let c = 0x20; c < 0x10000; c++) if (bmp[c] && (c < 0xd800 || c > 0xdfff)) out += String.fromCharCode(c);
  return out + [...astral].join('');
}

export function letterWriter(setup: RenderSetup): LetterWriter {
  return new LetterWriter(setup.fonts, setup.characters ?? '', setup.date ? new Date(setup.date) : new Date(), setup.prepared);
}

/** Runs a job; calls back after each letter; returns the page count of a print file. */
export async function runJob(setup: RenderSetup, job: Job, onLetter: () => void, writer: LetterWriter, stopped: () => boolean = () => false): Promise<{ pages: number }> {
  if (job.kind === 'print') {
    const meta = { title: `${job.title} — lettres à imprimer (${job.dep})`, author: 'relais', subject: job.title };
    const letters = job.items.map((item) => ({ ...job.bases[item.key]!, adresse: item.adresse }));
    const { bytes, pages } = await writer.print(letters, setup.options[job.dep]!, meta, onLetter);
    writeFileAtomicSync(job.path, bytes);
    return { pages };
  }
  let count = 0;
  for (const item of job.items) {
    // Writing a letter never waits for the event loop: let a stop request (Ctrl-C, a worker's
    // 'stop' message) in from time to time.
    if (++count % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
    // Between two letters, never inside one: a stop leaves only whole files.
    if (stopped()) break;
    const bytes = await writer.letter({ ...job.bases[item.key]!, adresse: item.adresse }, setup.options[item.dep]!, item.meta);
    writeFileAtomicSync(item.path, bytes);
    onLetter();
  }
  return { pages: 0 };
}
