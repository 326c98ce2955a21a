import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/**
 * readXlsx (src/data/xlsx.ts) reads the first visible sheet; hidden ones holding rows are named.
 * The « empty visible sheet » case is caught only when the visible sheet has no row at all: a
 * cover sheet with one line of text becomes the header, and the list is refused with a CSV
 * separator hint about a workbook. A « very hidden » sheet (hidden by a macro or the tool that
 * made the template: Excel's « Afficher » does not list it) is named with « clic droit,
 * Afficher » as the way to show it.
 */
const HEADER = ['code_insee_commune', 'courriel', 'numero_voie', 'code_postal', 'nom_commune'];
const ROW = ['45001', 'mairie@adon.example', '1 place de la Mairie', '45230', 'Adon'];

async function townHalls(build: (wb: ExcelJS.Workbook) => void) {
  const wb = new ExcelJS.Workbook();
  build(wb);
  const dir = await campaignWithWorkbook('mairies', wb);
  const { joined, found } = await joinedDepartement(dir);
  const said = found.items.filter((p) => p.file === 'data/mairies.xlsx' && p.kind !== 'sans-courriel');
  return { courriel: joined.recipients.find((r) => r.commune.code === '45001')?.contact?.courriel, said };
}

describe('a visible cover sheet with one line of text, the list in a hidden sheet', () => {
  it('names the hidden sheet holding the rows and says nothing of a CSV separator', async () => {
    const { said } = await townHalls((wb) => {
      wb.addWorksheet('Lisez-moi').addRow(['Liste des mairies du Loiret — mise à jour mars 2026']);
      const data = wb.addWorksheet('Mairies 2026');
      data.addRow(HEADER);
      data.addRow(ROW);
      data.state = 'hidden';
    });
    const errors = said.filter((p) => p.severity === 'error' || p.kind === 'colonne-manquante');
    expect(errors.length).toBeGreaterThan(0);
    // Now: « colonnes manquantes … ; une seule colonne lue avec le séparateur  : le séparateur
    // attendu est le point-virgule, la virgule ou la tabulation » — of an Excel workbook.
    for (const p of errors) expect(p.message).not.toContain('séparateur');
    expect(said.map((p) => p.message).join('\n')).toContain('« Mairies 2026 »');
  });
});

describe('a « very hidden » sheet (a template’s drop-down lists)', () => {
  it('does not tell the user to show it with a right click and « Afficher », which does not list it', async () => {
    const { courriel, said } = await townHalls((wb) => {
      const data = wb.addWorksheet('Mairies');
      data.addRow(HEADER);
      data.addRow(ROW);
      const lists = wb.addWorksheet('Listes');
      lists.addRow(['Oui']);
      lists.addRow(['Non']);
      lists.state = 'veryHidden';
    });
    expect(courriel).toBe('mairie@adon.example');
    for (const p of said.filter((q) => q.message.includes('« Listes »'))) expect(p.message).not.toContain('« Afficher »');
  });
});
