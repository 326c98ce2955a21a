import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * The sign-up workbook with its title rows above the header (read fine as .xlsx since the s8b
 * pass), saved by Excel as « CSV (séparateur : point-virgule) »: the titles become `Titre;;;;;;`
 * lines. The town-hall list's CSV reader finds its header under such lines; the sign-up reader
 * (src/tracker/fast-csv.ts openFastTable) takes the file's first line as the header and hands
 * `isHeader` to workbooks only: « colonnes manquantes … colonnes lues : ARS Centre-Val de Loire, , , »
 * and no volunteer counted.
 */
describe('a sign-up export saved as CSV from a workbook with title rows', () => {
  it('finds the header under the titles, as it does in the workbook and as the town-hall list does', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(
      file,
      Buffer.from(
        [
          'ARS Centre-Val de Loire;;;;;;',
          'Export renfort-covid du 08/04/2020;;;;;;',
          'id;date_inscription;departement;code_postal;metier;categorie;statut',
          'W1;26/03/2020 07:05;37;37000;Infirmier;soignant;inscrit',
          'W2;26/03/2020 08:10;45;45000;Médecin;soignant;inscrit',
          '',
        ].join('\r\n'),
        'latin1',
      ),
    );
    const { json, stderr } = await relaisJson<{ total: number }>(['-C', sampleCampaign(), 'track', file]);
    // It says « inscriptions.csv:1: inscriptions : colonnes manquantes « identifiant », « date
    // d'inscription » ; colonnes lues : ARS Centre-Val de Loire, , , , , , » and « 0 volontaire ».
    expect(stderr).not.toContain('colonnes manquantes');
    expect(json.total).toBe(2);
  });
});
