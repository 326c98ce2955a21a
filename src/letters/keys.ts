import { createHash } from 'node:crypto';
import type { FontFiles } from './fonts.js';
import type { Job } from './jobs.js';

/**
 * What decides whether a letter must be drawn again, kept apart from the drawing itself (pdfkit,
 * fontkit): a command that only checks or counts does not load them.
 */

/** Bumped when the layout changes, so that a re-run rewrites letters drawn by an older layout. */
export const LAYOUT_VERSION = 3;

/** The fonts count by their names (fontSources), known without opening them. */
export function contentHash(fontNames: FontFiles['names'], parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify([LAYOUT_VERSION, fontNames, ...parts])).digest('hex').slice(0, 32);
}

/** Everything but the address: decided with the letter itself (campaign/letter.ts), where the plan computes it. */
export { letterKey as baseKey } from '../campaign/letter.js';

export const jobSize = (job: Job): number => job.items.length;
