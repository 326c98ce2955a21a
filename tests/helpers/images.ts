import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ensureDebianPackage } from './debian.js';

/** pdftoppm (poppler-utils) renders pages as a person sees them; installed here when missing. */
export function ensurePoppler(): void {
  ensureDebianPackage('/usr/bin/pdftoppm', 'poppler-utils');
}

/** Each page of the PDF as a grey PNG at `dpi`, in page order. */
export function renderPages(pdf: string, dpi: number): Buffer[] {
  ensurePoppler();
  const dir = mkdtempSync(join(tmpdir(), 'relais-pages-'));
  try {
    execFileSync('pdftoppm', ['-png', '-gray', '-r', String(dpi), pdf, join(dir, 'page')]);
    // pdftoppm pads page numbers to the width of the last one: the names sort in page order.
    return readdirSync(dir).sort().map((name) => readFileSync(join(dir, name)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ImageDifference {
  /** Share of the pixels whose grey differs by more than the threshold, 0 to 1. */
  share: number;
  /** The rows where differing pixels were found first and last (for the failure message). */
  rows: [number, number] | null;
  sameSize: boolean;
  /** The actual picture with differing pixels in red. */
  diff: Buffer;
}

/**
 * Compares two renderings pixel by pixel. Anti-aliasing makes edges differ by a few grey levels
 * between two renderings of the same page: only a difference above `threshold` (0–255) counts,
 * so a block moved by a millimetre or a changed word shows, and nothing else.
 */
export function compareImages(actual: Buffer, reference: Buffer, threshold = 64): ImageDifference {
  const a = PNG.sync.read(actual);
  const b = PNG.sync.read(reference);
  const diff = new PNG({ width: a.width, height: a.height });
  a.data.copy(diff.data);
  if (a.width !== b.width || a.height !== b.height) return { share: 1, rows: null, sameSize: false, diff: PNG.sync.write(diff) };
  let differing = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < a.data.length; i += 4) {
    if (Math.abs(a.data[i]! - b.data[i]!) > threshold) {
      differing++;
      const row = Math.floor(i / 4 / a.width);
      if (first < 0) first = row;
      last = row;
      diff.data[i] = 255;
      diff.data[i + 1] = 0;
      diff.data[i + 2] = 0;
    }
  }
  return { share: differing / (a.width * a.height), rows: first < 0 ? null : [first, last], sameSize: true, diff: PNG.sync.write(diff) };
}
