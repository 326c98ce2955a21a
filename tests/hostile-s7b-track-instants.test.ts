import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * A sign-up platform backed by PostgreSQL exports `timestamptz` columns as PostgreSQL writes them
 * (psql, \copy … CSV, most admin tools): « 2020-03-26 23:30:00+00 », with fractional seconds when
 * there are some, and an offset of hours only (« +01 »; ISO 8601 allows it). relais accepts
 * « +01:00 » and « +0100 » but rejects « +01 » (src/tracker/bytes.ts isTimeOfDay wants two more
 * digits after the hours of the offset): every row of such an export is « inscription rejetée :
 * date … invalide », and the figures of the letters say 0 volunteers.
 */
const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';

describe('a sign-up export from PostgreSQL (offset of hours only)', () => {
  it('counts « 2020-03-26 23:30:00+00 » on 27 March in Paris, not as a rejected row', async () => {
    const dir = sampleCampaign();
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(
      file,
      [HEADER, 'P1;2020-03-26 23:30:00+00;45;45000;Infirmier;soignant;inscrit', 'P2;2020-03-26 22:30:00.123456+01;45;45000;Infirmier;soignant;inscrit'].join('\n') + '\n',
    );
    const { json, stderr } = await relaisJson<{ total: number; rejetes: number; jours: Array<{ date: string; inscrits: number }> }>(['-C', dir, 'track', file]);
    // Today: total 0, rejetes 2 (« date « 2020-03-26 23:30:00+00 » invalide »).
    expect(json.rejetes, stderr).toBe(0);
    expect(json.total).toBe(2);
    expect(json.jours.filter((d) => d.inscrits > 0)).toEqual([expect.objectContaining({ date: '2020-03-26', inscrits: 1 }), expect.objectContaining({ date: '2020-03-27', inscrits: 1 })]);
  });
});
