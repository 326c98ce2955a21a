import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireCampaign, type Campaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { readSignups } from '../src/tracker/signups.js';
import { sampleCampaign } from './helpers/campaign.js';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/**
 * A row crossed out in Excel is set aside by the mayors' and town halls' sources (ligne-barree)
 * only when each cell is struck by its format (Ctrl+5 on the row). The same row crossed out by
 * selecting the text of each cell (rich text, every run struck: what one gets striking cell by
 * cell in edit mode, or pasting from Word) is not: each cell is read empty, and the row is
 * rejected as « code INSEE vide », an error about a code the user sees in the cell. The sign-up
 * export's reader (src/tracker/fast-csv.ts, openWorkbook) ignores strikes altogether: a
 * volunteer crossed out in the workbook is counted, and a status corrected by striking the old
 * word is read with both words (« inscrit désinscrit »), the meaning reversed. A row struck whole
 * whose « Remarques » cell was typed afterwards, unstruck, is rejected too; and a commune whose only
 * row is struck is then said to have « aucune ligne » in the list.
 */
const ref = communeReference();
const struck = (text: string) => ({ richText: [{ text, font: { strike: true } }] });

async function townHalls(header: string[], fill: (ws: ExcelJS.Worksheet) => void) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Mairies');
  ws.addRow(header);
  fill(ws);
  const dir = await campaignWithWorkbook('mairies', wb);
  const { joined, found } = await joinedDepartement(dir);
  return { found, account: joined.fichiers.find((f) => f.source === 'mairies')! };
}

describe('a town hall row struck through whole, its « Remarques » cell typed afterwards unstruck', () => {
  it('is set aside as a struck row: every cell relais reads is crossed out', async () => {
    const { found, account } = await townHalls(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune', 'Remarques'], (ws) => {
      ws.addRow(['45001', 'ancienne@adon.example', '3 rue Vieille', '45230', 'Adon', 'remplacée par la ligne 3']);
      for (let c = 1; c <= 5; c++) ws.getCell(2, c).font = { strike: true };
      ws.addRow(['45001', 'mairie@adon.example', '1 place de la Mairie', '45230', 'Adon']);
    });
    // Now: five « texte-barre », then « code INSEE vide »: rejected, not set aside.
    expect(found.items.filter((p) => p.line === 2 && p.file === 'data/mairies.xlsx').map((p) => p.kind)).toEqual(['ligne-barree']);
    expect(account).toMatchObject({ lus: 2, utilises: 1, rejetes: 0, ecartes: { 'ligne barrée dans Excel': 1 } });
  });
});

describe('a commune whose only town-hall row is struck through', () => {
  it('is not said to have « aucune ligne » in the town-hall list', async () => {
    const { found } = await townHalls(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune'], (ws) => {
      ws.addRow(['45001', 'ancienne@adon.example', '3 rue Vieille', '45230', 'Adon']);
      ws.getRow(2).eachCell((c) => (c.font = { strike: true }));
    });
    const adon = found.items.filter((p) => p.message.startsWith('Adon (45001)'));
    // Now: « Adon (45001) : aucune ligne dans le fichier des mairies, la lettre partira par courrier ».
    expect(adon.length).toBeGreaterThan(0);
    for (const p of adon) expect(p.message).not.toContain('aucune ligne');
  });
});

describe('a town hall row struck through whole, text by text', () => {
  it('is set aside as a struck row, counted and named, like a row struck by its format', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune']);
    ws.addRow([struck('45001'), struck('ancienne@adon.example'), struck('3 rue Vieille'), struck('45230'), struck('Adon')]);
    ws.addRow(['45001', 'mairie@adon.example', '1 place de la Mairie', '45230', 'Adon']);
    const dir = await campaignWithWorkbook('mairies', wb);
    const { joined, found } = await joinedDepartement(dir);
    const account = joined.fichiers.find((f) => f.source === 'mairies')!;
    // Now: five « texte-barre » warnings, then « code INSEE vide »; the row counted as rejected.
    expect(found.items.filter((p) => p.line === 2 && p.file === 'data/mairies.xlsx').map((p) => p.kind)).toEqual(['ligne-barree']);
    expect(account).toMatchObject({ lus: 2, utilises: 1, rejetes: 0, ecartes: { 'ligne barrée dans Excel': 1 } });
  });
});

describe('a sign-up export workbook with a volunteer crossed out', () => {
  let campaign: Campaign;
  beforeAll(async () => {
    campaign = await requireCampaign(sampleCampaign());
  });

  it('does not count the struck row, and accounts for it as set aside', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Inscriptions');
    ws.addRow(['id', 'date_inscription', 'departement', 'metier', 'categorie', 'statut']);
    ws.addRow(['V1', '2020-03-26', '45', 'Infirmier', 'soignant', 'inscrit']);
    ws.addRow(['V2', '2020-03-26', '45', 'Médecin', 'soignant', 'inscrit']);
    ws.getRow(3).eachCell((c) => (c.font = { strike: true }));
    ws.addRow(['V3', '2020-03-27', '37', 'Aide-soignant', 'soignant', 'inscrit']);
    const path = join(sampleCampaign(), 'inscriptions.xlsx');
    await wb.xlsx.writeFile(path);
    const r = await readSignups(campaign, { fichiers: [path], colonnes: {} }, ref);
    const account = r.fichiers[0]!;
    // Now: three volunteers counted, the crossed-out Médecin among them, and no word of it.
    expect(r.records.size).toBe(2);
    expect(account.lus).toBe(3);
    expect(account.utilises).toBe(2);
  });

  it('reads a status corrected by striking the old one (« ~~inscrit~~ désinscrit ») as what is left', async () => {
    const strike = (old: string, now: string) => ({ richText: [{ text: old, font: { strike: true } }, { text: ` ${now}` }] });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Inscriptions');
    ws.addRow(['id', 'date_inscription', 'departement', 'metier', 'statut']);
    ws.addRow(['V1', '2020-03-26', '45', 'Infirmier', strike('inscrit', 'désinscrit')]);
    ws.addRow(['V2', '2020-03-26', '45', 'Médecin', strike('désinscrit', 'inscrit')]);
    const path = join(sampleCampaign(), 'inscriptions.xlsx');
    await wb.xlsx.writeFile(path);
    const r = await readSignups(campaign, { fichiers: [path], colonnes: {} }, ref);
    const withdrawn = Array.from(r.records.excluded.subarray(0, r.records.size), (e, i) => `${r.records.names.metier[r.records.metier[i]!]}:${e}`);
    // Now: the withdrawn Infirmier counted (« inscrit désinscrit »), the Médecin who signed up again left out.
    expect(withdrawn).toEqual(['Infirmier:1', 'Médecin:0']);
  });
});
