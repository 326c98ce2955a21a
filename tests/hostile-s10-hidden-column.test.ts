import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWith } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * A préfecture's town-hall workbook after a year of use: the old address column « Mail » is kept
 * but hidden, the current one, « Courriel », is beside it. Both are aliases of the email column;
 * src/data/columns.ts (matchColumns) takes the first header that matches, left to right, and only
 * reports two headers that normalise to the same text. The hidden, outdated column is mailed, and
 * check says the campaign is ready without naming either.
 */
interface Problem {
  message: string;
  file?: string;
}

describe('a town-hall workbook with an old email column hidden beside the current one', () => {
  it('mails the current address, or names the two email columns — never mails the hidden one without a word', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['Code INSEE', 'Mail', 'Courriel', 'Adresse', 'CP', 'Commune']);
    ws.addRow(['45001', 'mairie.adon@wanadoo.example', 'mairie@adon.example', '1 place de la Mairie', '45230', 'Adon']);
    ws.getColumn(2).hidden = true;
    const dir = campaignWith({});
    await wb.xlsx.writeFile(join(dir, 'data', 'mairies.xlsx'));
    const yaml = join(dir, 'campagne.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^ {2}mairies: .*$/m, '  mairies: data/mairies.xlsx'));

    const check = await relaisJson<{ errors: Problem[]; warnings: Problem[] }>(['-C', dir, 'check']);
    const named = [...check.json.errors, ...check.json.warnings].some((p) => p.file === 'data/mairies.xlsx' && p.message.includes('Mail') && p.message.includes('Courriel'));
    if (named) return;
    const { json } = await relaisJson<{ courriel?: { destinataire?: string } | null }>(['-C', dir, 'preview', '45001']);
    // check is silent (code 0) and preview mails « mairie.adon@wanadoo.example », the hidden column's.
    expect(json.courriel?.destinataire).toBe('mairie@adon.example');
  });
});
