import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleLoiret } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { readPdf } from './helpers/pdf.js';

/**
 * A préfecture pastes its registration link as its web service gives it, with tracking
 * parameters: `[https://www.exemple.fr/inscription?utm_source=mairie&utm_medium=courrier&…](…)`.
 * In the letter's body such an address may only break after a slash (README, relais letters);
 * after the last slash the rest (« inscription?utm_source=…_comte. ») is wider than the text
 * block, and it is printed on one line that runs 8 mm past the right margin, towards the edge of
 * the page: the justified column has one line sticking out (see the first page rendered with
 * `pdftoppm -r 80`). The annex breaks the same address where it must (before a dot, a hyphen,
 * or anywhere as a last resort); the body should keep within its margins too.
 */
describe('a long address with a query string in the body of the letter', () => {
  it('stays inside the right margin (20 mm)', async () => {
    const dir = sampleLoiret();
    const url = 'https://www.inscription-des-professionnels-volontaires-renfort.fr/inscription?utm_source=mairie&utm_medium=courrier&utm_campaign=renfort_covid_2020_bourgogne_franche_comte';
    const template = join(dir, 'templates', 'lettre.hbs');
    const text = readFileSync(template, 'utf8');
    const withLink = text.replace("Il s'agit de la plateforme [", `Inscription directe : [${url}](${url}). Il s'agit de la plateforme [`);
    expect(withLink).not.toBe(text);
    writeFileSync(template, withLink);
    const r = await relais(['-C', dir, 'letters', '--commune', '45234']);
    expect(r.code, r.stderr).toBe(0);
    const pdf = await readPdf(join(dir, 'out', 'lettres', '45', '45234-orleans.pdf'));
    const page1 = pdf.items.filter((i) => i.page === 1 && i.str.trim() !== '');
    // The address is on the page, and no text of the body goes past 190 mm (210 − 20).
    expect(page1.some((i) => i.str.includes('utm_campaign'))).toBe(true);
    const beyond = page1.filter((i) => i.x + i.width > 190.5).map((i) => `${i.str} (${(i.x + i.width).toFixed(1)} mm)`);
    expect(beyond).toEqual([]);
  });
});
