import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleLoiret } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { flat, readPdf } from './helpers/pdf.js';

/**
 * The letter is dated « Orléans, le vendredi 10 avril 2020 » (campagne.date) and says « pas moins
 * de 2 100 volontaires sont à ce jour inscrits dans la région » from the sample's exports (2 148
 * sign-ups up to 10 April). Add to sources.inscriptions a later export holding 300 sign-ups made
 * in May 2020 — the agent who prepares the letters again downloads today's export — and the same
 * letter, still dated 10 April, says « pas moins de 2 400 volontaires sont à ce jour inscrits »:
 * a figure that was not true on the day the letter bears. Neither `check` nor `letters` says a
 * word (the « date in the future » rule only looks at the machine's clock). A mayor's secretary
 * reads a number that did not exist on that date. The user expects the letter's « à ce jour »
 * figure to count the sign-ups up to the letter's date (2 100), or the run to stop and name the
 * export whose sign-ups come after it.
 */
describe('letters: the « à ce jour » figure and sign-ups dated after the letter', () => {
  it('does not count, without a word, sign-ups made after the date the letter bears', async () => {
    const dir = sampleLoiret();
    const later = ['id;date_inscription;departement;code_postal;metier;categorie;statut'];
    for (let i = 0; i < 300; i++) later.push(`L${i};2020-05-${String((i % 20) + 1).padStart(2, '0')} 10:00;45;45000;Infirmier;soignant;inscrit`);
    writeFileSync(join(dir, 'data', 'mai.csv'), later.join('\n') + '\n');
    const yaml = join(dir, 'campagne.yaml');
    const text = readFileSync(yaml, 'utf8');
    expect(text).toContain('    - data/inscriptions.csv\n');
    writeFileSync(yaml, text.replace('    - data/inscriptions.csv\n', '    - data/inscriptions.csv\n    - data/mai.csv\n'));

    const r = await relais(['-C', dir, 'letters', '--commune', '45234']);
    expect(r.code, r.stderr).toBe(0);
    const letter = flat(await readPdf(join(dir, 'out', 'lettres', '45', '45234-orleans.pdf')));
    expect(letter).toMatch(/le vendredi 10 avril 2020/);
    // 2 148 sign-ups up to 10 April: « 2 100 », not « 2 400 » (which counts May's).
    const said = /pas moins de [\d\s\u202f\u00a0]+ volontaires/.exec(letter)?.[0];
    expect(said).toMatch(/pas moins de 2[\s\u202f\u00a0]100 volontaires/);
    // And the sign-ups left out of that figure are said, with their file.
    expect(r.stderr + r.stdout).toMatch(/mai\.csv/);
  });
});
