import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { sampleWithoutPublications, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';

/**
 * `schedule export` then `schedule import`, as an ARS communicator does it: export, edit in a
 * spreadsheet, import the file back into the same campaign.
 */
interface Post {
  id: number;
  local_time: string;
  tz: string;
  channel: string;
  status: string;
  text: string;
}


describe('an export imported back into the campaign it came from', () => {
  it('does not queue every post a second time without a word', async () => {
    const dir = sampleWithoutPublications();
    expect((await relais(['-C', dir, 'schedule', 'add', '--channel', 'linkedin', '--at', '2031-04-11 09:00', '--text', 'Appel aux volontaires du Loiret'])).code).toBe(0);
    expect((await relais(['-C', dir, 'schedule', 'export', join(dir, 'out/publications.csv')])).code).toBe(0);
    const imported = await relais(['-C', dir, 'schedule', 'import', join(dir, 'out/publications.csv')]);
    expect(imported.code, imported.stderr).toBe(0);
    const queued = (await relaisJson<Post[]>(['-C', dir, 'schedule', 'list'])).json.filter((p) => p.status === 'queued');
    // It used to say "1 ligne lue : 1 publication importée, 0 écartée." and queue two identical
    // posts: the same post (network, instant, text) already in the calendar is set aside, named.
    expect(queued.length, `${queued.length} posts queued, output:\n${imported.stdout}${imported.stderr}`).toBe(1);
    expect(imported.stdout).toContain('1 ligne lue : 0 publication importée, 1 écartée.');
    expect(imported.stdout).toContain('publications.csv:2: déjà au calendrier : publication n° 1 (prévue), même réseau, même heure, même texte ; pas importée');
  });
});

describe('a schedule kept in Excel (.xlsx), the date typed in a cell', () => {
  it('"11/04/2031 09:00" in a date cell is 09:00 in Paris: neither dropped to a day nor shifted as UTC', async () => {
    const dir = sampleWithoutPublications();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Publications');
    ws.addRow(['id', 'canal', 'date', 'texte', 'statut']);
    // Excel keeps the wall-clock time the agent typed, without a zone (exceljs reads it as UTC).
    ws.addRow(['', 'linkedin', new Date(Date.UTC(2031, 3, 11, 9, 0)), 'Appel aux volontaires', '']);
    ws.getCell('C2').numFmt = 'dd/mm/yyyy hh:mm';
    const file = join(tempDir(), 'publications.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await relais(['-C', dir, 'schedule', 'import', file]);
    // It used to say: "date « 2031-04-11 » illisible" — src/data/xlsx.ts keeps only the day of a date cell,
    // and the message shows a value the agent never typed.
    expect(r.code, r.stderr).toBe(0);
    const posts = (await relaisJson<Post[]>(['-C', dir, 'schedule', 'list'])).json;
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ local_time: '2031-04-11 09:00', tz: 'Europe/Paris' });
  });
});

describe('five images on X in an import', () => {
  it('the error names the column of the fifth image, not media_1', async () => {
    const dir = sampleWithoutPublications();
    const header = ['id', 'canal', 'date', 'texte', 'statut'];
    const row = ['', 'twitter', '2031-04-11 09:00', 'Cinq images', ''];
    for (let n = 1; n <= 5; n++) {
      const png = new PNG({ width: 40, height: 20 });
      png.data.fill(40 * n);
      writeFileSync(join(dir, 'medias', `image-${n}.png`), PNG.sync.write(png));
      header.push(`media_${n}`, `texte_alternatif_${n}`);
      row.push(`medias/image-${n}.png`, `Image ${n}`);
    }
    const file = join(tempDir(), 'cinq.csv');
    writeFileSync(file, `${header.join(';')}\n${row.join(';')}\n`);
    const r = await relais(['-C', dir, 'schedule', 'import', file]);
    expect(r.code).toBe(1);
    // It used to say: "cinq.csv:2: media_1 : 5 médias, au-delà des 4 qu'une publication X peut porter".
    expect(r.stderr).toMatch(/media_5 : 5 médias/);
  });
});

describe('an export re-saved by Excel (French locale) after a date was edited', () => {
  it('reads the date as Excel writes it back, "11/04/2031 09:00", as 09:00 in Paris', async () => {
    const dir = sampleWithoutPublications();
    // What Excel writes when it saves the CSV: ";" separated, Windows-1252, CRLF, dates dd/mm/yyyy hh:mm.
    const text = 'id;canal;date;texte;statut\r\n1;linkedin;11/04/2031 09:00;Appel aux volontaires de la région;queued\r\n';
    const file = join(tempDir(), 'publications.csv');
    writeFileSync(file, Buffer.from(text, 'latin1'));
    const r = await relais(['-C', dir, 'schedule', 'import', file]);
    // It used to say: "date « 11/04/2031 09:00 » illisible : attendu « AAAA-MM-JJ HH:MM » …", nothing imported:
    // the export is made for Excel (BOM, ";"), but Excel's own way of writing a date is refused.
    expect(r.code, r.stderr).toBe(0);
    const posts = (await relaisJson<Post[]>(['-C', dir, 'schedule', 'list'])).json;
    expect(posts[0]).toMatchObject({ local_time: '2031-04-11 09:00', tz: 'Europe/Paris' });
  });
});
