import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * Two platform exports put end to end (`cat a.csv b.csv > inscriptions.csv`), as an office does to
 * hand one file over. src/tracker/signups.ts recognises the second header only when it repeats
 * the first in the same order (src/data/header-rows.ts repeatsHeader compares the whole line), and
 * reads every later row with the first file's columns; the reader of sign-ups never asks
 * extraValues (src/data/header-rows.ts), which the town-hall list asks of every row.
 */
const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';

interface Track {
  total: number;
  rejetes: number;
  metiers: Record<string, number>;
  categories: Record<string, number>;
}

describe('a second export whose platform version put « categorie » before « metier »', () => {
  it('reads its rows under its own header (or refuses the file naming the line), never files « Infirmier » as a catégorie without a word', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    const first = [HEADER, 'A1;26/03/2020 10:00;45;45000;Infirmier;soignant;inscrit', 'A2;26/03/2020 11:00;37;37000;Médecin;soignant;inscrit'];
    const second = ['id;date_inscription;departement;code_postal;categorie;metier;statut', 'B1;27/03/2020 09:00;18;18000;soignant;Infirmier;inscrit', 'B2;27/03/2020 10:00;28;28000;administratif;Agent administratif;inscrit'];
    writeFileSync(file, [...first, ...second, ''].join('\r\n'));
    const { json, stderr, code } = await relaisJson<Track>(['-C', sampleCampaign(), 'track', file]);
    // It exits 0 with « 4 volontaires dans la région ; 0 doublon retiré, 1 ligne rejetée »,
    // « inscriptions.csv:4: inscription rejetée : date « date_inscription » invalide » — and the
    // figures by métier « Infirmier 1, Médecin 1, soignant 1, administratif 1 », by catégorie
    // « soignant 2, Infirmier 1, Agent administratif 1 ».
    const refused = code !== 0 && /inscriptions\.csv:4\b/.test(stderr) && /en-tête|colonnes/.test(stderr);
    if (!refused) {
      expect(json.metiers, stderr).toEqual({ Infirmier: 2, Médecin: 1, 'Agent administratif': 1 });
      expect(json.categories, stderr).toEqual({ soignant: 3, administratif: 1 });
      // The header line is not a sign-up with an invalid date.
      expect(json.rejetes, stderr).toBe(0);
    }
  });
});

describe('a first export that ends without a line break, the second one’s header glued to its last row', () => {
  it('names the line that holds more values than the header has columns, as the town-hall list does', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    const first = [HEADER, 'A1;26/03/2020 10:00;45;45000;Infirmier;soignant;inscrit', 'A2;26/03/2020 11:00;37;37000;Médecin;soignant;inscrit'].join('\r\n');
    const second = [HEADER, 'B1;27/03/2020 09:00;18;18000;Infirmier;soignant;inscrit', ''].join('\n');
    // Line 3 reads « …;Médecin;soignant;inscritid;date_inscription;departement;… »: 13 values.
    writeFileSync(file, first + second);
    const { json, stderr } = await relaisJson<Track>(['-C', sampleCampaign(), 'track', file]);
    expect(json.total).toBe(3);
    // It says only « 3 volontaires dans la région ; 0 doublon retiré, 0 ligne rejetée… »: A2's
    // status is read as « inscritid », the six values after it dropped, line 3 never named.
    expect(stderr).toMatch(/inscriptions\.csv:3\b/);
  });
});
