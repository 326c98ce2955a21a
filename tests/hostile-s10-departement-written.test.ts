import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * The département column as the platform's form or an office's hand fills it: « 37 - Indre-et-Loire »
 * (a drop-down list's label), « Indre-et-Loire » or « Indre et Loire », a postal code typed in the
 * wrong column. src/tracker/signups.ts departementOf compares the cell with the codes only
 * (normalizeDepartement: trim, upper case, « 1 » → « 01 ») and, failing that, looks at the
 * postal-code and INSEE columns, never at the postal code written in the département column: each
 * of these volunteers is rejected, and the figure the letters print is short of them.
 */
describe('sign-ups whose département is written out', () => {
  it('counts « 37 - Indre-et-Loire », « Indre-et-Loire », « Indre et Loire » and « 37000 » in Indre-et-Loire', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(
      file,
      [
        'id;date_inscription;departement;code_postal;metier;categorie;statut',
        'D1;26/03/2020 10:00;37 - Indre-et-Loire;;Infirmier;soignant;inscrit',
        'D2;26/03/2020 10:05;Indre-et-Loire;;Infirmier;soignant;inscrit',
        'D3;26/03/2020 10:10;Indre et Loire;;Médecin;soignant;inscrit',
        'D4;26/03/2020 10:15;37000;;Médecin;soignant;inscrit',
        '',
      ].join('\r\n'),
    );
    const { json, stderr } = await relaisJson<{ total: number; rejetes: number; departements: Array<{ code: string; total: number }> }>(['-C', sampleCampaign(), 'track', file]);
    // It says « 0 volontaire dans la région ; 0 doublon retiré, 4 lignes rejetées » and
    // « inscriptions.csv:2: inscription rejetée : département introuvable (« 37 - Indre-et-Loire ») »…
    expect(json.rejetes, stderr).toBe(0);
    expect(json.departements.find((d) => d.code === '37')?.total).toBe(4);
  });
});
