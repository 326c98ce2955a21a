import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { sampleWithoutPublications, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';

/**
 * The hidden columns and hidden sheets of a workbook are settled, and said, for the mayors', the
 * town halls' and the sign-ups' files (settleDuplicates, preferVisibleColumns, Table.sheets). The
 * posts calendar kept in Excel (`relais schedule import`, src/delivery/schedule-io.ts
 * importPostsDetailed) reads its columns by `names.indexOf(n)`: the first « texte », hidden or
 * not, and never looks at `table.sheets`. A communicator who kept last year's texts in a hidden
 * « texte » column and typed this year's in a visible one has last year's text published on the
 * networks, without a word.
 */
interface Post {
  text: string;
  status: string;
}

describe('a posts workbook whose first « texte » column is hidden in Excel', () => {
  it('does not publish the hidden column’s text without a word', async () => {
    const dir = sampleWithoutPublications();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Publications');
    ws.addRow(['canal', 'date', 'texte', 'texte']);
    ws.addRow(['linkedin', '2031-04-11 09:00', 'Appel 2020 : rejoignez renfort-covid.fr avant le 15 avril', 'Appel 2031 : les établissements du Loiret cherchent des volontaires']);
    ws.getColumn(3).hidden = true;
    const file = join(tempDir(), 'publications.xlsx');
    await wb.xlsx.writeFile(file);
    const imported = await relais(['-C', dir, 'schedule', 'import', file]);
    const posts = (await relaisJson<Post[]>(['-C', dir, 'schedule', 'list'])).json;
    const queued = posts.filter((p) => p.status === 'queued').map((p) => p.text);
    // Now: exit 0, « 1 publication importée », the hidden 2020 text queued for LinkedIn.
    if (imported.code === 0) expect(queued).toEqual(['Appel 2031 : les établissements du Loiret cherchent des volontaires']);
    else expect(imported.stderr).toMatch(/masquée/);
  });
});
