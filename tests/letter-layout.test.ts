import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LetterModel } from '../src/campaign/letter.js';
import { checkChannel, countLabel } from '../src/channels/index.js';
import { Composer, layoutText, type Node } from '../src/letters/compose.js';
import { loadFonts } from '../src/letters/fonts.js';
import { CONTENT_WIDTH, MARGIN, mm, PAGE } from '../src/letters/geometry.js';
import { jobCharacters, type RenderSetup } from '../src/letters/jobs.js';
import { drawLetter, finish, newDocument, type DrawOptions } from '../src/letters/layout.js';
import { breakLines, words } from '../src/letters/paragraph.js';
import { parseFont } from '../src/letters/typeset.js';
import { LetterWriter } from '../src/letters/writer.js';
import { townHallAddress } from '../src/text/address.js';
import { tempDir } from './helpers/campaign.js';
import { ensureDebianPackage } from './helpers/debian.js';
import { readPdf } from './helpers/pdf.js';

const fonts = loadFonts();
const sms = 'Inscrivez-vous sur www.renfort-covid.fr';

/** A small PNG drawn by hand: RGBA when `alpha`, so that pdfkit splits an SMask out of it. */
function png(width: number, height: number, alpha: boolean): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, alpha ? 6 : 2, 0, 0, 0], 8);
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) rows.push(0, 0, 0x91, ...(alpha ? [(x * 255) / width] : []).map(Math.round));
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from(rows))), chunk('IEND', Buffer.alloc(0))]);
}

const logo = png(120, 48, false);
const prefetSignature = png(200, 80, true);
const arsSignature = png(90, 90, true);

const options: DrawOptions = {
  issuer: { authority: 'PRÉFÈTE DE LA MARNE', coIssuer: ['Agence régionale de santé Grand Est'], logo },
  platformUrl: 'https://www.renfort-covid.fr',
  signatureImages: { prefet: prefetSignature, ars: arsSignature },
};

function letter(adresse: string[], first = 'Madame la Maire,'): LetterModel {
  const result = checkChannel('sms', sms);
  return {
    lieuDate: 'Châlons-en-Champagne, le vendredi 10 avril 2020',
    objet: 'Appel à volontaires',
    adresse,
    paragraphs: [first, 'Pas moins de 2\u202f100 volontaires sur [www.renfort-covid.fr](https://www.renfort-covid.fr). Suivez [notre compte Twitter](https://twitter.com/ARS_GE) pour la suite.', 'Salutations.'],
    signatures: [
      { nom: 'Claire DUPONT', titre: ['Préfète de la Marne'] },
      { nom: 'Jean MARTIN', titre: ["Directeur général de l'ARS", 'Grand Est'] },
    ],
    annexe: [{ channel: 'sms', texte: sms, result, compte: countLabel(result) }],
    supports: ['Vidéo de la campagne (MP4, 159 Ko) : https://www.renfort-covid.fr/medias/campagne.mp4'],
  };
}

const meta = { title: 'Lettre aux maires — Épernay (51230)', author: 'Préfète de la Marne', subject: 'Appel à volontaires' };

/** A writer subset for these letters, as a run subsets for its jobs. */
function writerFor(letters: LetterModel[]): LetterWriter {
  const setup: RenderSetup = { fonts, options: { '51': options } };
  const characters = jobCharacters(setup, [{ kind: 'letters', bases: Object.fromEntries(letters.map((l, i) => [String(i), l])), items: letters.map((l, i) => ({ key: String(i), dep: '51', adresse: l.adresse, meta, path: '' })) }]);
  return new LetterWriter(fonts, characters, new Date('2026-04-10T08:30:00Z'));
}

/** Decompressed content streams of a PDF, concatenated. */
function contents(pdf: Buffer): string {
  const text = pdf.toString('latin1');
  let out = '';
  for (const m of text.matchAll(/stream\n/g)) {
    const start = (m.index ?? 0) + m[0].length;
    try {
      out += inflateSync(pdf.subarray(start, text.indexOf('\nendstream', start))).toString('latin1') + '\n';
    } catch {
      // Not a deflated stream (the XMP metadata).
    }
  }
  return out;
}

interface StructNode {
  role?: string;
  alt?: string;
  children?: StructNode[];
}

async function structRoles(pdf: Buffer): Promise<{ roles: string[]; alts: string[] }> {
  const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  const roles: string[] = [];
  const alts: string[] = [];
  const walk = (n: StructNode) => {
    if (n.role) roles.push(n.role);
    if (n.alt) alts.push(n.alt);
    for (const c of n.children ?? []) walk(c);
  };
  for (let i = 1; i <= doc.numPages; i++) walk((await (await doc.getPage(i)).getStructTree()) as StructNode);
  await doc.destroy();
  return { roles, alts };
}

const address = ["MAIRIE D'EPERNAY", 'MADAME LA MAIRE', '7 BIS AVENUE DE CHAMPAGNE', '51200 EPERNAY'];

describe('letter serializer', () => {
  let fast: Buffer;
  let dir: string;

  beforeAll(async () => {
    ensureDebianPackage('/usr/bin/pdfinfo', 'poppler-utils');
    ensureDebianPackage('/usr/bin/qpdf', 'qpdf');
    fast = await writerFor([letter(address)]).letter(letter(address), options, meta);
    dir = tempDir();
    writeFileSync(join(dir, 'lettre.pdf'), fast);
  }, 900_000);

  it('keeps a 60-character commune name inside the window, by the address rule', async () => {
    const name60 = 'Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson-la-Grande-Rues';
    const block = townHallAddress({ communeName: name60, typeLiaison: 0, mayorSex: 'F', street: '1 rue de la Mairie', postalCode: '51290' });
    expect(block.lines.every((l) => l.length <= 38)).toBe(true);
    const pdf = await readPdf(await writerFor([letter(block.lines)]).letter(letter(block.lines), options, meta));
    const lines = pdf.items.filter((i) => i.page === 1 && block.lines.includes(i.str));
    expect(lines.map((l) => l.str)).toEqual(block.lines);
    for (const l of lines) {
      expect(l.x).toBeGreaterThanOrEqual(109.9);
      expect(l.x + l.width).toBeLessThanOrEqual(200);
      expect(l.top).toBeLessThanOrEqual(80);
    }
  });

  it('writes the same text, in the same order, as the pdfkit reference layout', async () => {
    const doc = newDocument(fonts, meta);
    await drawLetter(doc, letter(address), options);
    const reference = await finish(doc);
    const wordsOf = async (pdf: Buffer) => (await readPdf(pdf)).text.join(' ').split(/[\s\u00a0\u202f]+/).filter(Boolean);
    const a = await wordsOf(fast);
    expect(a).toContain('2');
    expect(a).toEqual(await wordsOf(reference));
    // pdftotext, the other reader named by the issue, reads the same words.
    const poppler = execFileSync('pdftotext', [join(dir, 'lettre.pdf'), '-'], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
    expect(poppler.join(' ')).toContain('Pas moins de 2 100 volontaires sur www.renfort-covid.fr.');
    // Its reading order follows its own column analysis (the annex table): the same words.
    expect([...poppler].sort()).toEqual([...a].sort());
  });

  it('links the platform in the text, in the annex and on the QR code, each link a Link element with /Contents', async () => {
    const pdf = await readPdf(fast);
    expect(pdf.links.map((l) => l.url)).toEqual(['https://www.renfort-covid.fr/', 'https://twitter.com/ARS_GE', 'https://www.renfort-covid.fr/', 'https://www.renfort-covid.fr/', 'https://www.renfort-covid.fr/medias/campagne.mp4']);
    const raw = fast.toString('latin1');
    expect(raw.match(/\/Subtype \/Link [^\n]*\/Contents </g)).toHaveLength(5);
    expect(raw.match(/\/Type \/OBJR/g)).toHaveLength(5);
  });

  it('is tagged: pdfinfo says so, and the structure tree has headings, paragraphs, the annex table and figures with their alternative text', async () => {
    expect(execFileSync('pdfinfo', [join(dir, 'lettre.pdf')], { encoding: 'utf8' })).toMatch(/^Tagged:\s+yes$/m);
    const { roles, alts } = await structRoles(fast);
    for (const role of ['Document', 'H1', 'P', 'Link', 'Table', 'TR', 'TH', 'TD', 'Figure']) expect(roles, role).toContain(role);
    expect(roles.filter((r) => r === 'TH')).toHaveLength(2);
    expect(alts).toEqual(['Logo : PRÉFÈTE DE LA MARNE', 'Signature de Claire DUPONT', 'Signature de Jean MARTIN', 'Code QR menant à https://www.renfort-covid.fr']);
    const raw = fast.toString('latin1');
    expect(raw).toMatch(/\/Lang \(fr-FR\)/);
    expect(raw).toMatch(/\/MarkInfo << \/Marked true >>/);
    expect(raw).toMatch(/\/ViewerPreferences << \/DisplayDocTitle true >>/);
    expect(raw).toMatch(/\/Annots \[[^\]]+\] \/Tabs \/S/);
    expect(raw).toMatch(/\/TH \/P \d+ 0 R \/Pg \d+ 0 R \/K \[\d+\] \/A << \/O \/Table \/Scope \/Column >>/);
  });

  it('marks fold marks, rules and page numbers as artifacts, and every text as marked content', () => {
    const ops = contents(fast);
    expect(ops).toContain('/Artifact <</Type /Pagination /Subtype /Footer>> BDC');
    expect(ops.match(/\/Artifact BMC/g)!.length).toBeGreaterThan(3);
    // Outside marked content, no text is drawn: each BT sits inside a BDC … EMC.
    let depth = 0;
    for (const line of ops.split('\n')) {
      if (/BDC$|BMC$/.test(line)) depth++;
      else if (line === 'EMC') depth--;
      else if (line.startsWith('BT ')) expect(depth, line).toBe(1);
    }
  });

  it('declares PDF/A-2b and PDF/UA-1 in its XMP metadata, with the sRGB output intent and dates equal to the info ones', async () => {
    const raw = fast.toString('utf8');
    expect(raw).toContain('<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>');
    expect(raw).toContain('<pdfuaid:part>1</pdfuaid:part>');
    expect(raw).toContain('<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Lettre aux maires — Épernay (51230)</rdf:li></rdf:Alt></dc:title>');
    expect(raw).toContain('<xmp:CreateDate>2026-04-10T08:30:00Z</xmp:CreateDate>');
    expect(raw).toContain('/CreationDate (D:20260410083000Z)');
    expect(raw).toMatch(/\/OutputIntents \[\d+ 0 R\]/);
    expect(raw).toMatch(/\/Type \/OutputIntent \/S \/GTS_PDFA1 [^\n]*\/DestOutputProfile \d+ 0 R/);
    expect(raw).toMatch(/\/FontFile2 \d+ 0 R/);
    expect(raw).toMatch(/trailer\n<< [^\n]*\/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]/);
    const pdf = await readPdf(fast);
    expect(pdf.info.Title).toBe(meta.title);
  });

  it('draws the QR code once, as a form XObject that the annex page calls inside its Figure', () => {
    const raw = fast.toString('latin1');
    expect(raw.match(/\/Subtype \/Form /g)).toHaveLength(1);
    expect(raw).toMatch(/\/XObject << [^>]*\/Fm0 \d+ 0 R/);
    const ops = contents(fast);
    expect(ops).toMatch(/\/Figure <<\/MCID \d+>> BDC\nq 0 g 1 0 0 1 [\d.]+ [\d.]+ cm\n\/Fm0 Do\nQ\nEMC/);
    // The squares are in the form's stream alone, not repeated in the page's.
    expect(ops.match(/ re$/gm)!.length).toBeGreaterThan(100);
    expect(ops.split('/Fm0 Do')[1]!.match(/ re$/gm)?.length ?? 0).toBeLessThan(10);
  });

  it('a letter that differs from the one before only in a paragraph reads its own text (the streams kept from one letter to the next)', async () => {
    const first = letter(address, 'Madame la Maire, vous et les 2\u202f100 habitants de Reims,');
    const second = letter(['MAIRIE DE SEZANNE', 'MONSIEUR LE MAIRE', '51120 SEZANNE'], 'Monsieur le Maire, vous et les 4\u202f900 habitants de Sézanne,');
    const writer = writerFor([first, second]);
    await writer.letter(first, options, meta);
    const text = (await readPdf(await writer.letter(second, options, meta))).text.join(' ');
    expect(text).toContain('Sézanne');
    expect(text).toContain('SEZANNE');
    expect(text).not.toContain('Reims');
    expect(text).not.toContain('EPERNAY');
    expect(text).toContain('notre compte Twitter');
  });

  it('passes qpdf --check', () => {
    expect(execFileSync('qpdf', ['--check', join(dir, 'lettre.pdf')], { encoding: 'utf8' })).toContain('No syntax or stream encoding errors found');
  });

  it('centres each signature block, title lines, image and name, on its own column', async () => {
    const pdf = await readPdf(fast);
    const columnWidth = CONTENT_WIDTH / 2 - mm(5);
    const centres = [0, 1].map((i) => ((MARGIN.left + i * (columnWidth + mm(10)) + columnWidth / 2) * 25.4) / 72);
    const lines = [['Préfète de la Marne', 'Claire DUPONT'], ["Directeur général de l'ARS", 'Grand Est', 'Jean MARTIN']];
    lines.forEach((texts, i) => {
      for (const t of texts) {
        const item = pdf.items.find((it) => it.str.trim() === t)!;
        expect(item, t).toBeDefined();
        expect(Math.abs(item.x + pdf.items.filter((it) => it.str.trim() === t)[0]!.width / 2 - centres[i]!), t).toBeLessThan(0.2);
      }
    });
    // The images: `w 0 0 h x y cm /ImN Do`, the second and third images being the signatures.
    const placed = [...contents(fast).matchAll(/q ([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm \/Im(\d) Do Q/g)].map((m) => ({ w: Number(m[1]), x: Number(m[3]), im: Number(m[5]) }));
    const signatures = placed.filter((p) => p.im > 0);
    expect(signatures).toHaveLength(2);
    signatures.forEach((p, i) => expect(Math.abs(((p.x + p.w / 2) * 25.4) / 72 - centres[i]!)).toBeLessThan(0.05));
  });

  it('a print file of several letters is tagged and valid the same way, each letter on an odd page', async () => {
    // The first letter takes three pages: a blank page follows it, so that the next starts on an odd one.
    const long = { ...letter(address), paragraphs: Array.from({ length: 40 }, (_, i) => `Paragraphe ${i + 1} : une phrase assez longue pour remplir la ligne, et même un peu plus que cela.`) };
    const letters = [long, letter(['MAIRIE DE REIMS', '51100 REIMS'], 'Monsieur le Maire,')];
    const { bytes, pages } = await writerFor(letters).print(letters, options, { ...meta, title: 'Lettres à imprimer' });
    writeFileSync(join(dir, 'impression.pdf'), bytes);
    expect(pages).toBe(6);
    expect(execFileSync('pdfinfo', [join(dir, 'impression.pdf')], { encoding: 'utf8' })).toMatch(/^Tagged:\s+yes$/m);
    expect(execFileSync('qpdf', ['--check', join(dir, 'impression.pdf')], { encoding: 'utf8' })).toContain('No syntax or stream encoding errors found');
    const { roles } = await structRoles(bytes);
    // pdf.js gives each page's tree from the root: a letter's Part on each of its pages.
    expect(roles.filter((r) => r === 'Part')).toHaveLength(5);
    expect(bytes.toString('latin1').match(/\/S \/Part /g)).toHaveLength(2);
    expect(roles).toContain('Table');
    expect(bytes.toString('latin1').match(/\/S \/Table /g)).toHaveLength(2);
    const pdf = await readPdf(bytes);
    expect(pdf.items.filter((i) => /^1\/\d$/.test(i.str)).map((i) => [i.str, i.page])).toEqual([
      ['1/3', 1],
      ['1/2', 5],
    ]);
    expect(pdf.text[3]).toBe('');
    expect(pdf.text[4]).toContain('MAIRIE DE REIMS');
  });

  it("draws an annex message's count when there is one, nothing when it is empty", async () => {
    const base = letter(address);
    const without = { ...base, annexe: base.annexe.map((m) => ({ ...m, compte: '' })) };
    const text = async (l: LetterModel) => (await readPdf(await writerFor([l]).letter(l, options, meta))).text.join(' ').replace(/\s+/g, ' ');
    expect(await text(base)).toContain('1 SMS, GSM-7, 39 caractères');
    const empty = await text(without);
    expect(empty).not.toContain('GSM-7');
    expect(empty).toContain('Inscrivez-vous sur www.renfort-covid.fr');
  });

  it('draws a letter with characters no other letter has, from the campaign subset', async () => {
    const odd = letter(['MAIRIE DE ØSTBY', '99999 ØSTBY']);
    const pdf = await readPdf(await writerFor([odd]).letter(odd, options, meta));
    expect(pdf.items.some((i) => i.str === 'MAIRIE DE ØSTBY')).toBe(true);
  });
});

describe('widows and orphans', () => {
  const c = () => new Composer(writerFor([letter(address)]).fonts);
  const long = 'Cette phrase assez longue revient plusieurs fois pour faire un paragraphe de plusieurs lignes justifiées. '.repeat(5).trim();
  const lineHeight = 13.2;
  const bottom = PAGE.height - MARGIN.bottom;
  /** Lines of the paragraph on each page, from a y where `room` lines fit. */
  function split(room: number): number[] {
    const composer = c();
    composer.newPage();
    composer.y = bottom - room * lineHeight;
    const lines = layoutText(composer.fonts, 'regular', 10, long, CONTENT_WIDTH, 'justify', true);
    expect(lines.length).toBe(5);
    const node: Node = { role: 'P', kids: [] };
    composer.paragraph(node, lines, { style: 'regular', size: 10, color: '0 g' }, MARGIN.left, lineHeight, bottom, MARGIN.top);
    return composer.pages.map((p) => p.ops.filter((o) => o.startsWith('BT ')).length);
  }

  it('never leaves one line alone at the foot or at the head of a page', () => {
    expect(split(5)).toEqual([5]);
    // Four lines fit: one would be left alone at the top of the next page, so two go over; three
    // would, but the third ends with a word cut in two (« justi- / fiées »): a page does not end on
    // half a word, so it goes over too.
    const third = layoutText(c().fonts, 'regular', 10, long, CONTENT_WIDTH, 'justify', true)[2]!;
    expect(third.segments.at(-1)!.text).toMatch(/\p{L}-$/u);
    expect(split(4)).toEqual([2, 3]);
    expect(split(3)).toEqual([2, 3]);
    expect(split(2)).toEqual([2, 3]);
    // One line would be alone at the foot: the whole paragraph goes to the next page.
    expect(split(1)).toEqual([0, 5]);
  });
});

describe('the closing formula and the signatures', () => {
  const para = "Nous faisons donc appel à vous, élus au plus proche des territoires, pour diffuser l'information auprès de vos administrés par tous les canaux que vous jugerez pertinents.";
  const closing = "Nous vous prions d'agréer, Madame la Maire, nos salutations distinguées.";
  /** The letter with n body paragraphs before its closing formula. */
  const withBody = (n: number): LetterModel => ({ ...letter(address), paragraphs: ['Madame la Maire,', ...Array<string>(n).fill(para), closing] });
  const pages = async (pdf: Buffer) => {
    const read = await readPdf(pdf);
    return [read.items.find((i) => i.str.includes("Nous vous prions d'agréer"))!.page, read.items.find((i) => i.str === 'Claire DUPONT')!.page];
  };

  // Every body length from one that leaves room for both to one that puts them on page 2: on the
  // way, the lengths where the signatures alone would not fit under the formula.
  it('are never parted, by the serializer nor by the pdfkit reference, whatever the body’s length', async () => {
    const seen = new Set<number>();
    for (let n = 4; n <= 12; n++) {
      const l = withBody(n);
      const [formula, signature] = await pages(await writerFor([l]).letter(l, options, meta));
      expect(formula, `${n} paragraphes`).toBe(signature);
      seen.add(signature!);
      const doc = newDocument(fonts, meta);
      await drawLetter(doc, l, options);
      const [refFormula, refSignature] = await pages(await finish(doc));
      expect(refFormula, `${n} paragraphes (pdfkit)`).toBe(refSignature);
    }
    // The range went over the page break.
    expect([...seen].sort()).toEqual([1, 2]);
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

  it('justifies a full line exactly to the width, and keeps the last line at its natural width', () => {
    const fontsFor = writerFor([letter(address)]).fonts;
    const lines = layoutText(fontsFor, 'regular', 10, 'Cette phrase assez longue revient plusieurs fois pour faire un paragraphe justifié. '.repeat(3).trim(), CONTENT_WIDTH, 'justify', true);
    const end = (l: (typeof lines)[number]) => l.segments.at(-1)!.dx + l.segments.at(-1)!.width;
    for (const l of lines.slice(0, -1)) expect(end(l)).toBeCloseTo(CONTENT_WIDTH, 1);
    expect(end(lines.at(-1)!)).toBeLessThan(CONTENT_WIDTH - 10);
  });
});

describe('kerning', () => {
  it('reads the same pair adjustments from the font as fontkit applies in its layout', () => {
    const sample = ['AVANT', 'Tours', "L'Yonne", 'Vœux', 'WAVRE', 'Fontainebleau', 'Orléans', 'P.-Y. LE TALLEC', 'Tél. : 02 38', '« Volontaires »', 'Kerfourn'];
    const campaign = new LetterWriter(fonts, sample.join(''), new Date(0)).fonts;
    for (const style of ['regular', 'bold', 'italic'] as const) {
      const font = parseFont(fonts[style]);
      for (const word of sample) {
        const run = font.layout(word, { liga: false, clig: false, calt: false, ccmp: false, locl: false, rlig: false } as unknown as string[]);
        const expected = (run.positions.reduce((n, p) => n + p.xAdvance, 0) * 1000) / font.unitsPerEm;
        expect(campaign[style].shape(word).width, `${style} ${word}`).toBeCloseTo(expected, 3);
      }
    }
    // Some pair is really kerned: the test would pass without kerning otherwise.
    expect(campaign.regular.shape('AV').width).toBeLessThan(campaign.regular.shape('A').width + campaign.regular.shape('V').width - 10);
  });
});
