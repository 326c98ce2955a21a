import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requireCampaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { readSignups } from '../src/tracker/signups.js';
import { utf8Sequence } from '../src/data/encoding.js';
import { sampleCampaign, sampleWithoutPublications, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';

/** Fixes of s11b's hostile findings: what is said, and what is not read. */

async function postsWorkbook(rows: string[][], hidden: number[]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Publications');
  for (const r of rows) ws.addRow(r);
  for (const c of hidden) ws.getColumn(c).hidden = true;
  const file = join(tempDir(), 'publications.xlsx');
  await wb.xlsx.writeFile(file);
  return file;
}

describe('schedule import: columns of one name', () => {
  it('reads the visible « texte » beside a hidden one, and says which at the header line', async () => {
    const dir = sampleWithoutPublications();
    const file = await postsWorkbook([['canal', 'date', 'texte', 'texte'], ['linkedin', '2031-04-11 09:00', 'Appel 2020', 'Appel 2031 : rejoignez-nous']], [3]);
    const imported = await relaisJson<{ importees: number; avertissements: Array<{ line: number; message: string }> }>(['-C', dir, 'schedule', 'import', file]);
    expect(imported.code).toBe(0);
    expect(imported.json.importees).toBe(1);
    expect(imported.json.avertissements).toEqual([
      { line: 1, message: "plusieurs colonnes « texte » : « texte » (colonne 4) est lue, « texte » (colonne 3, masquée dans Excel) ne l'est pas ; si ce n'est pas la bonne, supprimez l'autre ou donnez-lui un autre nom" },
    ]);
    const posts = (await relaisJson<Array<{ text: string }>>(['-C', dir, 'schedule', 'list'])).json;
    expect(posts.map((p) => p.text)).toEqual(['Appel 2031 : rejoignez-nous']);
  });

  it('refuses two visible « texte » columns, importing nothing (exit 1)', async () => {
    const dir = sampleWithoutPublications();
    const file = await postsWorkbook([['canal', 'date', 'texte', 'texte'], ['linkedin', '2031-04-11 09:00', 'Appel A', 'Appel B']], []);
    const imported = await relais(['-C', dir, 'schedule', 'import', file]);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain('colonne « texte » en double (colonnes 3 et 4)');
    const posts = (await relaisJson<unknown[]>(['-C', dir, 'schedule', 'list'])).json;
    expect(posts).toEqual([]);
  });
});

describe('schedule import: a hidden sheet', () => {
  it('is left aside, and said', async () => {
    const dir = sampleWithoutPublications();
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('2031').addRow(['canal', 'date', 'texte']).worksheet.addRow(['linkedin', '2031-04-11 09:00', 'Appel 2031']);
    const old = wb.addWorksheet('2020');
    old.addRow(['canal', 'date', 'texte']);
    old.addRow(['linkedin', '2031-04-12 09:00', 'Appel 2020']);
    old.state = 'hidden';
    const file = join(tempDir(), 'publications.xlsx');
    await wb.xlsx.writeFile(file);
    const imported = await relaisJson<{ importees: number; avertissements: Array<{ line: number; message: string }> }>(['-C', dir, 'schedule', 'import', file]);
    expect(imported.json.importees).toBe(1);
    expect(imported.json.avertissements.map((w) => w.message)).toEqual([expect.stringMatching(/^feuille « 2031 » lue ; la feuille « 2020 », masquée dans Excel, est laissée de côté/)]);
  });
});

describe('sign-ups: two columns of one name', () => {
  it('a CSV export with « departement » twice is refused too, nothing counted from it', async () => {
    const dir = sampleCampaign();
    const campaign = await requireCampaign(dir);
    const path = join(dir, 'inscriptions-doubles.csv');
    writeFileSync(path, 'id;date;departement;metier;departement\r\nV1;2020-03-26;45;Infirmière;37\r\n');
    const r = await readSignups(campaign, { fichiers: [path], colonnes: {} }, communeReference());
    expect(r.problems.items.map((p) => [p.kind, p.severity, p.line])).toEqual([['colonne-en-double', 'error', 1]]);
    expect(r.problems.items[0]?.message).toContain('colonne « departement » en double (colonnes 3 et 5)');
    expect(r.records.size).toBe(0);
  });

  it('a second export appended with « departement » twice in its header: its rows are set aside, said at that header', async () => {
    const dir = sampleCampaign();
    const campaign = await requireCampaign(dir);
    const path = join(dir, 'inscriptions-jointes.csv');
    writeFileSync(path, 'id;date;departement;metier\r\nV1;2020-03-26;45;Infirmière\r\nid;date;departement;metier;departement\r\nV2;2020-03-26;45;Infirmière;37\r\nV3;2020-03-26;45;Infirmière;37\r\n');
    const r = await readSignups(campaign, { fichiers: [path], colonnes: {} }, communeReference());
    expect(r.problems.items.filter((p) => p.severity === 'error').map((p) => [p.kind, p.line])).toEqual([['colonne-en-double', 3]]);
    expect(r.problems.items.find((p) => p.kind === 'colonne-en-double')?.message).toContain('colonne « departement » en double (colonnes 3 et 5)');
    expect(r.records.size).toBe(1);
    expect(r.fichiers[0]?.ecartes).toMatchObject({ 'sous un en-tête à colonne en double': 2 });
  });

  it('two « remarques » columns no field reads change nothing', async () => {
    const dir = sampleCampaign();
    const campaign = await requireCampaign(dir);
    const path = join(dir, 'inscriptions-remarques.csv');
    writeFileSync(path, 'id;date;departement;remarques;remarques\r\nV1;2020-03-26;45;a;b\r\n');
    const r = await readSignups(campaign, { fichiers: [path], colonnes: {} }, communeReference());
    expect(r.problems.items).toEqual([]);
    expect(r.records.size).toBe(1);
  });
});

describe('sign-ups: a UTF-8 export appended to a Windows-1252 one, read by the fast reader', () => {
  const CHUNK = 1024 * 1024;
  const HEADER = 'id;date;departement;metier;categorie\r\n';
  /** Windows-1252 rows, then a filler row that puts byte `cut` of the UTF-8 row at the reader's first chunk end. */
  const appended = (utf8Row: string, cut: number): { bytes: Buffer; line: number; windows: string[] } => {
    const windows = Array.from({ length: 15000 }, (_, i) => `W${i};2020-03-26;45;Infirmière;soignant\r\n`);
    const head = Buffer.from(HEADER + windows.join(''), 'latin1');
    const fill = CHUNK - cut - head.length - Buffer.byteLength('F;2020-03-26;45;;soignant\r\n');
    const filler = Buffer.from(`F;2020-03-26;45;${'x'.repeat(fill)};soignant\r\n`, 'latin1');
    const bytes = Buffer.concat([head, filler, Buffer.from(utf8Row, 'utf8')]);
    return { bytes, line: windows.length + 3, windows };
  };

  for (const [what, row, cut] of [
    ['« è » cut between two chunks', 'U1;2020-03-27;37;Infirmière;soignant\r\nU2;2020-03-27;37;Aide-soignante;soignant\r\n', 'U1;2020-03-27;37;Infirmi'.length + 1],
    ['« ’ » cut between two chunks', 'U1;2020-03-27;37;Agent d’accueil;soignant\r\nU2;2020-03-27;37;Aide-soignante;soignant\r\n', 'U1;2020-03-27;37;Agent d'.length + 2],
  ] as const) {
    it(`is found where UTF-8 starts, ${what}, and the rows on either side read right`, async () => {
      const dir = sampleCampaign();
      const campaign = await requireCampaign(dir);
      const { bytes, line } = appended(row, cut);
      const path = join(dir, 'inscriptions-jointes.csv');
      writeFileSync(path, bytes);
      const r = await readSignups(campaign, { fichiers: [path], colonnes: {} }, communeReference());
      const said = r.problems.items.filter((p) => p.kind === 'encodages-melanges');
      expect(said.map((p) => [p.line, p.severity])).toEqual([[line, 'warning']]);
      expect(said[0]?.message).toContain(`Windows-1252 (Excel) et UTF-8 à partir de la ligne ${line}`);
      expect(said[0]?.message).toContain('relais a lu chaque partie dans son encodage');
      const metiers = r.records.names.metier;
      expect(metiers).toContain('Infirmière');
      expect(metiers).toContain('Aide-soignante');
      expect(metiers.filter((m) => /Ã|â€/.test(m))).toEqual([]);
      expect(r.records.size).toBe(15000 + 1 + 2);
    });
  }

  it('a Windows-1252 export of more than one chunk, without UTF-8, is read byte for byte and nothing is said', async () => {
    const dir = sampleCampaign();
    const campaign = await requireCampaign(dir);
    // An « é » (one byte) on each side of the first chunk's end, in a métier.
    const head = Buffer.from(HEADER + appended('', 0).windows.join('') + 'F;2020-03-26;45;', 'latin1');
    const path = join(dir, 'inscriptions.csv');
    writeFileSync(path, Buffer.concat([head, Buffer.from(`${'x'.repeat(CHUNK - 1 - head.length)}éé;soignant\r\nW-é;2020-03-26;45;Sage-femme diplômée;soignant\r\n`, 'latin1')]));
    const r = await readSignups(campaign, { fichiers: [path], colonnes: {} }, communeReference());
    expect(r.problems.items.filter((p) => p.kind === 'encodages-melanges')).toEqual([]);
    expect(r.records.names.metier).toContain('Sage-femme diplômée');
    expect(r.records.names.metier.filter((m) => m.startsWith('x')).map((m) => m.slice(-3))).toEqual(['xéé']);
  });

  it('within the first 64 KB, the UTF-8 rows are read as UTF-8 too', async () => {
    const dir = sampleCampaign();
    const campaign = await requireCampaign(dir);
    const path = join(dir, 'inscriptions-jointes.csv');
    writeFileSync(path, Buffer.concat([Buffer.from(`${HEADER}W1;2020-03-26;45;Infirmière;soignant\r\n`, 'latin1'), Buffer.from('U1;2020-03-27;37;Infirmière;soignant\r\n', 'utf8')]));
    const r = await readSignups(campaign, { fichiers: [path], colonnes: {} }, communeReference());
    expect(r.problems.items.filter((p) => p.kind === 'encodages-melanges').map((p) => p.line)).toEqual([3]);
    expect(r.records.names.metier).toEqual(['Infirmière']);
  });
});

/** The rule utf8Sequence finds natively, byte by byte: C3 80–BF, or E2 80 93–A6. */
function byteByByte(bytes: Uint8Array): number {
  for (let i = 0; i + 1 < bytes.length; i++) {
    const b = bytes[i]!;
    const next = bytes[i + 1]!;
    if (b === 0xc3 && next >= 0x80 && next <= 0xbf) return i;
    if (b === 0xe2 && next === 0x80 && i + 2 < bytes.length && bytes[i + 2]! >= 0x93 && bytes[i + 2]! <= 0xa6) return i;
  }
  return -1;
}

describe('the look for UTF-8 in a code-page file (both readers)', () => {
  it('finds what a byte-by-byte reading of the rule finds, where it finds it', () => {
    const interesting = fc.constantFrom(0xc3, 0xe2, 0x80, 0x93, 0xa6, 0xa7, 0x92, 0xa9, 0xbf, 0xc0, 0x7f, 0x0a, 0x41);
    fc.assert(
      fc.property(fc.array(fc.oneof(interesting, fc.integer({ min: 0, max: 255 })), { maxLength: 40 }), (bytes) => {
        const b = Buffer.from(bytes);
        expect(utf8Sequence(b)).toBe(byteByByte(b));
      }),
      { numRuns: 2000 },
    );
  });
});
