import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCampaign } from '../src/campaign/check.js';
import { openTable } from '../src/data/table.js';
import { Journal } from '../src/delivery/journal.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { importPosts } from '../src/delivery/schedule-import.js';
import { RelaisError } from '../src/errors.js';
import { campaignWith, CONTACT_HEADER, RNE_HEADER, sampleCampaign, tempDir } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { fuzzRuns, tallyFor } from './helpers/fuzz.js';

/**
 * The file formats people hand relais, random and mutated: Excel workbooks, the RNE and contacts
 * files inside a whole campaign check, and the schedule import. A result, or relais's own French
 * error with its file — never an uncaught exception, never half an import.
 */
/** What was tried, for the table of `npm run fuzz`. */
const tally = tallyFor('fuzz-files');

const dir = tempDir('relais-fuzz-files-');
let counter = 0;
const path = (name: string) => join(dir, `${counter++}-${name}`);

async function drain(rows: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of rows) n++;
  return n;
}

const word = fc.string({ unit: fc.constantFrom('a', 'É', ' ', ';', '"', '\n', '=', '0', '😀', '\u202f', '<'), maxLength: 12 });

describe('fuzzing the file formats', () => {
  it('Excel workbooks: random cells read back as written, mutated bytes refused in French', async () => {
    const cell = fc.oneof(word, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.date({ min: new Date('1900-03-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.constant(null));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { maxLength: 6 }), { minLength: 1, maxLength: 8 }), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 10, maxLength: 10 }), fc.nat(), async (rows, flips, cut) => {
        n++;
        const wb = new ExcelJS.Workbook();
        const ws = wb.addWorksheet('Feuil1');
        for (const r of rows) ws.addRow(r);
        const file = path('f.xlsx');
        await wb.xlsx.writeFile(file);
        // The intact workbook: every non-empty row comes back, strings as written (trimmed).
        try {
          const table = await openTable(file);
          const read = [table.header, ...(await collect(table.rows))];
          const firstString = rows.flat().find((v): v is string => typeof v === 'string' && v.trim() !== '');
          if (firstString !== undefined) expect(read.flat()).toContain(firstString.trim());
        } catch (err) {
          // Only a workbook with nothing in it is refused.
          expect((err as Error).message).toBe('classeur vide');
        }
        // The same bytes, damaged: a flipped byte at ten places in turn, then a cut end.
        const intact = readFileSync(file);
        const damaged = [...flips.map(([at, value]) => Buffer.from(intact).fill(value, at % intact.length, (at % intact.length) + 1)), intact.subarray(0, Math.max(1, cut % intact.length))];
        for (const bytes of damaged) {
          n++;
          const copy = path('d.xlsx');
          writeFileSync(copy, bytes);
          try {
            await drain((await openTable(copy)).rows);
          } catch (err) {
            expect(err).toBeInstanceOf(RelaisError);
          }
        }
      }),
      fuzzRuns(250, { test: 60 }),
    );
    tally.push(['classeurs Excel (écrits puis abîmés)', n]);
  });

  it('RNE and contacts rows, through a whole campaign check', async () => {
    const cells = {
      dep: fc.constantFrom('45', '37', '045', '2A', '99', '', 'ZZ', '1'),
      commune: fc.constantFrom('234', '001', '45234', '999', '', 'abc', '0'),
      name: word,
      sexe: fc.constantFrom('M', 'F', 'X', '', 'm'),
      date: fc.constantFrom('01/01/1960', '31/02/1960', '', '1960-01-01', 'x'),
      insee: fc.constantFrom('45234', '37261', '4523', '99999', '', '2A004', "'45001"),
      email: fc.constantFrom('mairie@orleans.fr', 'pas-un-courriel', '', 'a@b', 'x@y.fr;z@w.fr', ' mairie@tours.fr '),
    };
    const sep = fc.constantFrom(';', ';', ';', ',', '"', '\t');
    const rne = fc.tuple(cells.dep, fc.constant(''), fc.constant(''), fc.constant(''), cells.commune, cells.name, cells.name, cells.name, cells.sexe, cells.date, fc.constant('33'), cells.name, cells.date, cells.date);
    const contact = fc.tuple(cells.insee, cells.email, cells.name, fc.constantFrom('45000', '37000', '', '4500'), cells.name);
    // The flat contact list (the sample's own town halls are a directory export).
    const base = campaignWith({ mairies: CONTACT_HEADER });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(rne, sep), { maxLength: 8 }), fc.array(fc.tuple(contact, sep), { maxLength: 8 }), async (mayors, contacts) => {
        n++;
        writeFileSync(join(base, 'data', 'maires.csv'), [RNE_HEADER, ...mayors.map(([r, s]) => r.join(s))].join('\n'));
        writeFileSync(join(base, 'data', 'mairies.csv'), [CONTACT_HEADER, ...contacts.map(([c, s]) => c.join(s))].join('\n'));
        const { report } = await checkCampaign(base);
        for (const p of report.errors) {
          expect(p.file, p.message).toBeDefined();
          if (p.scope === 'row' && /maires|mairies/.test(p.file ?? '')) expect(p.line, p.message).toBeGreaterThan(0);
        }
        // A warning names its file, or at least what it is about (a commune's population).
        for (const p of report.warnings) expect(p.file ?? p.field, p.message).toBeDefined();
      }),
      fuzzRuns(40, { test: 15 }),
    );
    tally.push(['fichiers RNE et mairies (campagne entière)', n]);
  });

  it('the schedule import: all or nothing', async () => {
    const journal = Journal.open(tempDir(), 'fuzz');
    const store = new PostStore(journal);
    const now = new Date('2026-01-05T10:00:00Z');
    const row = fc.tuple(fc.constantFrom('', '1', 'x'), fc.constantFrom('twitter', 'x', 'facebook', 'linkedin', 'Facebook', 'myspace', ''), fc.constantFrom('2026-02-01 10:00', '01/02/2026 10:00', '2026-02-30 10:00', '2020-01-01 10:00', 'demain', ''), fc.oneof(word, fc.constant('x'.repeat(300))), fc.constantFrom('', 'queued', 'publié', 'en attente'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(row, fc.constantFrom(';', ',', '"')), { maxLength: 6 }), fc.boolean(), async (rows, header) => {
        n++;
        const file = path('import.csv');
        writeFileSync(file, [...(header ? ['id;canal;date;texte;statut'] : []), ...rows.map(([r, s]) => r.join(s))].join('\n'));
        const before = store.list().length;
        try {
          const added = await importPosts(store, file, 'import.csv', now);
          expect(store.list().length).toBe(before + added);
        } catch (err) {
          expect(err).toBeInstanceOf(RelaisError);
          expect((err as RelaisError).location.file).toBe('import.csv');
          expect(store.list().length).toBe(before);
        }
      }),
      fuzzRuns(1000, { test: 300 }),
    );
    journal.close();
    tally.push(['import de publications (CSV)', n]);
  });
});

async function collect(rows: AsyncIterable<{ values: string[] }>): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of rows) out.push(r.values);
  return out;
}

describe('garbage does not grow memory', () => {
  /** 24 MB of bytes that look like a CSV gone wrong: fields, delimiters, quotes, line ends. */
  function garbage(seed: number, quotes: boolean): Buffer {
    const pieces = ['45', ';', ';', '\n', '\r\n', 'é', 'Orléans', '2020-04-01', '=1+1', '\0', 'x'.repeat(40), ' ', ...(quotes ? ['"'] : [])];
    const out: string[] = [];
    let x = seed;
    for (let size = 0; size < 24 * 1024 * 1024; ) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const p = pieces[x % pieces.length]!;
      out.push(p);
      size += p.length;
    }
    return Buffer.from(out.join(''), 'utf8');
  }
  // A V8 heap of 160 MB: a reader that kept every bad row (or its message) would die of it.
  const env = { NODE_OPTIONS: '--max-old-space-size=160' };

  it.each([
    ['without quotes: a million bad rows', false],
    ['with quotes: records that never end', true],
  ])('a sign-up export and a mayors file of garbage, %s: a French report, within a small heap', async (_, quotes) => {
    const dir = sampleCampaign();
    writeFileSync(join(dir, 'garbage.csv'), Buffer.concat([Buffer.from('id;date_inscription;departement;code_postal\n'), garbage(1, quotes)]));
    const tracked = await relais(['-C', dir, 'track', join(dir, 'garbage.csv'), '--json'], { env });
    expect(tracked.stderr).not.toMatch(/heap|allocation failed|at .*\.js/i);
    expect([0, 1]).toContain(tracked.code);
    expect(tracked.stderr).toContain('garbage.csv');

    writeFileSync(join(dir, 'data', 'maires.csv'), Buffer.concat([Buffer.from(`${RNE_HEADER}\n`), garbage(2, quotes)]));
    const checked = await relais(['-C', dir, 'check'], { env });
    expect(checked.stderr + checked.stdout).not.toMatch(/heap|allocation failed|at .*\.js/i);
    expect(checked.code).toBe(1);
    expect(checked.stdout + checked.stderr).toContain('maires.csv');
    tally.push([`24 Mo de déchets ${quotes ? 'avec' : 'sans'} guillemets (track, check), tas limité à 160 Mo`, 2]);
  }, 120_000);
});
