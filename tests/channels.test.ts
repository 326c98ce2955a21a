import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkChannel, countLabel } from '../src/channels/index.js';
import { escapeLittleText } from '../src/channels/linkedin.js';
import { countSms, nonGsmCharacters, toGsm7 } from '../src/channels/sms.js';
import { checkTwitter } from '../src/channels/twitter.js';

const SEED_SMS =
  'Covid19 Professionnels volontaires, actifs/retraités, soignants, administratifs ou techniques, pour venir en renfort dans la crise Covid, faites-vous connaitre sur l\'appli "Medgo". - Inscrivez-vous. - Recevez 1 notification quand 1 établissement de votre zone a besoin de renfort Toutes les informations sur www.renfort-covid.fr';
const SEED_TWEET =
  "Professionnels volontaires, actifs/retraités, soignants ou non, pour venir en renfort ds la crise Covid, faites-vous connaitre sur l'appli Medgo. Inscrivez-vous et recevez 1 notification qd 1 établt de votre zone a besoin de renfort https://bit.ly/2WQSVGW #renfortscovid";

describe('SMS (GSM 03.38)', () => {
  it('counts the seed SMS as GSM-7, 328 characters, 3 parts', () => {
    const r = checkChannel('sms', SEED_SMS);
    expect(r).toMatchObject({ encoding: 'GSM-7', length: 328, parts: 3, valid: true, problems: [] });
    expect(countLabel(r)).toBe('3 SMS, GSM-7, 328 caractères');
  });

  it.each([
    ['a'.repeat(160), 'GSM-7', 160, 1],
    ['a'.repeat(161), 'GSM-7', 161, 2],
    ['a'.repeat(306), 'GSM-7', 306, 2],
    ['a'.repeat(307), 'GSM-7', 307, 3],
    ['€'.repeat(80), 'GSM-7', 160, 1],
    ['{'.repeat(81), 'GSM-7', 162, 2],
    // An escape pair is never split: 152 + 2 does not fit in a 153-septet part.
    [`${'a'.repeat(152)}€${'a'.repeat(10)}`, 'GSM-7', 164, 2],
    [`${'a'.repeat(152)}€${'a'.repeat(152)}`, 'GSM-7', 306, 3],
    ['é è ù ì ò à É', 'GSM-7', 13, 1],
    ['ê'.repeat(70), 'UCS-2', 70, 1],
    ['ê'.repeat(71), 'UCS-2', 71, 2],
    ['ê'.repeat(134), 'UCS-2', 134, 2],
    ['ê'.repeat(135), 'UCS-2', 135, 3],
    ['😀'.repeat(35), 'UCS-2', 70, 1],
    ['', 'GSM-7', 0, 0],
  ])('%#: %s', (text, encoding, length, parts) => {
    expect(countSms(text)).toEqual({ encoding, length, parts });
  });

  it('lists the characters that force UCS-2 and suggests a GSM-7 text, without applying it', () => {
    const text = 'Vous êtes « prêts » ? L’hôpital — merci';
    expect(nonGsmCharacters(text)).toEqual(['ê', '«', '»', '’', 'ô', '—']);
    const r = checkChannel('sms', text);
    expect(r.encoding).toBe('UCS-2');
    expect(r.valid).toBe(true);
    expect(r.suggestion?.text).toBe('Vous etes " prets " ? L\'hopital - merci');
    expect(countSms(r.suggestion!.text).encoding).toBe('GSM-7');
    expect(r.problems[0]?.severity).toBe('warning');
  });

  it('refuses an emoji, and warns beyond 6 parts', () => {
    const emoji = checkChannel('sms', 'Inscrivez-vous 👉 www.renfort-covid.fr');
    expect(emoji.valid).toBe(false);
    expect(emoji.problems[0]?.message).toContain('émoji');
    const long = checkChannel('sms', 'a'.repeat(1000));
    expect(long.parts).toBe(7);
    expect(long.valid).toBe(true);
    expect(long.problems).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('7 SMS') })]);
  });

  const gsmText = fc.string({ unit: fc.constantFrom(...'abcXYZ 0123.,;éèàùÉ@£$€{}[]~^|\\\n'), maxLength: 1200 });

  it('parts never decrease as the text grows', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), fc.string({ unit: 'binary', maxLength: 50 }), (a, b) => {
        expect(countSms(a + b).parts).toBeGreaterThanOrEqual(countSms(a).parts);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it('a GSM-7 text gains at most one part per 153 characters', () => {
    fc.assert(
      fc.property(gsmText, gsmText, (a, b) => {
        const before = countSms(a);
        const after = countSms(a + b);
        expect(after.encoding).toBe('GSM-7');
        expect(after.parts - before.parts).toBeLessThanOrEqual(Math.ceil(countSms(b).length / 153) + 1);
        expect(after.parts).toBeLessThanOrEqual(Math.max(1, Math.ceil(after.length / 152)));
      }),
      { numRuns: 1000, seed: 8 },
    );
  });

  it('one non-GSM character switches the whole text to UCS-2', () => {
    fc.assert(
      fc.property(gsmText, fc.constantFrom('ê', 'â', 'î', 'ô', 'û', 'ë', 'ï', 'œ', '’', '“', '😀', '中'), fc.nat(), (text, odd, at) => {
        const i = text.length === 0 ? 0 : at % text.length;
        const mixed = text.slice(0, i) + odd + text.slice(i);
        expect(countSms(mixed).encoding).toBe('UCS-2');
        expect(countSms(mixed).length).toBe(mixed.length);
      }),
      { numRuns: 1000, seed: 9 },
    );
  });

  it('toGsm7 keeps GSM-7 texts unchanged', () => {
    fc.assert(
      fc.property(gsmText, (t) => {
        expect(toGsm7(t)).toBe(t);
      }),
      { numRuns: 300, seed: 10 },
    );
  });
});

describe('X weighted length (twitter-text v3), pinned', () => {
  it.each([
    [SEED_TWEET, 271],
    ['https://www.renfort-covid.fr/une/adresse/tres/longue/qui/compte/quand/meme/vingt-trois', 23],
    ['Inscrivez-vous sur www.renfort-covid.fr', 42],
    ['é'.repeat(10), 10],
    ['中'.repeat(10), 20],
    ['😀', 2],
    ['👩‍⚕️', 2],
    ['e\u0301', 1],
    ['a\u202fb', 4],
    ['a\u00a0b', 3],
  ])('%#: %s weighs %i', (text, weight) => {
    expect(checkTwitter(text).weightedLength).toBe(weight);
  });

  it('the seed tweet is valid; 281 weighted characters are not', () => {
    expect(checkTwitter(SEED_TWEET)).toMatchObject({ valid: true, length: 271, limit: 280 });
    const tooLong = checkTwitter('a'.repeat(281));
    expect(tooLong.valid).toBe(false);
    expect(tooLong.problems[0]?.message).toContain('1 de trop');
  });
});

describe('LinkedIn little text', () => {
  it('escapes reserved characters and keeps hashtags as hashtags', () => {
    expect(escapeLittleText('#renfortscovid Infos (détails) sur www.x.fr')).toBe('{hashtag|\\#|renfortscovid} Infos \\(détails\\) sur www.x.fr');
    expect(escapeLittleText('a_b*c~d<e>f[g]h{i}j|k\\l@m')).toBe('a\\_b\\*c\\~d\\<e\\>f\\[g\\]h\\{i\\}j\\|k\\\\l\\@m');
    expect(escapeLittleText('C# et #1 et fin #')).toBe('C\\# et {hashtag|\\#|1} et fin \\#');
  });

  it('counts the length after escaping', () => {
    const full = '()'.repeat(800);
    const r = checkChannel('linkedin', full);
    expect(r.length).toBe(3200);
    expect(r.valid).toBe(false);
    expect(r.problems[0]?.message).toContain('200 de trop');
    expect(checkChannel('linkedin', 'a'.repeat(3000)).valid).toBe(true);
  });
});

describe('Facebook and email subject', () => {
  it('limits Facebook to 63,206 characters', () => {
    expect(checkChannel('facebook', 'a'.repeat(63206)).valid).toBe(true);
    expect(checkChannel('facebook', 'a'.repeat(63207)).valid).toBe(false);
  });

  it('warns on a subject over 78 characters', () => {
    const r = checkChannel('courriel-objet', 'x'.repeat(79));
    expect(r.valid).toBe(true);
    expect(r.problems[0]?.severity).toBe('warning');
  });
});
