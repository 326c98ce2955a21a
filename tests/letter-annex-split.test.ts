import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { readPdf, type PdfContent } from './helpers/pdf.js';

/**
 * An annex message taller than a page (see hostile-s9-annex-tall-row) as a French administrative
 * table continues it: each part in its own row under the repeated header, the channel named again
 * with « (suite) », the lines in order, none under the bottom margin, the pages numbered « n/N ».
 */
const LINES = Array.from({ length: 70 }, (_, i) => `Appel aux volontaires, ligne ${String(i + 1).padStart(2, '0')}.`);
/** The bottom margin, in mm from the top of an A4 page (geometry.ts: 20 mm). */
const BOTTOM = 297 - 20;

describe('an annex message split over pages', () => {
  let pdf: PdfContent;

  beforeAll(async () => {
    const dir = sampleCampaign();
    writeFileSync(join(dir, 'templates', 'linkedin.hbs'), `${LINES.join('\n')}\n`);
    const letters = await relais(['-C', dir, 'letters', '--commune', '45234']);
    expect(letters.code, letters.stderr).toBe(0);
    pdf = await readPdf(join(dir, 'out/lettres/45/45234-orleans.pdf'));
  }, 120_000);

  it('prints its lines in reading order, each above the bottom margin, at least two on each page', () => {
    const printed = pdf.items.filter((i) => /ligne \d\d\./.test(i.str));
    expect(printed.map((i) => i.str.trim())).toEqual(LINES);
    for (const item of printed) expect(item.top, item.str).toBeLessThanOrEqual(BOTTOM);
    const pages = [...new Set(printed.map((i) => i.page))];
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(printed.filter((i) => i.page === page).length, `page ${page}`).toBeGreaterThanOrEqual(2);
  });

  it('repeats the header and names the channel again, « (suite) », at the head of the next page', () => {
    const printed = pdf.items.filter((i) => /ligne \d\d\./.test(i.str));
    const next = printed.at(-1)!.page;
    expect(next).toBeGreaterThan(printed[0]!.page);
    const onNext = pdf.items.filter((i) => i.page === next);
    const header = onNext.find((i) => i.str === 'Canal utilisé');
    const label = onNext.find((i) => i.str === 'LinkedIn');
    const more = onNext.find((i) => i.str === '(suite)');
    expect(header && label && more, onNext.map((i) => i.str).join(' | ')).toBeTruthy();
    // In the channel column, beside the first line of the part, under the header.
    const first = printed.find((i) => i.page === next)!;
    expect(label!.top).toBeGreaterThan(header!.top);
    expect(Math.abs(label!.top - first.top)).toBeLessThan(1);
    expect(more!.top).toBeGreaterThan(label!.top);
    expect(label!.x).toBeLessThan(first.x);
    // Said once, on the page where the message goes on only.
    expect(pdf.items.filter((i) => i.str === '(suite)')).toHaveLength(1);
  });

  it('numbers every page n/N, N being the letter\'s page count', () => {
    for (let page = 1; page <= pdf.pages; page++) {
      const numbers = pdf.items.filter((i) => i.page === page && /^\d+\/\d+$/.test(i.str)).map((i) => i.str);
      expect(numbers, `page ${page}`).toEqual([`${page}/${pdf.pages}`]);
    }
  });
});
