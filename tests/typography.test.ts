import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annexCount } from '../src/campaign/messages.js';
import { checkChannel } from '../src/channels/index.js';
import { frenchSpacing } from '../src/text/french.js';
import { hyphenationPoints, showHyphenation } from '../src/text/hyphenate.js';

const NNBSP = '\u202f';
const NBSP = '\u00a0';

describe('French hyphenation', () => {
  it.each([
    ['inscription', 'ins-crip-tion'],
    ['vaccination', 'vac-ci-na-tion'],
    ['départementale', 'dé-par-te-men-tale'],
    ['établissements', 'éta-blis-se-ments'],
    ['professionnels', 'pro-fes-sion-nels'],
    ['mobilisation', 'mo-bi-li-sa-tion'],
    ['insuffisante', 'in-suf-fi-sante'],
    // Elided article kept whole, punctuation after the word never carried alone.
    ["l'inscription", "l'ins-crip-tion"],
    ['l’établissement', 'l’éta-blis-se-ment'],
    ['volontaires.', 'vo-lon-taires.'],
    ['sociaux.', 'so-ciaux.'],
  ])('%s → %s', (word, expected) => {
    expect(showHyphenation(word)).toBe(expected);
  });

  it.each([
    ['court', 'shorter than 6 letters'],
    ['santé.', 'five letters and a full stop'],
    ['Inscrivez-vous', 'a hard hyphen'],
    ['médico-sociaux', 'a hard hyphen'],
    ['Orléans', 'a capitalised name'],
    ['Centre-Val', 'a capitalised name'],
    ['www.renfort-covid.fr', 'an address'],
    ['https://www.renfort-covid.fr', 'a URL'],
    ['contact@ars.sante.fr', 'an e-mail address'],
    ['2\u202f100', 'a number'],
    ['covid19', 'letters and digits'],
    ['aujourd’hui', 'an apostrophe inside'],
  ])('leaves %s whole (%s)', (word) => {
    expect(hyphenationPoints(word)).toEqual([]);
  });

  it('keeps at least 2 letters before a cut and 3 after it', () => {
    for (const word of ['inscription', 'départementale', 'établissements', 'agréer', 'réseaux', 'épidémie', 'occasionne']) {
      for (const p of hyphenationPoints(word)) {
        expect(p).toBeGreaterThanOrEqual(2);
        expect(word.length - p).toBeGreaterThanOrEqual(3);
      }
    }
  });
});

describe('frenchSpacing', () => {
  it.each([
    ['Les résultats sont encourageants : pas moins de 2 100.', `Les résultats sont encourageants${NBSP}: pas moins de 2 100.`],
    ['Pourquoi ? Parce que !', `Pourquoi${NNBSP}? Parce que${NNBSP}!`],
    ['Pourquoi? Parce que!', `Pourquoi${NNBSP}? Parce que${NNBSP}!`],
    ['un ; deux', `un${NNBSP}; deux`],
    ['Vraiment ?!', `Vraiment${NNBSP}?!`],
    ['« Inscrivez-vous »', `«${NNBSP}Inscrivez-vous${NNBSP}»`],
    ['«Inscrivez-vous»', `«${NNBSP}Inscrivez-vous${NNBSP}»`],
    [`«${NBSP}Bravo${NBSP}!${NBSP}»`, `«${NNBSP}Bravo${NNBSP}!${NNBSP}»`],
    ['Objet: appel', `Objet${NBSP}: appel`],
    ['(vraiment ?)', `(vraiment${NNBSP}?)`],
  ])('%j → %j', (text, expected) => {
    expect(frenchSpacing(text)).toBe(expected);
  });

  it.each([
    'Rendez-vous à 14:30 en mairie.',
    'Voir https://www.renfort-covid.fr/?source=mairie&x=1 et www.exemple.fr/page?id=3.',
    'Écrire à mailto:contact@ars.fr ou contact@ars.fr.',
    'Le lien [www.renfort-covid.fr](https://www.renfort-covid.fr/inscription?x=1).',
    'ratio a:b, question a?b',
    `Déjà correct${NNBSP}; vraiment${NNBSP}!`,
    '',
  ])('leaves %j as it is', (text) => {
    expect(frenchSpacing(text)).toBe(text);
  });

  it('is idempotent', () => {
    const alphabet = fc.constantFrom('a', 'é', 'Z', '1', '4', ' ', NBSP, NNBSP, '\u2009', '\n', ';', ':', '!', '?', '«', '»', '.', ',', '(', ')', '[', ']', '/', '@', '-', 'https://', 'www.', 'mailto:');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), (text) => {
        const once = frenchSpacing(text);
        expect(frenchSpacing(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('changes nothing but spaces', () => {
    const alphabet = fc.constantFrom('a', 'é', '1', ' ', NBSP, NNBSP, ';', ':', '!', '?', '«', '»', '.', '/', 'https://');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }).map((a) => a.join('')), (text) => {
        const strip = (t: string) => t.replace(/[ \u00a0\u202f\u2009]/g, '');
        expect(strip(frenchSpacing(text))).toBe(strip(text));
      }),
    );
  });
});

describe('annex counts for mayors', () => {
  const seedTweet =
    "Professionnels volontaires, actifs/retraités, soignants ou non, pour venir en renfort ds la crise Covid, faites-vous connaitre sur l'appli Medgo. Inscrivez-vous et recevez 1 notification qd 1 établt de votre zone a besoin de renfort https://bit.ly/2WQSVGW #renfortscovid";

  it.each([
    ['sms', '1 SMS', 'Bonjour'],
    ['sms', '2 SMS', 'a'.repeat(161)],
    ['sms', '3 SMS', 'é'.repeat(328)],
    ['sms', '2 SMS', 'ê'.repeat(71)],
    ['sms', `1${NNBSP}200 SMS`, 'a'.repeat(153 * 1200)],
    ['twitter', '271 caractères sur 280', seedTweet],
    ['twitter', '1 caractère sur 280', 'a'],
    ['twitter', `1${NNBSP}500 caractères sur 280`, 'a'.repeat(1500)],
    ['facebook', '', 'Un message Facebook'],
    ['linkedin', '', 'Un message LinkedIn'],
  ] as const)('%s → %j', (channel, expected, text) => {
    expect(annexCount(checkChannel(channel, text))).toBe(expected);
  });
});
