import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/**
 * readXlsx (this session): a first sheet without the header `isHeader` recognises gives way to a
 * later sheet that has one. The town-hall list's isHeader knows only the built-in names
 * (« code insee », « code commune »…), not the columns a user names in campagne.yaml
 * (sources.mairies.colonnes). A préfecture's workbook whose first sheet « Mairies » has
 * « N° commune » / « Mail mairie », named in campagne.yaml, and a reference sheet « Codes »
 * behind it (« code commune », « commune », no emails) is now read from « Codes »: the columns
 * the user named are « introuvables » there and no town hall of the list is reached. Before this
 * session the first sheet — the one the user named columns of — was read.
 */
describe('a town-hall workbook whose columns are named in campagne.yaml, a reference sheet behind it', () => {
  it('is read from its first sheet, the one holding the named columns', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['N° commune', 'Mail mairie', 'Adresse', 'CP', 'Ville']);
    ws.addRow(['45001', 'mairie@adon.example', '1 place de la Mairie', '45230', 'Adon']);
    const ref = wb.addWorksheet('Codes');
    ref.addRow(['code commune', 'commune']);
    ref.addRow(['45001', 'Adon']);
    const named = (y: string) => y.replace(/^ {2}mairies: .*$/m, '  mairies:\n    fichier: data/mairies.xlsx\n    colonnes:\n      insee: N° commune\n      courriel: Mail mairie');
    const { found, recipient } = await joinedDepartement(await campaignWithWorkbook('mairies', wb, named));
    const said = [...found.errors, ...found.warnings].map((p) => p.message).join('\n');
    expect(recipient('45001')?.contact?.courriel, said).toBe('mairie@adon.example');
    expect(found.warnings.filter((p) => p.kind === 'feuille-lue').map((p) => p.message)).toEqual([]);
  });
});
