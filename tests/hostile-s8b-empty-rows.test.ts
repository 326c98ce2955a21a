import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * Excel writes the formatted but empty rows below a table as lines of bare separators (`;;;;;;`).
 * An empty line is skipped by `track`, and the town-hall list skips a `;;;;` line too; but the
 * sign-up reader (src/tracker/) takes `;;;;;;` for a sign-up and rejects it, « inscription
 * rejetée : identifiant vide »: the coordinator is told of rejected sign-ups that are no one.
 */
const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';

describe('a sign-up export whose last rows are bare separators', () => {
  it('does not count « ;;;;;; » lines as rejected sign-ups, as it does not count empty lines', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(file, [HEADER, 'A1;26/03/2020 10:00;45;45000;Infirmier;soignant;inscrit', 'A2;26/03/2020 11:00;37;37000;Médecin;soignant;inscrit', ';;;;;;', ';;;;;;', ''].join('\r\n'), 'latin1');
    const { json, stderr } = await relaisJson<{ total: number; rejetes: number }>(['-C', sampleCampaign(), 'track', file]);
    expect(json.total).toBe(2);
    // It says « 2 volontaires dans la région ; 0 doublon retiré, 2 lignes rejetées » and
    // « inscriptions.csv:4: inscription rejetée : identifiant vide » (and line 5).
    expect(json.rejetes, stderr).toBe(0);
  });
});
