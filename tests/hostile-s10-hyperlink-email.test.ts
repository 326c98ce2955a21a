import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWith } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * A town-hall list pasted into Excel from a web page: the email column holds links whose text is
 * « Écrire à la mairie » and whose target is `mailto:mairie@adon.example`. The README says
 * « `mailto:` [est] lu comme l'adresse »; src/data/xlsx.ts (cellText) takes the link's text before
 * its target (`if (v.text !== undefined) return cellText(v.text)`), so the address in the cell is
 * never seen: the town hall is reported « mal formée » and sent its letter by post.
 */
describe('a town-hall list whose email cells are mailto: links with a label', () => {
  it('mails the address the link points at, instead of « adresse « Écrire à la mairie » mal formée … la lettre partira par courrier »', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune']);
    ws.addRow(['45001', { text: 'Écrire à la mairie', hyperlink: 'mailto:mairie@adon.example' }, '1 place de la Mairie', '45230', 'Adon']);
    const dir = campaignWith({});
    await wb.xlsx.writeFile(join(dir, 'data', 'mairies.xlsx'));
    const yaml = join(dir, 'campagne.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^ {2}mairies: .*$/m, '  mairies: data/mairies.xlsx'));
    const { json, stderr } = await relaisJson<{ courriel?: { destinataire?: string } }>(['-C', dir, 'preview', '45001']);
    // preview gives no email at all; check says « fichier des mairies : adresse électronique
    // « Écrire à la mairie » mal formée (Adon) : jamais utilisée, la lettre partira par courrier ».
    expect(json.courriel?.destinataire, stderr).toBe('mairie@adon.example');
  });
});
