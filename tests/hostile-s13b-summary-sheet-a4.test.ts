import { describe, expect, it } from 'vitest';
import { loadCampaign } from '../src/campaign/load.js';
import { summarySheet } from '../src/media/sheet.js';
import { ROOT } from './helpers/cli.js';
import { readPdf } from './helpers/pdf.js';

/**
 * The « fiche synthétique » attached to every town hall's email (and put in out/messages/<dep>/
 * by `relais posts`) is said to be « one A4 page » (src/media/sheet.ts) and the letters are A4,
 * but `pdfinfo fiche-synthetique.pdf` reads « Page size: 612 x 792 pts (letter) »: the US Letter
 * format. `size: 'A4'` is given to the document, whose first page is added by
 * `addPage({ margin })`, and pdfkit takes a page's size from the options of addPage, not from
 * the document's. The town hall that prints it on A4 paper gets it shrunk or its foot cut (the
 * ARS line is drawn 25 mm from the bottom of an 11-inch page).
 */
describe('the summary sheet attached to each email', () => {
  it('is an A4 page, like the letters', async () => {
    const { campaign } = await loadCampaign(ROOT);
    const pdf = await readPdf(summarySheet(campaign!));
    expect(Math.round(pdf.size.width)).toBe(210);
    expect(Math.round(pdf.size.height)).toBe(297);
  });
});
