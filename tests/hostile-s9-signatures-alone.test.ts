import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { readPdf } from './helpers/pdf.js';

/**
 * The sample letter with two more short paragraphs about the commune, as a préfecture would add:
 * the body still ends on page 1 with « Nous vous prions d'agréer… », and the two signatures —
 * the préfet's and the ARS director's, titles and names — are moved alone to page 2, above an
 * empty page. Administrative practice (and any secretary) never leaves the signatures alone on a
 * page: a page with nothing but signatures reads as detached from the letter (and could be
 * attached to another). Widow and orphan control keeps paragraphs together (README); nothing
 * keeps the closing paragraph with the signatures. Every letter of the Loiret is laid out so.
 */
const EXTRA =
  "\n\nLa commune {{de commune}} compte {{commune.population}} habitants ; chacun d'eux peut relayer cet appel auprès de ses proches, de ses voisins et des professionnels de santé qu'il connaît, retraités ou en activité, et les inviter à s'inscrire sans attendre sur la plateforme régionale.\n\nNous savons pouvoir compter sur la mobilisation de la commune {{de commune}} et de ses habitants.\n";

describe('a letter whose body fills its first page', () => {
  it('keeps at least the closing paragraph on the page of the signatures', async () => {
    const dir = sampleCampaign();
    const path = join(dir, 'templates', 'lettre.hbs');
    const template = readFileSync(path, 'utf8');
    expect(template).toContain("\n\nNous vous prions d'agréer");
    writeFileSync(path, template.replace("\n\nNous vous prions d'agréer", `${EXTRA}\nNous vous prions d'agréer`));
    const letters = await relais(['-C', dir, 'letters', '--commune', '45234']);
    expect(letters.code, letters.stderr).toBe(0);
    const pdf = await readPdf(join(dir, 'out/lettres/45/45234-orleans.pdf'));
    const signature = pdf.items.find((i) => i.str.includes('Pierre POUËSSEL'));
    expect(signature, 'the préfet signs the letter').toBeDefined();
    const closing = pdf.items.find((i) => i.str.includes("Nous vous prions d'agréer"));
    expect(closing, 'the letter has its closing formula').toBeDefined();
    // It used to put the closing formula at the foot of page 1 and the signatures alone on page 2.
    expect(closing!.page, 'the signatures are alone on their page, away from the text').toBe(signature!.page);
  });
});
