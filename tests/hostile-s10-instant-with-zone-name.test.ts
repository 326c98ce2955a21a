import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * Sign-up instants as web platforms print them: Ruby on Rails' `to_s` writes
 * « 2020-03-26 23:30:00 UTC » (and « 2020-03-27 00:30:00 +0100 » in a set zone), with a blank
 * between the time and its zone. src/tracker/bytes.ts isTimeOfDay accepts `Z`, `+02:00`, `+0200`
 * or `+02` glued to the time only: both rows are rejected as « date … invalide », every volunteer
 * of such an export left out of the letters' figure. The instant is unambiguous and the README
 * promises that an instant counts on the day it is in the campaign's région.
 */
describe('sign-up instants written with a blank before their zone', () => {
  it('counts « 2020-03-26 23:30:00 UTC » and « 2020-03-27 00:30:00 +0100 » on 27 March in Paris, instead of rejecting them', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(
      file,
      [
        'id;date_inscription;departement;code_postal;metier;categorie;statut',
        'R1;2020-03-26 23:30:00 UTC;45;45000;Infirmier;soignant;inscrit',
        'R2;2020-03-27 00:30:00 +0100;37;37000;Médecin;soignant;inscrit',
        '',
      ].join('\n'),
    );
    const { json, stderr } = await relaisJson<{ total: number; rejetes: number; jours: Array<{ date: string; inscrits: number }> }>(['-C', sampleCampaign(), 'track', file]);
    // It says « inscription rejetée : date « 2020-03-26 23:30:00 UTC » invalide » (and R2's), and
    // « 0 volontaire dans la région ; 0 doublon retiré, 2 lignes rejetées ».
    expect(json.rejetes, stderr).toBe(0);
    expect(json.jours).toEqual([{ date: '2020-03-27', inscrits: 2, cumul: 2 }]);
  });
});
