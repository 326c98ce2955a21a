import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/**
 * A préfecture list keeps a town hall under its commune's former code: 45106 (Coudray, since
 * 2016 part of Le Malesherbois, 45191) — in Corsica, every list kept from before 1976 has
 * 20004 for Ajaccio (2A004). relais rejects the line, rightly, naming 45191. But for Le
 * Malesherbois itself it then says « Le Malesherbois (45191) : aucune ligne dans le fichier des
 * mairies, la lettre partira par courrier » — untrue: line 2 is its line, rejected. The README
 * promises the opposite for the directory and for struck-through rows (« une commune dont la
 * seule fiche est rejetée … est dite telle, avec la ligne de la fiche, et non « aucune ligne » »).
 * A user expects the commune's message to name its rejected line, not to deny it exists.
 */
describe('a town hall whose only line carries its former commune code', () => {
  it('is not said to have « aucune ligne » in the list: its rejected line is named', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune']);
    ws.addRow(['45106', 'mairie@malesherbois.example', '1 place de la Mairie', '45330', 'Le Malesherbois']);
    const dir = await campaignWithWorkbook('mairies', wb);
    const { found } = await joinedDepartement(dir);
    const all = [...found.errors, ...found.warnings];
    // The line itself is rejected, naming the commune to use (this already works).
    expect(all.some((p) => p.line === 2 && /45191/.test(p.message))).toBe(true);
    const aboutCommune = all.filter((p) => p.line !== 2 && /\(45191\)/.test(p.message)).map((p) => p.message);
    // Now: « Le Malesherbois (45191) : aucune ligne dans le fichier des mairies, la lettre partira par courrier ».
    expect(aboutCommune.join('\n')).not.toMatch(/aucune ligne/);
  });
});
