import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { requireCampaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { readSignups } from '../src/tracker/signups.js';
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
