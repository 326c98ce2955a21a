import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleLoiret, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * The platform exports its ids as digits with leading zeros (« 000101 »). The agent who kept
 * yesterday's export opened it in Excel and saved it again as CSV: Excel read the ids as numbers
 * and wrote « 101 », « 102 » (and the date as « 01/04/2020 10:00 »). Today's export, straight from
 * the platform, still says « 000101 », « 000102 ». Given both (sources.inscriptions, oldest first),
 * `track` counts 5 volunteers where there are 3 — every volunteer of the re-saved file twice — with
 * « 0 doublon retiré » and no word about it, and that total is the letter's « pas moins de ».
 * relais already refuses to trust an id Excel spoiled in scientific notation; an id Excel
 * stripped of its zeros is the same damage. The user expects each volunteer counted once: the
 * re-saved rows matched to their id (said), or rejected as spoiled ids (said) — 3 either way.
 */
const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';

describe('track: ids whose leading zeros Excel dropped', () => {
  it('does not count the same volunteers twice without a word', async () => {
    const dir = sampleLoiret();
    const saved = join(tempDir(), 'inscriptions-2020-04-01-excel.csv');
    writeFileSync(saved, [HEADER, '101;01/04/2020 10:00;45;45000;Infirmier;soignant;inscrit', '102;01/04/2020 11:00;37;37000;Médecin;soignant;inscrit'].join('\n') + '\n');
    const today = join(tempDir(), 'inscriptions-2020-04-02.csv');
    writeFileSync(
      today,
      [HEADER, '000101;2020-04-01 10:00;45;45000;Infirmier;soignant;inscrit', '000102;2020-04-01 11:00;37;37000;Médecin;soignant;inscrit', '000103;2020-04-02 09:00;37;37000;Infirmier;soignant;inscrit'].join('\n') + '\n',
    );
    const r = await relaisJson<{ total: number; doublons: number }>(['-C', dir, 'track', saved, today]);
    expect(r.code, r.stderr).not.toBe(2);
    // Three volunteers: 000101, 000102, 000103.
    expect(r.json.total, r.stderr).toBe(3);
  });
});
