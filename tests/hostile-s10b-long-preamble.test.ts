import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * A sign-up export whose report block above the table lists the filters applied (platform, date,
 * author, then one line per filter and a blank line): twelve lines before the header, as regional
 * platforms write them. src/tracker/signups.ts looks for the header among the first ten lines
 * only: the file is refused, « colonnes manquantes « identifiant », « date d'inscription » ;
 * colonnes lues : Plateforme régionale de volontariat, , , , , , » — the columns it names are the
 * title's, and nothing says the header is there, at line 13. Its volunteers are not counted.
 */
describe('a sign-up CSV with twelve lines of report above its header', () => {
  it('reads the volunteers under the header, or says at which line the header is', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    const preamble = [
      'Plateforme régionale de volontariat',
      'Export des inscriptions',
      "Date d'export : 08/04/2020 18:02",
      'Exporté par : ARS Centre-Val de Loire',
      '',
      'Filtres appliqués :',
      'Région : Centre-Val de Loire',
      'Département : tous',
      'Statut : tous',
      'Catégorie : toutes',
      'Période : du 20/03/2020 au 08/04/2020',
      '',
    ].map((l) => `${l};;;;;;`);
    const rows = [...preamble, 'id;date_inscription;departement;code_postal;metier;categorie;statut', 'A1;26/03/2020;45;45000;Infirmier;soignant;inscrit', 'A2;27/03/2020;37;37000;Médecin;soignant;inscrit', ''];
    writeFileSync(file, rows.join('\r\n'));
    const { json, stderr } = await relaisJson<{ total: number }>(['-C', sampleCampaign(), 'track', file]);
    // It says « colonnes manquantes « identifiant », « date d'inscription » ; colonnes lues : Plateforme régionale de volontariat, , , , , , ».
    expect(json.total === 2 || /ligne 13/.test(stderr), `total ${json.total}\n${stderr}`).toBe(true);
  });
});
