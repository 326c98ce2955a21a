import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireCampaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { openTable } from '../src/data/table.js';
import { RelaisError } from '../src/errors.js';
import { fieldText, openFastTable } from '../src/tracker/fast-csv.js';
import { readSignups } from '../src/tracker/signups.js';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { encode, MAC, readTableBytes, WINDOWS } from './helpers/code-pages.js';

/**
 * Mac Roman told from Windows-1252 (isMacRoman in src/data/code-page.ts) on office files written
 * in capitals (La Poste's address norm, commune names as the COG spells them in many préfecture
 * lists), or holding one accent: a first version counted small accented letters only and guessed
 * these wrong, every accented capital read as another letter without a word.
 */


describe('Windows-1252 and Mac Roman told apart on real office files', () => {
  it('a Windows-1252 town-hall list in capitals for the Val-de-Marne (L’HAŸ-LES-ROSES) is not read as Mac Roman', async () => {
    const text =
      'code;commune;adresse\n' +
      '94028;CRÉTEIL;PLACE SALVADOR ALLENDE\n' +
      "94038;L'HAŸ-LES-ROSES;HÔTEL DE VILLE DE L'HAŸ-LES-ROSES\n" +
      '94068;SAINT-MAUR-DES-FOSSÉS;PLACE CHARLES DE GAULLE\n';
    const { encoding, values } = await readTableBytes('mairies.csv', encode(text, WINDOWS));
    // Read as Mac Roman: « CR…TEIL », « L'HAüS-LES-ROSES », « H‘TEL » — printed on the envelopes.
    expect(values.map((v) => v[1])).toEqual(['CRÉTEIL', "L'HAŸ-LES-ROSES", 'SAINT-MAUR-DES-FOSSÉS']);
    expect(encoding).toBe('Windows-1252');
  });

  it('a Mac Roman list in capitals (« HÔTEL DE VILLE » on every row) is not read as Windows-1252', async () => {
    const text = 'code;commune;adresse\n45001;ADON;HÔTEL DE VILLE\n45002;AILLANT-SUR-MILLERON;HÔTEL DE VILLE\n45003;SAINT-ÉTIENNE;HÔTEL DE VILLE\n';
    const { encoding, values } = await readTableBytes('mairies.csv', encode(text, MAC));
    // Read as Windows-1252: « HïTEL DE VILLE », « SAINT-ƒTIENNE ».
    expect(values.map((v) => v[2])).toEqual(['HÔTEL DE VILLE', 'HÔTEL DE VILLE', 'HÔTEL DE VILLE']);
    expect(values[2]![1]).toBe('SAINT-ÉTIENNE');
    expect(encoding).toBe('Mac Roman (Excel pour Mac)');
  });

  it('a Mac Roman file with a single accented letter is read as written (not « BrŽval »)', async () => {
    const text = 'code;commune;maire\n78107;Bréval;DUPONT\n78001;Adainville;MARTIN\n';
    const { values } = await readTableBytes('maires.csv', encode(text, MAC));
    expect(values[0]![1]).toBe('Bréval');
  });
});

describe('the line said for two exports appended, with old Mac line endings', () => {
  it('names the line where UTF-8 starts in a Mac Roman file with CR-only line ends (Excel « CSV Macintosh »)', async () => {
    // Five lines of Mac Roman, CR-ended, then a UTF-8 export appended from line 6.
    const bytes = Buffer.concat([encode('code;commune\r45234;Orléans\r45302;Saint-Jean-de-Braye\r45285;Saint-Benoît\r45089;Châteauneuf\r', MAC), Buffer.from('45208;Olivet-lès-Orléans\r', 'utf8')]);
    const path = join(tempDir(), 'maires.csv');
    writeFileSync(path, bytes);
    let error: unknown;
    try {
      const table = await openTable(path);
      for await (const _ of table.rows);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RelaisError);
    // Said now: « à partir de la ligne 1 » (only LF bytes are counted): the user looks at the header.
    expect((error as RelaisError).location.line).toBe(6);
    expect((error as RelaisError).message).toContain('à partir de la ligne 6');
  });
});

/**
 * Excel for Mac's « CSV (Macintosh) » is Mac Roman with a bare CR at each line's end. When the
 * first 64 KB are ASCII, sniffFileEncoding looks for the first byte beyond ASCII and sniffs 64 KB
 * from the start of its line, found by looking back for an LF (0x0A) in the 4 MB chunk: with CR
 * ends there is none, so the window starts at the chunk's start, 64 KB into the file, and holds no
 * accent when the first one is further down. The file is then taken for UTF-8 and refused at its
 * first accent as « encodage incohérent » — a sign-up export whose first rows have no accent.
 */
describe('an export with CR-only line ends whose first accent is past the first 128 KB', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => `V${String(i).padStart(6, '0')};2020-03-26;45;Infirmier;soignant`);
  const text = ['id;date_inscription;departement;metier;categorie', ...rows(5000), 'V999998;2020-03-27;37;Aide-soignante à domicile;soignant', 'V999999;2020-03-27;37;Infirmière;soignant', ''].join('\r');

  it('is read in Mac Roman by the table reader, not refused as UTF-8', async () => {
    const bytes = encode(text, MAC);
    expect(bytes.indexOf(0x88)).toBeGreaterThan(128 * 1024);
    const { encoding, values } = await readTableBytes('inscriptions.csv', bytes);
    expect(encoding).toBe('Mac Roman (Excel pour Mac)');
    expect(values.at(-1)).toEqual(['V999999', '2020-03-27', '37', 'Infirmière', 'soignant']);
  });

  it('is read in Mac Roman by the sign-ups fast reader, not refused as UTF-8', async () => {
    const path = join(tempDir(), 'inscriptions.csv');
    writeFileSync(path, encode(text, MAC));
    const fast = await openFastTable(path, 'inscriptions.csv');
    const metiers: string[] = [];
    await fast.scan((row) => metiers.push(fieldText(row, 3)));
    expect(metiers.slice(-2)).toEqual(['Aide-soignante à domicile', 'Infirmière']);
  });

  it('a Windows-1252 export with CR ends is read too (same cause)', async () => {
    const { encoding, values } = await readTableBytes('inscriptions.csv', encode(text, WINDOWS));
    expect(encoding).toBe('Windows-1252');
    expect(values.at(-1)![3]).toBe('Infirmière');
  });
});

describe('the sign-ups reader names the line where UTF-8 starts in a CR-ended file', () => {
  it('says line 5, not line 1', async () => {
    const dir = sampleCampaign();
    const campaign = await requireCampaign(dir);
    const path = join(dir, 'inscriptions.csv');
    writeFileSync(path, Buffer.concat([encode('id;date;departement;metier\rV1;2020-03-26;45;Infirmière\rV2;2020-03-26;45;Sage-femme\rV3;2020-03-26;45;Aide-soignant\r', WINDOWS), Buffer.from('V4;2020-03-27;37;Infirmière\r', 'utf8')]));
    const r = await readSignups(campaign, { fichiers: [path], colonnes: {} }, communeReference());
    const said = r.problems.items.filter((p) => p.kind === 'encodages-melanges');
    expect(said.map((p) => p.line)).toEqual([5]);
    expect(said[0]?.message).toContain('à partir de la ligne 5');
  });
});
