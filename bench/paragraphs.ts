/**
 * Micro-bench of the letter's line breaking (`node dist/bench/paragraphs.js`): on the body
 * paragraphs of the two seed letters, the widest word gap and the runts of the former greedy
 * breaking and of breakLines, and the time breakLines takes per paragraph. Figures only, no verdict.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import { CONTENT_WIDTH, FONT_SIZE } from '../src/letters/geometry.js';
import { breakLines, RUNT_SHARE, wordText, words, type Line, type Word } from '../src/letters/paragraph.js';
import { packageRoot } from '../src/paths.js';
import { fmt } from './measure.js';

const require = createRequire(import.meta.url);
const font = fontkit.create(readFileSync(require.resolve('@expo-google-fonts/source-sans-3/400Regular/SourceSans3_400Regular.ttf'))) as fontkit.Font;
const cache = new Map<string, number>();
const measure = (t: string): number => {
  let w = cache.get(t);
  if (w === undefined) {
    w = (font.layout(t).advanceWidth * FONT_SIZE.body) / font.unitsPerEm;
    cache.set(t, w);
  }
  return w;
};
const space = measure(' ');
const MM = 25.4 / 72;

const links: Array<[RegExp, string]> = [
  [/\[Twitter\]\([^)]*\)/, '[Twitter](https://twitter.com/ARS_CVL)'],
  [/\[LinkedIn\]\([^)]*\)/, '[LinkedIn](https://www.linkedin.com/company/ars-centre-val-de-loire)'],
  [/plateforme www\.renfort-covid\.fr\./, 'plateforme [www.renfort-covid.fr](https://www.renfort-covid.fr).'],
];
const paragraphs = ['000_c2019070694245df.txt', '001_48eb52ceb2d39c1c.txt'].flatMap((file) => {
  const all = readFileSync(join(packageRoot(), 'tests', 'fixtures', 'seeds', file), 'utf8')
    .split('Annexe :')[0]!
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  return all.slice(all.findIndex((p) => p.startsWith('Devant')), all.findIndex((p) => p.startsWith('Nous vous prions')) + 1).map((p) => links.reduce((t, [re, to]) => t.replace(re, to), p));
});

/** The words as relais split them before: no French spacing, links printed without their address. */
function formerWords(paragraph: string): Word[] {
  const out: Word[] = [];
  let current: Word = [];
  const text = paragraph.replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$1');
  for (const part of text.split(' ')) {
    if (current.length) out.push(current);
    current = part ? [{ text: part }] : [];
  }
  if (current.length) out.push(current);
  return out;
}

/** The breaking relais used before: as many words as fit. */
function greedy(list: Word[]): Line[] {
  const lines: Line[] = [];
  let current: Word[] = [];
  let natural = 0;
  for (const word of list) {
    const w = measure(wordText(word));
    const added = current.length === 0 ? w : natural + space + w;
    if (current.length > 0 && added > CONTENT_WIDTH) {
      lines.push({ words: current, natural, last: false });
      current = [word];
      natural = w;
    } else {
      current.push(word);
      natural = added;
    }
  }
  if (current.length) lines.push({ words: current, natural, last: true });
  return lines;
}

function figures(name: string, split: (p: string) => Word[], breaker: (list: Word[]) => Line[]): void {
  let widest = 0;
  let runts = 0;
  let lines = 0;
  let cuts = 0;
  for (const p of paragraphs) {
    const list = split(p);
    const broken = breaker(list);
    lines += broken.length;
    const kept = new Set(list);
    cuts += broken.flatMap((l) => l.words).filter((w) => !kept.has(w)).length / 2;
    for (const l of broken) if (!l.last && l.words.length > 1) widest = Math.max(widest, space + (CONTENT_WIDTH - l.natural) / (l.words.length - 1));
    if (broken.length > 1 && broken.at(-1)!.natural < RUNT_SHARE * CONTENT_WIDTH) runts++;
  }
  process.stdout.write(`${name} : espace le plus large ${fmt(widest * MM, 2)} mm (normale ${fmt(space * MM, 2)} mm), ${runts} paragraphe(s) finissant sur une ligne courte, ${lines} lignes, ${cuts} coupure(s)\n`);
}

figures('avant (remplissage glouton)', formerWords, greedy);
figures('après (breakLines)', words, (list) => breakLines(list, CONTENT_WIDTH, measure, space));

// Timing in processor time (the machines are shared: wall time says more about the neighbours).
// The words of each paragraph are split again every time, as drawParagraph does.
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const first = cpu();
for (const p of paragraphs) breakLines(words(p), CONTENT_WIDTH, measure, space);
const cold = (cpu() - first) / paragraphs.length;
const rounds = 2000;
const time = (run: (p: string) => void): number => {
  const start = cpu();
  for (let r = 0; r < rounds; r++) for (const p of paragraphs) run(p);
  return ((cpu() - start) / (rounds * paragraphs.length)) * 1000;
};
const both = time((p) => breakLines(words(p), CONTENT_WIDTH, measure, space));
const split = time((p) => words(p));
const lists = new Map(paragraphs.map((p) => [p, words(p)]));
const alone = time((p) => breakLines(lists.get(p)!, CONTENT_WIDTH, measure, space));
process.stdout.write(`temps processeur par paragraphe (${paragraphs.length} paragraphes × ${rounds}) : breakLines ${fmt(alone, 1)} µs, words ${fmt(split, 1)} µs (mémorisé), les deux ${fmt(both, 1)} µs ; premier passage (césures à calculer) ${fmt(cold, 2)} ms\n`);
