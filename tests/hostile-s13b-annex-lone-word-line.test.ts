import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { CONTENT_WIDTH, FONT_SIZE, mm } from '../src/letters/geometry.js';
import { boundWords, breakLines, wordText } from '../src/letters/paragraph.js';

/**
 * The annex's messages are ragged-right text, laid out as src/letters/letter-annex.ts does:
 * layoutText(…, message.texte, col2 − 2 × pad, 'left', 'bound'), that is breakLines(boundWords(…),
 * …, hyphenate = false) in a cell of CONTENT_WIDTH − 34 mm − 5 mm. A Facebook message of plain
 * sentences (the same three, as a campaign repeats its call) comes out with a line holding one
 * word, « plateforme : », in the middle of the message (51 pt of a 371 pt cell), and a first line
 * that stops at 290 pt although the next word (« dès ») fits:
 *   Les professionnels de santé, actifs ou retraités, sont invités à s'inscrire
 *   dès aujourd'hui ; chaque inscription compte ! Pourquoi attendre ? Rendez-vous sur la
 *   plateforme :
 *   l'inscription prend cinq minutes. Les professionnels de santé, actifs ou retraités, sont
 * (`relais letters`, page of the annex rendered with pdftoppm: the same lone « plateforme : » line
 * in each paragraph of the message). The mayor's secretary sees a message that seems to hold a line
 * break the message does not have, and copies it by hand with one. The breaker scores ragged lines
 * as if they were to be justified (gaps stretched beyond 2 spaces are « over »), so a line with no
 * gap at all can come out cheapest.
 */
const require = createRequire(import.meta.url);
const font = fontkit.create(readFileSync(require.resolve('@expo-google-fonts/source-sans-3/400Regular/SourceSans3_400Regular.ttf'))) as fontkit.Font;
const measure = (t: string): number => (font.layout(t).advanceWidth * FONT_SIZE.body) / font.unitsPerEm;
const CELL = CONTENT_WIDTH - mm(34) - 2 * mm(2.5);

const SENTENCES = "Les professionnels de santé, actifs ou retraités, sont invités à s'inscrire dès aujourd'hui ; chaque inscription compte ! Pourquoi attendre ? Rendez-vous sur la plateforme : l'inscription prend cinq minutes.";

describe('a message of the annex, ragged right in its cell', () => {
  it('has no line but the last shorter than half the cell', () => {
    const message = [SENTENCES, SENTENCES, SENTENCES].join(' ');
    const lines = breakLines(boundWords(message), CELL, measure, measure(' '), false);
    const texts = lines.map((l) => l.words.map(wordText).join(' '));
    expect(texts.join(' ')).toBe(message);
    const short = texts.slice(0, -1).filter((t) => measure(t) < CELL / 2);
    expect(short, texts.join('\n')).toEqual([]);
  });
});
