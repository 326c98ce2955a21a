import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { loadedPackages } from './helpers/loaded.js';
import { relais, relaisJson } from './helpers/cli.js';
import fc from 'fast-check';
import { CharacterScan, fontCoverage, undrawableCharacters, type Coverage } from '../src/text/font-coverage.js';
import { shippedFontPath } from '../src/letters/font-files.js';

interface Problem {
  file?: string;
  line?: number;
  field?: string;
  kind: string;
  message: string;
}

describe('relais check: characters the letters fonts cannot draw', () => {
  it('an emoji in the letter template and a Chinese mayor name: each said with its code point, its first letter and its line', async () => {
    const dir = sampleCampaign();
    const template = join(dir, 'templates', 'lettre.hbs');
    const source = readFileSync(template, 'utf8');
    // The salutation line also prints the mayor's name: the data reaches the letter.
    const withName = source
      .replace('nos salutations distinguées.', 'nos salutations distinguées 🙂.')
      .replace('{{salutation maire}}{{/if}},\n', '{{salutation maire}}{{/if}}{{#if maire}} ({{maire.nom}}){{/if}},\n');
    expect(withName).toContain('({{maire.nom}})');
    writeFileSync(template, withName);
    const mayors = join(dir, 'data', 'maires.csv');
    const lines = readFileSync(mayors, 'utf8').split('\n');
    const row = lines.findIndex((l) => l.includes(';45234;Orléans;'));
    lines[row] = lines[row]!.replace(/;45234;Orléans;[^;]*;/, ';45234;Orléans;中;');
    writeFileSync(mayors, lines.join('\n'));

    const { code, json } = await relaisJson<{ ok: boolean; errors: Problem[] }>(['-C', dir, 'check']);
    expect(code).toBe(1);
    expect(json.ok).toBe(false);
    const undrawable = json.errors.filter((e) => e.kind === 'caractere-non-dessinable');
    expect(undrawable).toHaveLength(2);
    expect(undrawable[0]).toMatchObject({ file: 'data/maires.csv', line: row + 1, field: 'maire' });
    expect(undrawable[0]!.message).toContain("la lettre d'Orléans (45234) contiendrait « 中 » (U+4E2D), un caractère que la police ne sait pas dessiner");
    expect(undrawable[0]!.message).toContain('Corrigez cette ligne');
    expect(undrawable[1]).toMatchObject({ file: 'templates/lettre.hbs' });
    expect(undrawable[1]!.message).toMatch(/^la lettre d.+ \(\d{5}\) contiendrait « 🙂 » \(U\+1F642\)/);
    expect(undrawable[1]!.message).toContain('Retirez-le du modèle de la lettre');

    // letters stops on the same words, before writing anything.
    const letters = await relais(['-C', dir, 'letters']);
    expect(letters.code).toBe(1);
    expect(letters.stderr).toContain('« 中 » (U+4E2D)');
    expect(letters.stderr).toContain("rien n'a été produit");
  });

  it('the character map read without the font engine agrees with the letters on what is drawable', () => {
    const fonts = (['regular', 'bold'] as const).map((s) => fontCoverage(readFileSync(shippedFontPath(s)))!);
    expect(undrawableCharacters(['Orléans, le 10 avril « Œuvre » 2 100 €\u202f!', 'MAIRIE D’ÎLE-D’YEU', 'x\u0000\t '], fonts)).toEqual([]);
    expect(undrawableCharacters(['🙂 中 ア a', '中'], fonts)).toEqual(['ア', '中', '🙂']);
    // Code point by code point, what fontkit (the letters' engine) finds in the same files.
    for (const style of ['regular', 'bold'] as const) {
      const bytes = readFileSync(shippedFontPath(style));
      const font = fontkit.create(bytes) as fontkit.Font;
      const covers = fontCoverage(bytes)!;
      const disagree: number[] = [];
      for (let cp = 0; cp < 0x3100; cp++) if (covers(cp) !== ((font.glyphForCodePoint(cp)?.id ?? 0) !== 0)) disagree.push(cp);
      for (const cp of [0x1f642, 0x1d400, 0x20000]) if (covers(cp) !== ((font.glyphForCodePoint(cp)?.id ?? 0) !== 0)) disagree.push(cp);
      expect(disagree).toEqual([]);
    }
    // A damaged font: unknown, never a false alarm.
    expect(fontCoverage(Buffer.from('pas une police'))).toBeUndefined();
  });

  it('the scan that passes over lines of printable ASCII finds what a scan of every character finds (property)', () => {
    // Every character of every text, asked of every font: the general path.
    const general = (texts: string[], fonts: Coverage[]) =>
      [...new Set(texts.flatMap((t) => [...t]).map((ch) => ch.codePointAt(0)!))]
        .filter((cp) => !(cp >= 0xd800 && cp <= 0xdfff) && !/[\s\u0000-\u001f]/u.test(String.fromCodePoint(cp)) && fonts.some((covers) => !covers(cp)))
        .sort((a, b) => a - b)
        .map((cp) => String.fromCodePoint(cp));
    const shipped = (['regular', 'bold'] as const).map((s) => fontCoverage(readFileSync(shippedFontPath(s)))!);
    // A font without « Q » nor « ~ »: lines of ASCII must then be read character by character.
    const noQ: Coverage = (cp) => cp !== 0x51 && cp !== 0x7e && shipped[0]!(cp);
    const text = fc.string({ unit: fc.oneof(fc.constantFrom(...'MAIRIE DE 45000 ORLEANS Q~é’中\t'.split('')), fc.string({ unit: 'grapheme', maxLength: 1 })), maxLength: 30 });
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), (texts) => {
        for (const fonts of [shipped, [shipped[0]!, noQ]]) {
          const scan = new CharacterScan(fonts);
          for (const t of texts) scan.add(t);
          expect(scan.undrawable()).toEqual(general(texts, fonts));
        }
      }),
      { numRuns: 500, seed: 5 },
    );
    expect(undrawableCharacters(['MAIRIE DE QUIMPER', 'A~B'], [shipped[0]!, noQ])).toEqual(['Q', '~']);
  });

  it('check on the sample loads neither the font engine nor the CSV parser (module hook, not a timing)', () => {
    const r = loadedPackages(['-C', sampleCampaign(), 'check']);
    expect(r.code).toBe(0);
    const packages = r.packages;
    expect(packages.has('handlebars')).toBe(true);
    expect(['fontkit', 'brotli', 'restructure', 'pdfkit', 'csv-parse'].filter((p) => packages.has(p))).toEqual([]);
  });
});
