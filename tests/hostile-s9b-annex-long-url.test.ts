import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { readPdf } from './helpers/pdf.js';

/**
 * A Facebook message that gives the agency's own page for the call, as ARS sites spell them: a
 * 113-character address (well within Facebook's limits; relais check and posts accept it). In the
 * letter's annex the address is one unbreakable word wider than the message cell: it is drawn from
 * the cell's left edge straight across the table's border, the right margin and off the paper.
 * `pdftotext` (what a copy from the PDF gives) reads « …-centre-val-de-loire-profess » and the
 * rest of the address is on no page; on paper it is cut at the sheet's edge. The mayor is handed a
 * message to copy whose link is broken, and nothing says so (README: « le texte imprimé reste
 * celui du message, tel qu'il sera publié (pour le copier) »).
 *
 * Likely cause: src/letters/letter-annex.ts lays messages out with layoutText(…, 'bound'), whose
 * boundWords (src/letters/paragraph.ts) splits at spaces only; breakLines leaves a word wider than
 * the line as it is. The body has « une longue adresse peut passer à la ligne après une barre
 * oblique »; the annex has no such break.
 */
const URL = 'https://www.centre-val-de-loire.ars.sante.fr/appel-a-volontaires-renfort-covid-centre-val-de-loire-professionnels';
const MESSAGE = `Professionnels de santé, actifs ou retraités : inscrivez-vous sur ${URL} pour venir en renfort dans les établissements de la région.`;

describe('an annex message with an address longer than its cell', () => {
  it('prints the whole address inside the table, and pdftotext reads it whole', async () => {
    const dir = sampleCampaign();
    writeFileSync(join(dir, 'templates', 'facebook.hbs'), `${MESSAGE}\n`);
    const letters = await relais(['-C', dir, 'letters', '--commune', '45234']);
    expect(letters.code, letters.stderr).toBe(0);
    const file = join(dir, 'out/lettres/45/45234-orleans.pdf');

    // Every word of the annex inside the table: the content width ends 20 mm from the right edge.
    const pdf = await readPdf(file);
    const start = pdf.items.find((i) => i.str === 'Canal utilisé')!;
    const annex = pdf.items.filter((i) => i.page >= start.page && i.str.trim());
    const right = pdf.size.width - 20 + 0.5;
    const over = annex.filter((i) => i.x + i.width > right).map((i) => `${i.str} (jusqu'à ${(i.x + i.width).toFixed(0)} mm)`);
    // Today: the address runs to the edge of the 210 mm page and on past it (pdf.js and pdftotext
    // stop reading at the edge: « …-centre-val-de-loire-profess »).
    expect(over, 'drawn past the table and off the paper').toEqual([]);

    // Read back as a mayor copies it: the address whole (line breaks aside).
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    // Today: « …renfort-covid-centre-val-de-loire-profess », the rest past the page's edge.
    expect(text, 'the link of the message, cut').toContain(URL.replace(/\s+/g, ''));
  });
});
