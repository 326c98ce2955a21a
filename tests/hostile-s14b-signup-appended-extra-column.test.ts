import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * Two sign-up exports put end to end, the later one from a platform version that added a column
 * at the end (« telephone »), the others in the same order. The rows are all counted under their
 * own header (held), but the warning at the second header says « ses colonnes dans un autre
 * ordre » (src/tracker/signup-columns.ts otherHeaderRead says so of any other header): untrue,
 * and it sends the user comparing the order of columns that have not moved. The user expects to
 * be told what differs: one column more, « telephone ».
 */
describe('a second sign-up export appended with one column more', () => {
  it('says the second header has a column more, not that its columns are in another order', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    const header = 'id;date_inscription;departement;code_postal;metier;categorie;statut';
    const text = [
      header,
      'A1;2020-04-01 10:00;45;45000;Infirmier;soignant;inscrit',
      'A2;2020-04-02 10:00;37;37000;Médecin;soignant;inscrit',
      `${header};telephone`,
      'B1;2020-04-03 10:00;18;18000;Infirmier;soignant;inscrit;06 01 02 03 04',
      '',
    ].join('\r\n');
    writeFileSync(file, text);
    const { json, stderr } = await relaisJson<{ total: number }>(['-C', sampleCampaign(), 'track', file]);
    expect(json.total, stderr).toBe(3);
    const line4 = stderr.split('\n').find((l) => /inscriptions\.csv:4\b/.test(l)) ?? '';
    // Today: « inscriptions.csv:4: inscriptions : l'en-tête d'un autre export commence à cette ligne
    // (deux exports mis bout à bout ?), ses colonnes dans un autre ordre : ligne écartée … ».
    expect(line4, stderr).toMatch(/en-tête/);
    expect(line4).not.toMatch(/autre ordre/);
    expect(line4).toContain('avec en plus la colonne « telephone »');
  });
});
