import { describe, expect, it } from 'vitest';
import type { LetterModel } from '../src/campaign/letter.js';
import { checkChannel, countLabel } from '../src/channels/index.js';
import { LetterFactory } from '../src/letters/fast.js';
import { loadFonts } from '../src/letters/fonts.js';
import { drawLetter, finish, newDocument, type DrawOptions } from '../src/letters/layout.js';
import { breakLines, words } from '../src/letters/paragraph.js';
import { townHallAddress } from '../src/text/address.js';
import { readPdf } from './helpers/pdf.js';

const fonts = loadFonts();
const options: DrawOptions = { issuer: { authority: 'PRÉFÈTE DE LA MARNE', coIssuer: ['Agence régionale de santé Grand Est'] }, platformUrl: 'https://www.renfort-covid.fr' };
const sms = 'Inscrivez-vous sur www.renfort-covid.fr';

function letter(adresse: string[]): LetterModel {
  const result = checkChannel('sms', sms);
  return {
    lieuDate: 'Châlons-en-Champagne, le vendredi 10 avril 2020',
    objet: 'Appel à volontaires',
    adresse,
    paragraphs: ['Madame la Maire,', 'Pas moins de 2\u202f100 volontaires sur [www.renfort-covid.fr](https://www.renfort-covid.fr).', 'Salutations.'],
    signatures: [
      { nom: 'Claire DUPONT', titre: ['Préfète de la Marne'] },
      { nom: 'Jean MARTIN', titre: ["Directeur général de l'ARS", 'Grand Est'] },
    ],
    annexe: [{ channel: 'sms', texte: sms, result, compte: countLabel(result) }],
  };
}

const name60 = 'Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson-la-Grande-Rues';

describe('letter layout', () => {
  it('keeps a 60-character commune name inside the window, by the address rule', async () => {
    expect(name60).toHaveLength(60);
    const block = townHallAddress({ communeName: name60, typeLiaison: 0, mayorSex: 'F', street: '1 rue de la Mairie', postalCode: '51290' });
    expect(block.lines.every((l) => l.length <= 38)).toBe(true);
    const pdf = await readPdf(await new LetterFactory(fonts, options).render(letter(block.lines), { title: 't', author: 'a', subject: 's' }));
    const lines = pdf.items.filter((i) => i.page === 1 && block.lines.includes(i.str));
    expect(lines.map((l) => l.str)).toEqual(block.lines);
    for (const l of lines) {
      expect(l.x).toBeGreaterThanOrEqual(109.9);
      expect(l.x + l.width).toBeLessThanOrEqual(200);
      expect(l.top).toBeLessThanOrEqual(80);
    }
  });

  it('draws the address at the same place through the shared base as through a full layout', async () => {
    const adresse = ["MAIRIE D'EPERNAY", 'MADAME LA MAIRE', '7 BIS AVENUE DE CHAMPAGNE', '51200 EPERNAY'];
    const fast = await readPdf(await new LetterFactory(fonts, options).render(letter(adresse), { title: 't', author: 'a', subject: 's' }));
    const doc = newDocument(fonts, { title: 't', author: 'a', subject: 's' });
    await drawLetter(doc, letter(adresse), options);
    const full = await readPdf(await finish(doc));
    const at = (pdf: typeof fast) => pdf.items.filter((i) => adresse.includes(i.str)).map((i) => [i.str, i.x.toFixed(1), i.top.toFixed(1)]);
    expect(at(fast)).toEqual(at(full));
    expect(fast.text.join(' ')).toContain('Pas moins de 2');
  });

  it('falls back to the full layout for characters outside the shared glyphs', async () => {
    const pdf = await readPdf(await new LetterFactory(fonts, options).render(letter(['MAIRIE DE ØSTBY', '99999 ØSTBY']), { title: 't', author: 'a', subject: 's' }));
    expect(pdf.items.some((i) => i.str === 'MAIRIE DE ØSTBY')).toBe(true);
  });
});

describe('justified paragraphs', () => {
  it('keeps a link and its punctuation in one word, and breaks only at ordinary spaces', () => {
    const list = words('Voir [x.fr](https://x.fr). Pas moins de 2\u202f100 volontaires.');
    expect(list.map((w) => w.map((p) => p.text).join(''))).toEqual(['Voir', 'x.fr.', 'Pas', 'moins', 'de', '2\u202f100', 'volontaires.']);
    expect(list[1]).toEqual([{ text: 'x.fr', link: 'https://x.fr' }, { text: '.' }]);
  });

  it('fills lines without exceeding the width', () => {
    const measure = (t: string) => t.length;
    const lines = breakLines(words('aa bb cc dd ee ff'), 8, measure, 1);
    expect(lines.map((l) => l.words.length)).toEqual([3, 3]);
    expect(lines.every((l) => l.natural <= 8)).toBe(true);
    expect(lines.at(-1)!.last).toBe(true);
  });
});
