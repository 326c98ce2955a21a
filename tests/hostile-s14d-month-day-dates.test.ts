import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleLoiret, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * A form platform set to a US locale exports « 4/13/2020 10:00:00 » (month/day/year). `track`
 * rejects the rows whose day is above 12 (« date « 4/13/2020 10:00:00 » invalide »), which shows
 * the column is month/day, and reads the others of the same column day/month: the sign-ups of
 * 1 and 2 April 2020 are counted on 4 January and 4 February 2020 — before the platform opened
 * (26 March, campagne.plateforme.lancement) — silently. The daily chart, the cumulative curve, the
 * « au … » date of the figure and any --from/--to are then false. The user expects one column to
 * be read one way: the rows that could be read either way are not counted on a day the file
 * itself contradicts (read as month/day, or named), never on 4 January and 4 February.
 */
const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';

describe('track: a date column written month/day/year', () => {
  it('does not read half of it day/month when the other half proves month/day', async () => {
    const dir = sampleLoiret();
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(
      file,
      [
        HEADER,
        'U1;4/1/2020 10:00:00;45;45000;Infirmier;soignant;inscrit',
        'U2;4/2/2020 10:00:00;45;45000;Infirmier;soignant;inscrit',
        'U3;4/13/2020 10:00:00;45;45000;Infirmier;soignant;inscrit',
        'U4;4/14/2020 10:00:00;45;45000;Infirmier;soignant;inscrit',
      ].join('\n') + '\n',
    );
    const r = await relaisJson<{ jours: Array<{ date: string; inscrits: number }>; date: string | null }>(['-C', dir, 'track', file]);
    expect(r.code, r.stderr).not.toBe(2);
    const days = r.json.jours.filter((d) => d.inscrits > 0).map((d) => d.date);
    expect(days, r.stderr).not.toContain('2020-01-04');
    expect(days, r.stderr).not.toContain('2020-02-04');
  });
});
