import { describe, expect, it } from 'vitest';
import { campaignWith, RNE_HEADER, rneRow } from './helpers/campaign.js';
import { joinedDepartement } from './helpers/workbook.js';

/**
 * The mayors' file re-saved from Excel by the préfecture, with the count an office types under
 * the table: « Total » in the first column, =NBVAL(E2:E4) under « Code de la commune ». The
 * README promises: « Dans le fichier des maires comme dans la liste des mairies, la ligne
 * « Total » qu'un bureau ajoute sous le tableau est écartée comme telle, avec un avertissement qui
 * la nomme (elle est comptée parmi les lignes écartées, pas rejetées) ». relais takes the count
 * (3) for a 2020-style commune number, pads it and glues it to « Total » and reports three errors on the line:
 * « code INSEE TOTAL003 inconnu » (a code nobody typed), « nom de l'élu vide », « code sexe « »
 * invalide » — and the campaign is blocked. (Corsica walk-through: « TOTAL360 ».) A user expects
 * the line set aside as a total, with a warning, as in the town-hall list.
 */
describe('a « Total » line under the mayors\' file, its count in the commune code column', () => {
  it('is set aside as a total line, not rejected with three errors', async () => {
    const maires = [
      RNE_HEADER,
      rneRow('45', '45001', 'Adon', 'MARTIN', 'Claire', 'F'),
      rneRow('45', '45002', 'Aillant-sur-Milleron', 'DUPONT', 'Jean', 'M'),
      rneRow('45', '45003', 'Altes', 'LEROY', 'Anne', 'F'),
      'Total;;;;3;;;;;;;;;',
      '',
    ].join('\r\n');
    const dir = campaignWith({ maires });
    const { found } = await joinedDepartement(dir);
    const onTotal = found.errors.filter((p) => p.file === 'data/maires.csv' && p.line === 5).map((p) => p.message);
    // Now: « code INSEE TOTAL003 inconnu du Code officiel géographique », « nom de l'élu vide », « code sexe «  » invalide ».
    expect(onTotal).toEqual([]);
    const warned = found.warnings.filter((p) => p.file === 'data/maires.csv' && p.line === 5).map((p) => p.message);
    expect(warned.join('\n')).toMatch(/total/i);
  });
});
