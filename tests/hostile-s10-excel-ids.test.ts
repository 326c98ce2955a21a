import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * A sign-up export opened in Excel and saved again as « CSV (séparateur : point-virgule) »: a
 * numeric id of 12 digits or more is shown, and so saved, in scientific notation — « 1,23457E+11 »
 * for 123456789012 and for 123457000001 alike. Distinct volunteers then share one id, and
 * src/tracker/signups.ts de-duplicates them as the same volunteer signing up again: the letters'
 * figure loses them, and the report calls them « doublons retirés », which they are not.
 */
describe('ids turned into scientific notation by Excel', () => {
  it('does not merge three volunteers into one as « 2 doublons retirés » without naming the id Excel wrote', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    const rows = [
      'id;date_inscription;departement;code_postal;metier;categorie;statut',
      '1,23457E+11;26/03/2020 10:00;45;45000;Infirmier;soignant;inscrit',
      '1,23457E+11;26/03/2020 10:07;45;45100;Médecin;soignant;inscrit',
      '1,23457E+11;27/03/2020 08:00;45;45200;Aide-soignant;soignant;inscrit',
      '',
    ];
    writeFileSync(file, Buffer.from(rows.join('\r\n'), 'latin1'));
    const { json, stderr } = await relaisJson<{ total: number; doublons: number }>(['-C', sampleCampaign(), 'track', file]);
    // It says only « 1 volontaire dans la région ; 2 doublons retirés, 0 ligne rejetée… », exit 0.
    const named = /inscriptions\.csv:[234]: .*1,23457E\+11/.test(stderr);
    expect(json.total === 3 || named, `total ${json.total}, doublons ${json.doublons}\n${stderr}`).toBe(true);
  });
});
