import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { readPdf } from './helpers/pdf.js';

/**
 * A LinkedIn message written as a list, one short line per point: 70 lines, 2,309 characters,
 * well within LinkedIn's 3,000 (relais check and posts accept it: « 2 309 / 3 000 »). In the
 * letter's annex its row is taller than a page. A row that fits on a page is moved to the next
 * one; this one is drawn from the top of page 2 straight down past the page number (« ligne 37.
 * 2/3 » printed over each other) and off the paper: lines 39 to 70 are in no page of the PDF.
 * The mayor is asked to copy a message of which half is missing, and nothing says so.
 */
const LINES = Array.from({ length: 70 }, (_, i) => `Appel aux volontaires, ligne ${String(i + 1).padStart(2, '0')}.`);

describe('an annex message taller than a page', () => {
  it('prints every line of it, each once, inside the pages', async () => {
    const dir = sampleCampaign();
    writeFileSync(join(dir, 'templates', 'linkedin.hbs'), `${LINES.join('\n')}\n`);
    const letters = await relais(['-C', dir, 'letters', '--commune', '45234']);
    expect(letters.code, letters.stderr).toBe(0);
    const pdf = await readPdf(join(dir, 'out/lettres/45/45234-orleans.pdf'));
    const printed = pdf.items.filter((i) => /ligne \d\d\./.test(i.str));
    const found = printed.map((i) => /ligne (\d\d)\./.exec(i.str)![1]!);
    // It used to print lines 01 to 38 only, the last ones below the page number and off the page.
    expect(found.filter((n) => Number(n) > 38), 'lines of the message missing from the letter').toHaveLength(32);
    expect([...found].sort()).toEqual(LINES.map((_, i) => String(i + 1).padStart(2, '0')));
    // On the paper: above the bottom margin where the page number sits (A4 is 297 mm high).
    for (const item of printed) expect(item.top, `${item.str} (page ${item.page})`).toBeLessThan(pdf.size.height - 15);
  });
});
