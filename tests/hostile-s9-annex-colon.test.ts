import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { readPdf } from './helpers/pdf.js';

/**
 * French puts a space before « : » (the sample's own LinkedIn message: « retraités : vous êtes »),
 * and the line must never break there: a line that starts with a colon is a typesetting fault a
 * secretary sees at once. The letter's body binds the colon to its word (README: « espace
 * insécable avant : »); the annex's cells, the messages the mayors are asked to copy, do not:
 * this message breaks after « techniques » and its second line starts with « : les
 * établissements ». Keeping the text as written for copying is right; breaking the line at that
 * space is not.
 */
const MESSAGE =
  '1. Professionnels de santé, actifs ou retraités, soignants, administratifs ou techniques : les établissements de notre région ont besoin de vous pour faire face aux semaines qui viennent. Inscrivez-vous sur la plateforme régionale, indiquez votre métier et vos disponibilités, et vous serez contacté quand une mission vous sera proposée.';

describe('a message of the annex with « : » where its line is full', () => {
  it('never starts a line of the annex with the colon', async () => {
    const dir = sampleCampaign();
    writeFileSync(join(dir, 'templates', 'linkedin.hbs'), `${MESSAGE}\n`);
    const letters = await relais(['-C', dir, 'letters', '--commune', '45234']);
    expect(letters.code, letters.stderr).toBe(0);
    const pdf = await readPdf(join(dir, 'out/lettres/45/45234-orleans.pdf'));
    const annex = pdf.items.filter((i) => i.page > 1 && i.str.trim());
    expect(annex.some((i) => i.str.includes('Professionnels de santé')), 'the message is in the annex').toBe(true);
    // It used to print « …administratifs ou techniques » then, on the next line, « : les établissements… ».
    expect(annex.filter((i) => /^\s*[:;!?»]/.test(i.str)).map((i) => i.str)).toEqual([]);
  });
});
