import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireCampaign, type Campaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { aggregate, dayOf } from '../src/tracker/aggregate.js';
import { isoDateKey, trimEnd, trimStart } from '../src/tracker/bytes.js';
import { ByteInterner } from '../src/tracker/interner.js';
import { departementOf, parseDay } from '../src/tracker/cells.js';
import { readSignups } from '../src/tracker/signups.js';
import { sampleCampaign } from './helpers/campaign.js';

/**
 * The tracker reads exports from their bytes (no string per field, ids in a hash table of
 * bytes): these tests hold that fast path to the plain rules, written the simple way.
 */
const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';
const ref = communeReference();
let dir: string;
let campaign: Campaign;
beforeAll(async () => {
  dir = sampleCampaign();
  campaign = await requireCampaign(dir);
});

const SPACES = [' ', '\t', '\u00a0', '\u202f', '\u2000', '\u200a', '\u3000', '\ufeff', '\u1680', '\u205f', '\u2028'];

describe('byte helpers', () => {
  it('trim bytes exactly as String.prototype.trim trims text', () => {
    const unit = fc.constantFrom(...SPACES, 'a', 'é', '€', '\u200b', '\u2010', '\u00a1', '😀');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), (s) => {
        const buf = Buffer.from(s);
        const start = trimStart(buf, 0, buf.length);
        expect(buf.toString('utf8', start, trimEnd(buf, start, buf.length))).toBe(s.trim());
      }),
      { numRuns: 3000, seed: 5 },
    );
  });

  it('read an ISO date from bytes as parseDay reads its text', () => {
    const unit = fc.constantFrom('0', '1', '2', '3', '9', '-', ' ', 'T', ':', '\n', 'x');
    fc.assert(
      fc.property(fc.string({ unit, minLength: 8, maxLength: 16 }), fc.constantFrom('2020-03-26', '2019-02-29', '2020-02-29', '2020-13-01', ''), (tail, head) => {
        const s = head + tail;
        const buf = Buffer.from(s);
        const key = isoDateKey(buf, 0, buf.length);
        if (key >= 0) {
          const iso = `${String(Math.floor(key / 10000)).padStart(4, '0')}-${String(Math.floor(key / 100) % 100).padStart(2, '0')}-${String(key % 100).padStart(2, '0')}`;
          expect(parseDay(iso)).toBe(parseDay(s));
        }
      }),
      { numRuns: 3000, seed: 6 },
    );
  });

  it('the byte interner numbers byte strings as a Map numbers strings', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'é', '0', ''), maxLength: 4 }), { maxLength: 3000 }), (keys) => {
        const interner = new ByteInterner(1);
        const map = new Map<string, number>();
        for (const k of keys) {
          const buf = Buffer.from(`«${k}»`);
          const slot = interner.intern(buf, 2, buf.length - 2);
          expect(interner.added).toBe(!map.has(k));
          if (!map.has(k)) map.set(k, map.size);
          expect(slot).toBe(map.get(k));
          expect(interner.text(slot)).toBe(k);
        }
        expect(interner.size).toBe(map.size);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});

/** The rules of readSignups + aggregate, written plainly over csv-parse. */
function plainTrack(files: string[]) {
  const latest = new Map<string, { dep: string; cat: string; withdrawn: boolean }>();
  let rejetes = 0;
  let doublons = 0;
  for (const text of files) {
    for (const r of (parse(text, { delimiter: ';', record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true, skip_empty_lines: true }) as string[][]).slice(1)) {
      const f = (i: number) => (r[i] ?? '').trim();
      const day = parseDay(f(1));
      const dep = departementOf(ref, f(2), f(3), '');
      if (!f(0) || day === undefined || !dep) {
        rejetes++;
        continue;
      }
      if (latest.has(f(0))) doublons++;
      latest.set(f(0), { dep, cat: f(5) || 'non renseignée', withdrawn: /^(désinscrit|annulé)/i.test(f(6)) });
    }
  }
  const counted = [...latest.values()].filter((v) => !v.withdrawn && ref.departements.get(v.dep)?.region === '24');
  const tally = (key: (v: (typeof counted)[number]) => string) => counted.reduce<Record<string, number>>((o, v) => ({ ...o, [key(v)]: (o[key(v)] ?? 0) + 1 }), {});
  return { total: counted.length, rejetes, doublons, deps: tally((v) => v.dep), categories: tally((v) => v.cat) };
}

describe('reading sign-up exports from bytes', () => {
  const cell = (values: string[]) => fc.constantFrom(...values);
  const row = fc.tuple(
    cell(['V1', 'V2', ' V2 ', 'V3', 'V3\u00a0', 'é4', 'V5', 'V6', '']),
    cell(['2020-03-26', '2020-03-27 10:00', '2020-04-01T08:00:00Z', '26/03/2020', '1/4/2020 9:00', '31/04/2020', 'hier', '\u202f2020-03-28']),
    cell(['45', ' 37', '18\u202f', '99', '', '2A', '1']),
    cell(['45000', '', '20000', '3700']),
    cell(['Infirmière', '', ' Médecin', 'a;b', 'x"y', 'deux\nlignes']),
    cell(['soignant', 'non-soignant', '', 'Soignant ', '\u00a0soignant']),
    cell(['inscrit', 'désinscrit', 'Annulé', '']),
  );
  const quote = (v: string) => (/[;"\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  // 'mixed': the line ending changes from row to row, as when one export is appended to another.
  const MIXED = ['\r\n', '\n', '\r'];
  const ending = (eol: string, i: number) => (eol === 'mixed' ? MIXED[i % 3]! : eol);
  const exportText = (rows: string[][], eol: string) => `${HEADER}${ending(eol, 0)}${rows.map((r, i) => `${r.map(quote).join(';')}${ending(eol, i + 1)}`).join('')}`;

  it('gives the figures the plain rules give, over random overlapping exports', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 40 }), fc.array(row, { maxLength: 40 }), fc.constantFrom('\n', '\r\n', '\r', 'mixed'), async (a, b, eol) => {
        const texts = [exportText(a, eol), exportText(b, eol)];
        const paths = texts.map((t, i) => {
          const path = join(dir, `p${n}-${i}.csv`);
          writeFileSync(path, t);
          return path;
        });
        n++;
        const read = await readSignups(campaign, { fichiers: paths, colonnes: {} }, ref);
        const figures = aggregate(read.records, new Map());
        const plain = plainTrack(texts);
        expect({ total: figures.total, rejetes: read.rejetes, doublons: read.doublons }).toEqual({ total: plain.total, rejetes: plain.rejetes, doublons: plain.doublons });
        expect(Object.fromEntries(figures.departements.filter((d) => d.total).map((d) => [d.code, d.total]))).toEqual(plain.deps);
        expect(figures.categories).toEqual(Object.fromEntries(Object.entries(plain.categories).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))));
      }),
      { numRuns: 150, seed: 8 },
    );
  });

  it('reads a file of many chunks: accents cut by a chunk edge, quoted lines, right line numbers', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 60_000; i++) rows.push(i % 1000 === 7 ? `V${i};2020-03-26;45;;"Aide-soignante;\nde nuit";soignant;inscrit` : `V${i};2020-03-26;${i % 2 ? '45' : '37'};;Infirmière éèàç${i % 3};soignant;inscrit`);
    rows.push('V-last;31/04/2020;45;;;;');
    const path = join(dir, 'large.csv');
    writeFileSync(path, `${HEADER}\n${rows.join('\n')}\n`);
    const read = await readSignups(campaign, { fichiers: [path], colonnes: {} }, ref);
    const figures = aggregate(read.records, new Map());
    expect(figures.total).toBe(60_000);
    // The line break inside the quoted cell is read as the space it stands for (one métier, not two).
    expect(figures.metiers).toMatchObject({ 'Infirmière éèàç0': 19_980, 'Aide-soignante; de nuit': 60 });
    // 60 records take two lines each: the last row starts on line 60,000 + 60 + 2.
    expect(read.problems.warnings.map((p) => p.line)).toEqual([60_062]);
  });

  it('reads CRLF, LF and bare CR alike, mixed midway and across chunk edges, with right line numbers', async () => {
    const endings = ['\r\n', '\n', '\r'];
    const rows: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      // The ending changes every 7,001 rows: long runs of each, so each one crosses chunk edges.
      const eol = endings[Math.floor(i / 7001) % 3]!;
      rows.push(`${i % 5000 === 3 ? `V${i};2020-03-26;45;;"deux${eol}lignes";soignant;inscrit` : `V${i};2020-03-26;45;;Infirmière;soignant;inscrit`}${eol}`);
    }
    const path = join(dir, 'endings.csv');
    writeFileSync(path, `${HEADER}\r\n${rows.join('')}V-bad;hier;45;;;;\r`);
    const read = await readSignups(campaign, { fichiers: [path], colonnes: {} }, ref);
    expect(read.lignes).toBe(40_001);
    expect(aggregate(read.records, new Map()).total).toBe(40_000);
    // 8 records take two lines each: the last row starts on line 40,000 + 8 + 2.
    expect(read.problems.warnings.map((p) => p.line)).toEqual([40_010]);
  });

  it('takes today as a parameter: a later sign-up is rejected with its file and line', async () => {
    const path = join(dir, 'today.csv');
    writeFileSync(path, `${HEADER}\nV1;2020-04-05;45;;;;\nV2;06/04/2020 00:01;45;;;;\nV3;2020-04-04T23:59;37;;;;\n`);
    const read = await readSignups(campaign, { fichiers: [path], colonnes: {} }, ref, [path], dayOf('2020-04-05'));
    const figures = aggregate(read.records, new Map());
    expect(figures.total).toBe(2);
    expect(figures.date).toBe('2020-04-05');
    expect(read.problems.warnings.map((p) => [p.line, p.message])).toEqual([[3, 'inscription rejetée : date « 06/04/2020 00:01 » dans le futur (après le 05/04/2020)']]);
  });

  it('names the line where UTF-8 breaks, deep in the file', async () => {
    const lines = Array.from({ length: 40_000 }, (_, i) => `V${i};2020-03-26;45;;Infirmière;soignant;inscrit`);
    const path = join(dir, 'mixed.csv');
    writeFileSync(path, Buffer.concat([Buffer.from(`${HEADER}\n${lines.join('\n')}\n`), Buffer.from('V-x;2020-03-26;45;;Infirmi\xe8re;;\n', 'latin1')]));
    const read = await readSignups(campaign, { fichiers: [path], colonnes: {} }, ref);
    expect(read.problems.errors.map((p) => [p.line, p.message])).toEqual([[40_002, expect.stringContaining('encodage incohérent')]]);
  });

  it('a garbage export: every rejection counted, the first thousand listed', async () => {
    const path = join(dir, 'garbage.csv');
    writeFileSync(path, `${HEADER}\n${Array.from({ length: 2500 }, (_, i) => `V${i};pas une date;45;;;;`).join('\n')}\n`);
    const read = await readSignups(campaign, { fichiers: [path], colonnes: {} }, ref);
    expect(read.rejetes).toBe(2500);
    expect(read.problems.warnings).toHaveLength(1001);
    expect(read.problems.warnings.at(-1)).toMatchObject({ line: 1002, more: 1500, message: expect.stringContaining('et 1\u202f500 autres du même type (inscription-rejetee)') });
  });
});
