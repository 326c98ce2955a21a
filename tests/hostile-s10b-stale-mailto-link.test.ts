import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWith } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * Excel turns a typed address into a mailto: link. When the town hall changes address and the
 * préfecture's agent types the new one over the old in that cell, Excel changes the text shown
 * and keeps the link's target: the cell shows « secretariat@adon.example », its link still goes
 * to « mairie.adon@wanadoo.example », the address the town hall gave up. src/data/xlsx.ts
 * (cellText) now takes a mailto: target before the text, without a word: the email goes to the
 * abandoned address the user no longer sees anywhere, and check says nothing. A cell whose text
 * is itself an address is the address the user reads and corrected; the link is only a label's
 * target when the text is no address (« Écrire à la mairie »), and when both are addresses and
 * disagree, the user should at least be told.
 */
describe('a mailto: link whose text was corrected in Excel and whose target was not', () => {
  it('mails the address the cell shows, or says that the link points elsewhere', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune']);
    ws.addRow(['45001', { text: 'secretariat@adon.example', hyperlink: 'mailto:mairie.adon@wanadoo.example' }, '1 place de la Mairie', '45230', 'Adon']);
    const dir = campaignWith({});
    await wb.xlsx.writeFile(join(dir, 'data', 'mairies.xlsx'));
    const yaml = join(dir, 'campagne.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^ {2}mairies: .*$/m, '  mairies: data/mairies.xlsx'));
    const { json, stderr } = await relaisJson<{ courriel?: { destinataire?: string } }>(['-C', dir, 'preview', '45001']);
    if (json.courriel?.destinataire === 'secretariat@adon.example') return;
    // It mails mairie.adon@wanadoo.example, and check names neither address.
    const check = await relaisJson<{ errors: Array<{ message: string }>; warnings: Array<{ message: string }> }>(['-C', dir, 'check']);
    const said = [...check.json.errors, ...check.json.warnings].map((p) => p.message).join('\n');
    const told = said.includes('secretariat@adon.example') && said.includes('mairie.adon@wanadoo.example');
    expect(json.courriel?.destinataire === 'secretariat@adon.example' || told, `destinataire ${json.courriel?.destinataire}\n${stderr}`).toBe(true);
  });
});
