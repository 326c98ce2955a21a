import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { communeReference } from '../src/data/cog.js';
import { fieldText, openFastTable } from '../src/tracker/fast-csv.js';
import { departementOf, parseDay } from '../src/tracker/cells.js';
import { isoOf, type Figures } from '../src/tracker/aggregate.js';
import { isoDateKey } from '../src/tracker/bytes.js';
import { ZoneDays } from '../src/tracker/zone.js';
import { regionZone } from '../src/data/zones.js';
import { escapeHtml, htmlReport, producedOn } from '../src/tracker/html.js';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { fuzzRuns } from './helpers/fuzz.js';
import { relais, relaisJson } from './helpers/cli.js';

interface TrackJson {
  total: number;
  departements: Array<{ code: string; nom: string; total: number }>;
  categories: Record<string, number>;
  jours: Array<{ date: string; inscrits: number; cumul: number }>;
  doublons: number;
  rejetes: number;
  horsRegion: number;
  conflits: number;
}

const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';

async function readFast(content: string | Buffer) {
  const path = join(tempDir(), 'x.csv');
  writeFileSync(path, content);
  const table = await openFastTable(path, 'x.csv');
  const rows: Array<{ line: number; values: string[] }> = [];
  await table.scan((row) => rows.push({ line: row.line, values: Array.from({ length: row.count }, (_, i) => fieldText(row, i)) }));
  return { table, rows };
}

describe('the fast sign-up reader', () => {
  it('reads what csv-parse reads, quotes and newlines included', async () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'é', ' ', ';', '"', '\n', '1', '='), maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 20 }), async (records) => {
        const quote = (v: string) => (/[;"\n]/.test(v) || v.trim() !== v ? `"${v.replace(/"/g, '""')}"` : v);
        const text = `a;b;c\n${records.map((r) => r.map(quote).join(';')).join('\n')}\n`;
        const expected = (parse(text, { delimiter: ';', skip_empty_lines: true, relax_column_count: true }) as string[][]).slice(1);
        const { rows } = await readFast(text);
        expect(rows.map((r) => r.values)).toEqual(expected.filter((r) => !(r.length === 1 && r[0] === '')));
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it('gives the line where each record starts', async () => {
    const { rows } = await readFast(`${HEADER}\nV1;2020-03-26;45;;;;\n"V2";2020-03-26;"45";"a\nb";;;\nV3;2020-03-27;37;;;;\n`);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 5]);
  });

  it('reads Windows-1252 and a BOM', async () => {
    const latin = await readFast(Buffer.from(`${HEADER}\nV1;26/03/2020;45;;Infirmi\xe8re;soignant;inscrit\n`, 'latin1'));
    expect(latin.table.encoding).toBe('Windows-1252');
    expect(latin.rows[0]!.values[4]).toBe('Infirmière');
    const bom = await readFast(`\uFEFF${HEADER}\nV1;2020-03-26;45;;;;\n`);
    expect(bom.table.header[0]).toBe('id');
  });
});

describe('sign-up rules', () => {
  it.each([
    ['2020-03-26', '2020-03-26'],
    ['2020-03-26 14:05', '2020-03-26'],
    ['2020-03-26T14:05:00Z', '2020-03-26'],
    ['26/03/2020', '2020-03-26'],
    ['1/4/2020', '2020-04-01'],
    ['2020-03-26T14:05:00.123+02:00', '2020-03-26'],
    ['2020-03-26 23:59:59', '2020-03-26'],
    ['2020-03-26T00:00:00+0530', '2020-03-26'],
    ['26/03/2020 10h05', '2020-03-26'],
    ['26/03/2020 9h', '2020-03-26'],
    ['26/03/2020 9:05', '2020-03-26'],
  ])('reads the date %s', (text, iso) => {
    expect(isoOf(parseDay(text)!)).toBe(iso);
  });

  it.each(['31/04/2020', '2020-02-30', '2020-13-01', 'hier', '', '2020-04-01 25:00', '2020-04-01 23:99', '2020-04-01T10:00:61', '2020-04-01T', '26/03/2020 24h00', '26/03/2020 midi', '2020-04-01 10:00+25:00', '2020-04-01 10:00 et quelques'])('refuses the date %s', (text) => {
    expect(parseDay(text)).toBeUndefined();
  });

  it('finds the département from the column, the postal code or the INSEE code', () => {
    const ref = communeReference();
    expect(departementOf(ref, '45', '', '')).toBe('45');
    expect(departementOf(ref, '1', '', '')).toBe('01');
    expect(departementOf(ref, '99', '', '')).toBeUndefined();
    expect(departementOf(ref, '', '20000', '')).toBe('2A');
    expect(departementOf(ref, '', '20200', '')).toBe('2B');
    expect(departementOf(ref, '', '97110', '')).toBe('971');
    expect(departementOf(ref, '', '', '97611')).toBe('976');
    expect(departementOf(ref, '', '45000', '')).toBe('45');
  });
});

describe('relais track', () => {
  it('sums the sample sign-ups, de-duplicated across the two exports, and the letter uses the figure', async () => {
    const dir = sampleCampaign();
    const { code, json } = await relaisJson<TrackJson>(['-C', dir, 'track']);
    expect(code).toBe(0);
    expect(json.total).toBeGreaterThanOrEqual(2100);
    expect(json.total).toBeLessThan(2200);
    expect(json.doublons).toBeGreaterThan(1000);
    expect(json.horsRegion).toBeGreaterThan(0);
    expect(json.departements.map((d) => d.code)).toEqual(['18', '28', '36', '37', '41', '45']);
    expect(json.departements.reduce((n, d) => n + d.total, 0)).toBe(json.total);
    expect(json.jours.at(-1)!.cumul).toBe(json.total);
    expect(json.jours[0]!.date).toBe('2020-03-26');
    expect(json.jours.at(-1)!.date).toBe('2020-04-10');
    const preview = await relais(['-C', dir, 'preview', '45234', '--channel', 'lettre']);
    expect(preview.stdout).toContain(`pas moins de ${Math.floor(json.total / 100) * 100 === 2100 ? '2\u202f100' : ''} volontaires`);
  });

  it('prints a table with shares and bars, and the totals by category', async () => {
    const { stdout } = await relais(['-C', sampleCampaign(), 'track']);
    expect(stdout).toMatch(/45 {2}Loiret +[\d\u202f]+ +\d+,\d\u202f% +█+/);
    expect(stdout).toContain('Total région');
    expect(stdout).toContain('soignant');
  });

  it('filters by dates and groups by day', async () => {
    const { json } = await relaisJson<TrackJson>(['-C', sampleCampaign(), 'track', '--from', '2020-04-01', '--to', '02/04/2020']);
    expect(json.jours.map((j) => j.date)).toEqual(['2020-04-01', '2020-04-02']);
  });
});

describe('relais track: bad input', () => {
  function exportFile(dir: string, name: string, content: string | Buffer): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  it('an empty export', async () => {
    const dir = sampleCampaign();
    const { code, stderr } = await relais(['-C', dir, 'track', exportFile(dir, 'vide.csv', '')]);
    expect(code).toBe(1);
    expect(stderr).toContain('fichier vide');
  });

  it('a Windows-1252 file', async () => {
    const dir = sampleCampaign();
    const file = exportFile(dir, 'w.csv', Buffer.from(`${HEADER}\nV1;26/03/2020;45;;Infirmi\xe8re;soignant;inscrit\n`, 'latin1'));
    const { json } = await relaisJson<TrackJson & { metiers: Record<string, number> }>(['-C', dir, 'track', file]);
    expect(json.total).toBe(1);
    expect(json.metiers).toEqual({ Infirmière: 1 });
  });

  it('a date 31/04/2020 and a département 99 are rejected by file and line', async () => {
    const dir = sampleCampaign();
    const file = exportFile(dir, 'e.csv', `${HEADER}\nV1;31/04/2020;45;;;;\nV2;2020-04-01;99;;;;\nV3;2020-04-01;45;;;;\n`);
    const { code, json, stderr } = await relaisJson<TrackJson>(['-C', dir, 'track', file]);
    expect(code).toBe(0);
    expect(json).toMatchObject({ total: 1, rejetes: 2 });
    expect(stderr).toContain('e.csv:2: inscription rejetée : date « 31/04/2020 » invalide');
    expect(stderr).toContain('e.csv:3: inscription rejetée : département introuvable (« 99 »)');
  });

  it('the same id with two départements in two files: the latest wins, reported', async () => {
    const dir = sampleCampaign();
    const a = exportFile(dir, 'a.csv', `${HEADER}\nV1;2020-04-01;45;;;;\nV2;2020-04-01;37;;;;\n`);
    const b = exportFile(dir, 'b.csv', `${HEADER}\nV1;2020-04-01;18;;;;\n`);
    const { json, stderr } = await relaisJson<TrackJson>(['-C', dir, 'track', a, b]);
    expect(json).toMatchObject({ total: 2, doublons: 1, conflits: 1 });
    expect(json.departements.find((d) => d.code === '18')!.total).toBe(1);
    expect(json.departements.find((d) => d.code === '45')!.total).toBe(0);
    expect(stderr).toContain('le volontaire V1 change de département : 45 (a.csv:2) puis 18');
  });

  it('a 1 MB field', async () => {
    const dir = sampleCampaign();
    const file = exportFile(dir, 'big.csv', `${HEADER}\nV1;2020-04-01;45;;${'x'.repeat(1024 * 1024 + 10)};;\n`);
    const { code, stderr } = await relais(['-C', dir, 'track', file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/big\.csv:2: .*Ko/);
  });

  it('a formula in a métier: neutralised in CSV, escaped in HTML', async () => {
    const dir = sampleCampaign();
    const file = exportFile(dir, 'f.csv', `${HEADER}\nV1;2020-04-01;45;;=HYPERLINK("http://x.example","<b>clic</b>");soignant;inscrit\n`);
    const csv = join(dir, 'metiers.csv');
    await relais(['-C', dir, 'track', file, '--by', 'metier', '--format', 'csv', '--out', csv]);
    const text = readFileSync(csv, 'utf8');
    expect(text).toContain(`"'=HYPERLINK(""http://x.example"",""<b>clic</b>"")"`);
    const html = join(dir, 'rapport.html');
    await relais(['-C', dir, 'track', file, '--out', html]);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('=HYPERLINK(&quot;http://x.example&quot;,&quot;&lt;b&gt;clic&lt;/b&gt;&quot;)');
    expect(page).not.toContain('<b>clic</b>');
  });

  it('--out with another extension: the table as plain text, without colours', async () => {
    const dir = sampleCampaign();
    const file = join(dir, 'out', 'suivi.txt');
    const r = await relais(['-C', dir, 'track', '--out', file], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(r.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^45 {2}Loiret +573 +26,7\u202f%/m);
    expect(text).toMatch(/Total région +2\u202f148/);
    expect(text).not.toContain('\x1b[');
  });

  it('an unknown --by or a bad --from is a usage error', async () => {
    expect((await relais(['track', '--by', 'ville'])).code).toBe(2);
    expect((await relais(['track', '--from', '31/04/2020'])).code).toBe(2);
  });

  it('--from after --to is a usage error, not an empty report', async () => {
    const r = await relais(['track', '--from', '2020-04-10', '--to', '01/04/2020']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--from 10/04/2020 est après --to 01/04/2020');
  });

  it('a sign-up dated in the future is rejected by file and line, and never dates the figure', async () => {
    const dir = sampleCampaign();
    const file = exportFile(dir, 'futur.csv', `${HEADER}\nV1;2020-04-01;45;;;;\nV2;01/01/2999;45;;;;\n`);
    const { code, json, stderr } = await relaisJson<TrackJson & { date: string }>(['-C', dir, 'track', file]);
    expect(code).toBe(0);
    expect(json).toMatchObject({ total: 1, rejetes: 1, date: '2020-04-01' });
    expect(stderr).toMatch(/futur\.csv:3: inscription rejetée : date « 01\/01\/2999 » dans le futur \(après le \d\d\/\d\d\/\d{4}\)/);
    expect(stderr).toContain('1 ligne rejetée,');
  });
});

describe('the HTML report', () => {
  it('escapes every label that comes from data (property)', () => {
    // Each label carries an element of its own: it must come out as text, never as markup.
    const MARK = '<img src=x onerror="alert(1)">';
    const label = fc.string({ unit: fc.constantFrom('a', 'é', ' ', '&', '<', '>', '"', "'", '/', '='), maxLength: 10 }).map((t) => `${t}${MARK}${t}`);
    fc.assert(
      fc.property(fc.uniqueArray(label, { minLength: 1, maxLength: 4 }), fc.uniqueArray(label, { minLength: 1, maxLength: 4 }), label, label, (metiers, categories, titre, nom) => {
        const f: Figures = {
          total: 3,
          horsRegion: 0,
          exclus: 0,
          horsPeriode: 0,
          departements: [{ code: '45', nom, total: 3, part: 1 }],
          jours: [{ date: '2020-04-01', inscrits: 3, cumul: 3 }],
          categories: Object.fromEntries(categories.map((c) => [c, 1])),
          metiers: Object.fromEntries(metiers.map((m) => [m, 1])),
          date: '2020-04-01',
        };
        const page = htmlReport(f, { titre, region: nom, doublons: 0, rejetes: 0, genere: '10/04/2020' });
        expect(page).not.toContain('<img');
        for (const text of [...metiers, ...categories, titre, nom]) expect(page).toContain(escapeHtml(text));
      }),
      fuzzRuns(300),
    );
  });
});


describe('a sign-up written as an instant is counted on its day where the campaign is', () => {
  const paris = new ZoneDays(regionZone('24'));
  it.each([
    // Winter (UTC+1), the night of the change to summer time, summer (UTC+2).
    ['2020-03-26T23:30:00Z', '2020-03-27'],
    ['2020-03-26T22:59:59Z', '2020-03-26'],
    ['2020-03-26T23:30:00+01:00', '2020-03-26'],
    ['2020-03-26T18:30:00-0500', '2020-03-27'],
    ['2020-03-28T23:30:00Z', '2020-03-29'],
    ['2020-10-24T22:30:00.5Z', '2020-10-25'],
    ['2020-10-24T21:30:00Z', '2020-10-24'],
    // Without an offset, the day is the one written: the platform's own clock.
    ['2020-03-26T23:30:00', '2020-03-26'],
    ['2020-03-26', '2020-03-26'],
  ])('%s in Paris → %s', (text, iso) => {
    expect(isoOf(parseDay(text, paris)!)).toBe(iso);
  });

  it('overseas régions count on their own clock', () => {
    expect(regionZone('03')).toBe('America/Cayenne');
    expect(regionZone('04')).toBe('Indian/Reunion');
    expect(regionZone('11')).toBe('Europe/Paris');
    // 02:00 UTC is 23:00 the day before in Cayenne (UTC-3), 06:00 the same day in Réunion (UTC+4).
    expect(isoOf(parseDay('2020-03-27T02:00:00Z', new ZoneDays('America/Cayenne'))!)).toBe('2020-03-26');
    expect(isoOf(parseDay('2020-03-26T21:00:00Z', new ZoneDays('Indian/Reunion'))!)).toBe('2020-03-27');
  });

  it('the byte reader leaves instants to the general path', () => {
    for (const s of ['2020-03-26T23:30:00Z', '2020-03-26 23:30+01:00', '2020-03-26T23:30-0500']) expect(isoDateKey(Buffer.from(s), 0, s.length)).toBe(-1);
    const plain = '2020-03-26 23:30';
    expect(isoDateKey(Buffer.from(plain), 0, plain.length)).toBe(20200326);
  });
});

describe('the day the sign-up report is produced', () => {
  it("is the région's day, not the machine's", () => {
    // 22:30 UTC: already the next day at La Réunion, still the same in Paris and Guyane.
    const now = new Date('2026-11-30T22:30:00Z');
    expect(producedOn(now, 'Indian/Reunion')).toBe('01/12/2026');
    expect(producedOn(now, 'Europe/Paris')).toBe('30/11/2026');
    expect(producedOn(new Date('2026-12-01T02:00:00Z'), 'America/Cayenne')).toBe('30/11/2026');
  });
});
