import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { campaignWith, sampleCampaign, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';

/**
 * Two exports appended into one file (`copy /b a.csv+b.csv`, or a paste at the end in Notepad): the
 * first saved by Excel as « CSV (séparateur : point-virgule) », in Windows-1252, the second by
 * another office in UTF-8. The repeated header is found and set aside, but the whole file is
 * decoded as Windows-1252 (src/data/table.ts / src/tracker/fast-csv.ts choose one encoding for
 * the file): every accent of the UTF-8 part turns into two or three wrong characters, silently.
 * The town-hall list's address lines are printed so on the envelope; `check` says the campaign
 * is ready.
 */
const ENCODING_WORD = /encodage|UTF-8|Windows-1252/i;

describe('a town-hall list: a Windows-1252 export with a UTF-8 export appended', () => {
  it('does not print « HA´TEL DE VILLE / 3 PLACE DE LA€™A‰GLISE » on Amboise’s letter while check says the campaign is ready', async () => {
    const header = 'code_insee_commune;adresse_courriel;complement1;numero_voie;code_postal;nom_commune';
    // Windows-1252: as latin1, but ’ (U+2019) is the byte 0x92, written by hand.
    const windowsBytes = Buffer.from(`${header}\r\n45001;mairie@adon.example;Hôtel de Ville;1 place de l’Église;45230;Adon\r\n`.replace('\u2019', '\u0092'), 'latin1');
    const utf8 = Buffer.from(`${header}\n37003;;Hôtel de Ville;3 place de l’Église;37400;Amboise\n`, 'utf8');
    const dir = campaignWith({ mairies: Buffer.concat([windowsBytes, utf8]) });

    const check = await relais(['-C', dir, 'check']);
    const preview = await relais(['-C', dir, 'preview', '37003']);
    // Refused until the file is saved in one encoding (check names the line where UTF-8 starts), or
    // printed without garbage.
    if (preview.code !== 0) {
      expect(check.code).toBe(1);
      expect(check.stdout).toMatch(/mairies\.csv:4: .*mélange deux encodages : Windows-1252 \(Excel\) et UTF-8 à partir de la ligne 4/);
      return;
    }
    const letter = preview.stdout.slice(0, preview.stdout.indexOf('Objet'));
    const garbled = /HA´TEL|€™|Ã|Â/.test(letter);
    // It prints « HA´TEL DE VILLE » and « 3 PLACE DE LA€™A‰GLISE », and check ends with
    // « ✔ Aucune erreur … : la campagne est prête. » with no word on the encoding.
    expect(!garbled || ENCODING_WORD.test(`${check.stdout}${check.stderr}`), `${letter}\n--- check ---\n${check.stdout.split('\n').slice(-3).join('\n')}`).toBe(true);
  });
});

describe('a sign-up export: a Windows-1252 export with a UTF-8 export appended', () => {
  it('does not count a métier « InfirmiÃ¨re » beside « Infirmière » without a word', async () => {
    const header = 'id;date_inscription;departement;code_postal;metier;categorie;statut';
    const windows = Buffer.from(`${header}\r\nA1;26/03/2020 10:00;45;45000;Infirmière;soignant;inscrit\r\n`, 'latin1');
    const utf8 = Buffer.from(`${header}\nB1;27/03/2020 10:00;37;37000;Infirmière;soignant;inscrit\n`, 'utf8');
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(file, Buffer.concat([windows, utf8]));
    const { json, stderr } = await relaisJson<{ total: number; metiers: Record<string, number> }>(['-C', sampleCampaign(), 'track', file]);
    expect(json.total).toBe(2);
    // It gives « metiers: { "InfirmiÃ¨re": 1, "Infirmière": 1 } » and says nothing of the encoding.
    expect(Object.keys(json.metiers).some((m) => m.includes('Ã')) === false || ENCODING_WORD.test(stderr), `${JSON.stringify(json.metiers)}\n${stderr}`).toBe(true);
  });
});
