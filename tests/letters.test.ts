import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { checkJson } from './helpers/check.js';
import { relais, relaisJson, ROOT } from './helpers/cli.js';
import { ensureDebianPackage } from './helpers/debian.js';
import { flat, readPdf, type PdfContent } from './helpers/pdf.js';

const SEEDS = join(import.meta.dirname, 'fixtures', 'seeds');
const seed000 = readFileSync(join(SEEDS, '000_c2019070694245df.txt'), 'utf8').replace('préfetures', 'préfectures');
const seed001 = readFileSync(join(SEEDS, '001_48eb52ceb2d39c1c.txt'), 'utf8');
const fold = (s: string) => s.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[\s\u00a0\u202f]+/g, ' ').trim();
/** The body paragraphs of a seed, up to the closing formula (the signature blocks are checked apart). */
const paragraphs = (seed: string) => {
  const all = seed.split('Annexe :')[0]!.split(/\n\s*\n/).map(fold).filter(Boolean);
  return all.slice(0, all.findIndex((p) => p.startsWith('Nous vous prions')) + 1);
};
/**
 * The letter as the seed wrote it. The body breaks words only at French hyphenation points (never at
 * a word's own hyphen): a line ending in a hyphen between lowercase letters is one word again. The
 * annex, laid out by pdfkit, may break after a real hyphen: there the hyphen stays (annexText).
 * Printed addresses after a link's text ("Twitter (twitter.com/ARS_CVL)") are not in the seeds.
 */
const text = (pdf: PdfContent) =>
  fold(
    pdf.text
      .join('\n')
      .replace(/(\p{Ll})-\n(?=\p{Ll})/gu, '$1')
      .replace(/ \((?:www\.)?[\w-]+\.[\w.-]+\/[^()]*\)/g, ''),
  );
const annexText = (pdf: PdfContent) => fold(pdf.text.join('\n').replace(/(\S-)\n/g, '$1'));
const annexTexts = (seed: string) => [...seed.matchAll(/<p>(Twitter|Facebook|LinkedIn|SMS)<\/p>\t(.*)/g)].flatMap((m) => m[2]!.split(/<\/?p>/).map(fold).filter(Boolean));

/** Every Unicode value the PDF's ToUnicode maps decode to, in lowercase hex. */
function toUnicodeTargets(path: string): string[] {
  const bytes = readFileSync(path);
  const text = bytes.toString('latin1');
  const targets: string[] = [];
  for (const m of text.matchAll(/stream\r?\n/g)) {
    const start = (m.index ?? 0) + m[0].length;
    let stream: string;
    try {
      stream = inflateSync(bytes.subarray(start, text.indexOf('endstream', start))).toString('latin1');
    } catch {
      continue;
    }
    if (!stream.includes('begincmap')) continue;
    for (const t of stream.matchAll(/<([0-9a-fA-F]{4})>/g)) targets.push(t[1]!.toLowerCase());
  }
  return targets;
}

interface LettersJson {
  lettres: string[];
  inchangees: string[];
  impression: Array<{ departement: string; fichier: string; lettres: number; pages: number }>;
}
interface Check {
  warnings: Array<{ kind: string; message: string }>;
}

describe('relais letters on the sample campaign', () => {
  let dir: string;
  let run: LettersJson;
  let orleans: PdfContent;
  let tours: PdfContent;

  beforeAll(async () => {
    dir = sampleCampaign();
    const result = await relaisJson<LettersJson>(['-C', dir, 'letters']);
    expect(result.code, result.stderr).toBe(0);
    run = result.json;
    orleans = await readPdf(join(dir, 'out/lettres/45/45234-orleans.pdf'));
    tours = await readPdf(join(dir, 'out/lettres/37/37261-tours.pdf'));
  }, 120_000);

  it('writes one PDF per commune of Indre-et-Loire and Loiret', () => {
    expect(run.lettres).toHaveLength(597);
    expect(readdirSync(join(dir, 'out/lettres/37')).filter((f) => /^\d{5}-[a-z0-9-]+\.pdf$/.test(f))).toHaveLength(272);
    expect(readdirSync(join(dir, 'out/lettres/45')).filter((f) => /^\d{5}-[a-z0-9-]+\.pdf$/.test(f))).toHaveLength(325);
    expect(readdirSync(join(dir, 'out/lettres/45')).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('the Loiret letter holds every paragraph of seed 001, its signatories and its annex', () => {
    const all = text(orleans);
    expect(paragraphs(seed001)).toHaveLength(9);
    for (const p of paragraphs(seed001)) expect(all).toContain(p);
    for (const line of ['Préfet du Loiret', 'Pierre POUËSSEL', "Directeur général de l'ARS Centre-Val de Loire", 'Laurent HABERT']) expect(all).toContain(line);
    for (const t of annexTexts(seed001)) expect(annexText(orleans)).toContain(t);
    expect(all).toContain('Annexe : proposition de messages à destination de la population');
    expect(all).toContain('Canal utilisé Proposition de message');
    // Counts a mayor can use; no encoding, no Facebook or LinkedIn limit.
    expect(all).toContain('271 caractères sur 280');
    expect(all).toContain('3 SMS');
    expect(all).not.toMatch(/GSM-7|63\s206|3\s000|\/ 280/);
  });

  it('the Indre-et-Loire letter holds every paragraph of seed 000, typo corrected', () => {
    const all = text(tours);
    for (const p of paragraphs(seed000)) expect(all).toContain(p);
    for (const line of ['Corinne ORZECOWSKI', "Préfète d'Indre-et-Loire", 'Laurent HABERT']) expect(all).toContain(line);
    expect(all).not.toContain('préfetures');
  });

  it('any commune gets the same letter with its own address block', async () => {
    const all = text(await readPdf(join(dir, 'out/lettres/37/37003-amboise.pdf')));
    for (const p of paragraphs(seed000)) expect(all).toContain(p);
    expect(all).toContain("MAIRIE D'AMBOISE");
    expect(all).not.toContain('MAIRIE DE TOURS');
  });

  it('text is extractable as written: accents, Préfète, U+202F, POUËSSEL', () => {
    const raw = orleans.text.join('\n');
    // pdf.js reads every whitespace glyph as a plain space; what matters is that "2 100" is whole
    // (Helvetica's "2 /100" is the failure) and that the font really maps a glyph to U+202F.
    expect(raw).toMatch(/pas moins de 2[\u202f ]100 volontaires/);
    expect(toUnicodeTargets(join(dir, 'out/lettres/45/45234-orleans.pdf'))).toContain('202f');
    expect(raw).toContain('POUËSSEL');
    expect(tours.text.join('\n')).toContain("Préfète d'Indre-et-Loire");
    expect(tours.text.join('\n')).toContain('Corinne ORZECOWSKI');
  });

  it('is an A4 document with metadata and page numbers', () => {
    expect(orleans.size.width).toBeCloseTo(210, 0);
    expect(orleans.size.height).toBeCloseTo(297, 0);
    expect(orleans.info.Title).toBe('Lettre aux maires — Orléans (45234)');
    expect(orleans.info.Author).toContain('Préfet du Loiret');
    expect(orleans.info.Subject).toBe('Plateforme régionale renfort-covid.fr de mise en relation des professionnels volontaires');
    expect(orleans.items.filter((i) => /^\d\/\d$/.test(i.str)).map((i) => i.str)).toEqual(['1/2', '2/2']);
    expect(readFileSync(join(dir, 'out/lettres/45/45234-orleans.pdf'), 'latin1')).toMatch(/\/Lang \(fr-FR\)/);
  });

  it('writes tagged PDF/UA-1 and PDF/A-2b letters and print files that qpdf finds sound', () => {
    ensureDebianPackage('/usr/bin/pdfinfo', 'poppler-utils');
    ensureDebianPackage('/usr/bin/qpdf', 'qpdf');
    for (const file of ['out/lettres/45/45234-orleans.pdf', 'out/lettres/37/37003-amboise.pdf', 'out/lettres/45/impression-45.pdf']) {
      const path = join(dir, file);
      expect(execFileSync('pdfinfo', [path], { encoding: 'utf8' }), file).toMatch(/^Tagged:\s+yes$/m);
      expect(execFileSync('qpdf', ['--check', path], { encoding: 'utf8' }), file).toContain('No syntax or stream encoding errors found');
      const raw = readFileSync(path, 'utf8');
      expect(raw).toContain('<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>');
      expect(raw).toContain('<pdfuaid:part>1</pdfuaid:part>');
      expect(raw).toMatch(/\/StructTreeRoot \d+ 0 R/);
    }
    // One font subset for the whole campaign: two communes' letters embed the same font bytes.
    const fontFiles = (file: string) => {
      const bytes = readFileSync(join(dir, file));
      return [...bytes.toString('latin1').matchAll(/\/Length1 \d+ \/Length (\d+) [^\n]*>>\nstream\n/g)].map((m) => bytes.subarray(m.index + m[0].length, m.index + m[0].length + Number(m[1])).toString('base64'));
    };
    expect(fontFiles('out/lettres/45/45234-orleans.pdf')).toHaveLength(3);
    expect(fontFiles('out/lettres/37/37003-amboise.pdf')).toEqual(fontFiles('out/lettres/45/45234-orleans.pdf'));
  });

  it('links the platform, Twitter and LinkedIn for real', () => {
    const urls = orleans.links.map((l) => l.url);
    expect(urls).toContain('https://www.renfort-covid.fr/');
    expect(urls).toContain('https://twitter.com/ARS_CVL');
    expect(urls).toContain('https://www.linkedin.com/company/ars-centre-val-de-loire');
  });

  it('puts the address block inside the DL window, the date right-aligned above it', () => {
    const page1 = orleans.items.filter((i) => i.page === 1 && i.str.trim());
    const address = page1.filter((i) => ["MAIRIE D'ORLEANS", 'MONSIEUR LE MAIRE', '45026 ORLEANS CEDEX 1'].includes(i.str));
    expect(address).toHaveLength(3);
    for (const line of address) {
      expect(line.x).toBeGreaterThanOrEqual(109.9);
      expect(line.x + line.width).toBeLessThanOrEqual(200);
      expect(line.top - line.height).toBeGreaterThanOrEqual(35);
      expect(line.top).toBeLessThanOrEqual(80);
    }
    const date = page1.find((i) => i.str.startsWith('Orléans, le vendredi 10 avril 2020'))!;
    expect(date.x + date.width).toBeCloseTo(190, 0);
    expect(date.top).toBeLessThan(35);
  });

  it('keeps every text inside the page margins (the page number in the bottom margin)', () => {
    for (const pdf of [orleans, tours]) {
      for (const item of pdf.items.filter((i) => i.str.trim())) {
        expect(item.x, item.str).toBeGreaterThanOrEqual(19.9);
        expect(item.x + item.width, item.str).toBeLessThanOrEqual(190.5);
        expect(item.top, item.str).toBeLessThanOrEqual(/^\d+\/\d+$/.test(item.str) ? 292 : 277);
        expect(item.top - item.height, item.str).toBeGreaterThanOrEqual(14.9);
      }
    }
  });

  it('prints exactly the town halls without email, in postal-code order, each letter on an odd page', async () => {
    // What check says of the Loiret (in this process, see helpers/check.ts).
    const check = await checkJson<Check>(dir, ['45']);
    const byPost = check.json.warnings.filter((w) => w.kind === 'sans-courriel').map((w) => /\((\d{5})\)/.exec(w.message)![1]!);
    const entry = run.impression.find((p) => p.departement === '45')!;
    expect(entry.lettres).toBe(byPost.length);
    const pdf = await readPdf(join(dir, entry.fichier));
    expect(pdf.pages).toBe(entry.pages);
    const firstPages = pdf.items.filter((i) => i.str === '1/2').map((i) => i.page);
    expect(firstPages).toHaveLength(byPost.length);
    expect(firstPages.every((p) => p % 2 === 1)).toBe(true);
    const lastLines = firstPages.map((p) => pdf.items.filter((i) => i.page === p && i.x > 109 && i.x < 111).at(-1)!.str);
    expect(lastLines).toEqual([...lastLines].sort());
    expect(lastLines.every((l) => /^45\d{3} /.test(l))).toBe(true);
  });

  it('a re-run rewrites only what changed, --force everything', async () => {
    const again = await relaisJson<LettersJson>(['-C', dir, 'letters']);
    expect(again.json.lettres).toEqual([]);
    expect(again.json.inchangees).toHaveLength(597);
    const maires = join(dir, 'data/maires.csv');
    writeFileSync(maires, readFileSync(maires, 'utf8').replace(/^(45;Loiret;;;45234;Orléans;[^;]*;[^;]*;)M;/m, '$1F;'));
    const changed = await relaisJson<LettersJson>(['-C', dir, 'letters', '--dep', '45']);
    expect(changed.json.lettres).toEqual(['out/lettres/45/45234-orleans.pdf']);
    expect(fold(flat(await readPdf(join(dir, 'out/lettres/45/45234-orleans.pdf'))))).toContain('MADAME LA MAIRE');
    const forced = await relaisJson<LettersJson>(['-C', dir, 'letters', '--dep', '37', '--force']);
    expect(forced.json.lettres).toHaveLength(272);
  });

  it('a print file embeds the logo once, not once per letter', async () => {
    const dir = sampleCampaign();
    writeFileSync(join(dir, 'logo.png'), readFileSync(join(ROOT, 'docs', 'lettre-page1.png')));
    writeFileSync(join(dir, 'campagne.yaml'), `${readFileSync(join(dir, 'campagne.yaml'), 'utf8')}\nlogo: logo.png\n`);
    const { code, json } = await relaisJson<{ impression: Array<{ lettres: number }> }>(['-C', dir, 'letters', '--dep', '37']);
    expect(code).toBe(0);
    const images = (file: string) => readFileSync(join(dir, 'out/lettres/37', file)).toString('latin1').match(/\/Subtype \/Image/g)?.length ?? 0;
    const one = images('37261-tours.pdf');
    expect(one).toBeGreaterThan(0);
    expect(json.impression[0]!.lettres).toBeGreaterThan(1);
    expect(images('impression-37.pdf')).toBe(one);
  });
});

describe('relais letters: bad input', () => {
  it('a font path that does not exist', async () => {
    const dir = sampleCampaign();
    writeFileSync(join(dir, 'campagne.yaml'), `${readFileSync(join(dir, 'campagne.yaml'), 'utf8')}\npolices:\n  normale: polices/Marianne-Regular.ttf\n`);
    const { code, stderr } = await relais(['-C', dir, 'letters']);
    expect(code).toBe(1);
    expect(stderr).toContain('polices/Marianne-Regular.ttf');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('a file that is not a font', async () => {
    const dir = sampleCampaign();
    writeFileSync(join(dir, 'pas-une-police.ttf'), 'bonjour');
    writeFileSync(join(dir, 'campagne.yaml'), `${readFileSync(join(dir, 'campagne.yaml'), 'utf8')}\npolices:\n  normale: pas-une-police.ttf\n`);
    const { code, stderr } = await relais(['-C', dir, 'letters']);
    expect(code).toBe(1);
    expect(stderr).toContain("pas-une-police.ttf n'est pas une police TrueType ou OpenType");
    expect(existsSync(join(dir, 'out/lettres'))).toBe(false);
  });

  it('a character the fonts cannot draw: said with its code, before any letter is written', async () => {
    const dir = sampleCampaign();
    const template = join(dir, 'templates', 'lettre.hbs');
    writeFileSync(template, readFileSync(template, 'utf8').replace('nos salutations distinguées.', 'nos salutations distinguées 🙂 中.'));
    const { code, stderr } = await relais(['-C', dir, 'letters']);
    expect(code).toBe(1);
    // The check that every producing command starts with says it first, one character at a time.
    expect(stderr).toContain('« 中 » (U+4E2D), un caractère que la police ne sait pas dessiner');
    expect(stderr).toContain('« 🙂 » (U+1F642), un caractère que la police ne sait pas dessiner');
    expect(stderr).toContain("rien n'a été produit");
    expect(existsSync(join(dir, 'out/lettres/45/45234-orleans.pdf'))).toBe(false);
  });

  it('a logo that is not an image, reported by check too', async () => {
    const dir = sampleCampaign();
    writeFileSync(join(dir, 'logo.png'), 'pas une image');
    writeFileSync(join(dir, 'campagne.yaml'), `${readFileSync(join(dir, 'campagne.yaml'), 'utf8')}\nlogo: logo.png\n`);
    const { code, stderr } = await relais(['-C', dir, 'letters']);
    expect(code).toBe(1);
    expect(stderr).toContain("logo.png n'est pas une image PNG ou JPEG");
    const check = await checkJson<{ errors: Array<{ file: string; field: string; message: string }> }>(dir);
    expect(check.json.errors).toContainEqual(expect.objectContaining({ file: 'campagne.yaml', field: 'logo' }));
  });

  it('an attachment that does not exist', async () => {
    const dir = sampleCampaign();
    writeFileSync(join(dir, 'campagne.yaml'), `${readFileSync(join(dir, 'campagne.yaml'), 'utf8')}\npieces_jointes:\n  - docs/fiche-synthetique.pdf\n`);
    const { code, stderr } = await relais(['-C', dir, 'letters']);
    expect(code).toBe(1);
    expect(stderr).toContain('fichier introuvable : docs/fiche-synthetique.pdf');
  });

  it('a body so long it needs a third page, numbered, with the annex after it', async () => {
    const dir = sampleCampaign();
    const body = readFileSync(join(dir, 'templates/lettre.hbs'), 'utf8');
    const extra = 'Ce paragraphe ajouté allonge la lettre pour vérifier la pagination, les marges et la place des signatures. '.repeat(6);
    writeFileSync(join(dir, 'templates/lettre.hbs'), body.replace('Nous vous prions', `${`${extra}\n\n`.repeat(16)}Nous vous prions`));
    const { code } = await relaisJson(['-C', dir, 'letters', '--commune', '45234']);
    expect(code).toBe(0);
    const pdf = await readPdf(join(dir, 'out/lettres/45/45234-orleans.pdf'));
    expect(pdf.pages).toBe(4);
    expect(pdf.items.filter((i) => /^\d\/\d$/.test(i.str)).map((i) => i.str)).toEqual(['1/4', '2/4', '3/4', '4/4']);
    const annexPage = pdf.items.find((i) => i.str.startsWith('Annexe :'))!.page;
    expect(annexPage).toBe(4);
    const names = pdf.items.filter((i) => i.str === 'Pierre POUËSSEL' || i.str === 'Laurent HABERT');
    expect(new Set(names.map((n) => n.page)).size).toBe(1);
    for (const item of pdf.items.filter((i) => i.str.trim() && !/^\d\/\d$/.test(i.str))) expect(item.top).toBeLessThanOrEqual(277);
  });

  it('an out/ that cannot be written: exit 1, nothing half-written', async () => {
    // A file where the folder should be: refused even to root, who ignores permissions.
    const dir = sampleCampaign();
    writeFileSync(join(dir, 'out'), 'un fichier à la place du dossier');
    const { code, stderr } = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/impossible d'écrire .*out/);
    expect(statSync(join(dir, 'out')).isFile()).toBe(true);
  });

  it('a second writer of the letters at the same time is refused, before it touches them (lock)', async () => {
    const dir = sampleCampaign();
    mkdirSync(join(dir, '.relais'), { recursive: true });
    // Another writer holds the lock (the kernel's, as relais takes it) until this test ends it: no
    // race with the clock.
    const lockModule = join(ROOT, 'dist', 'src', 'delivery', 'lock.js');
    const holder = spawn(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(lockModule)}); m.RunLock.acquire(${JSON.stringify(dir)}, 'letters'); console.log('held'); setInterval(() => {}, 1 << 30);`], { stdio: ['ignore', 'pipe', 'ignore'] });
    const gone = new Promise((r) => holder.once('exit', r));
    await new Promise<void>((r) => holder.stdout!.once('data', () => r()));
    try {
      const { code, stderr } = await relais(['-C', dir, 'letters', '--commune', '45001']);
      expect(code).toBe(1);
      expect(stderr).toContain(`tourne déjà sur cette campagne (processus ${holder.pid})`);
      expect(existsSync(join(dir, 'out/lettres/45'))).toBe(false);
    } finally {
      holder.kill('SIGKILL');
    }
    await gone;
    expect((await relais(['-C', dir, 'letters', '--commune', '45001'])).code).toBe(0);
  });

  it('a read-only out/lettres folder: exit 1, no temporary file left', async () => {
    const dir = sampleCampaign();
    await relais(['-C', dir, 'letters', '--commune', '45001']);
    const folder = join(dir, 'out/lettres/45');
    chmodSync(folder, 0o500);
    try {
      const { code, stderr } = await relais(['-C', dir, 'letters', '--dep', '45', '--force']);
      if (process.getuid?.() !== 0) {
        expect(code).toBe(1);
        expect(stderr).toContain('écriture interdite');
      }
      expect(readdirSync(folder).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      chmodSync(folder, 0o755);
    }
  });
});
