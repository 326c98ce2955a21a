import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * Municipal arrondissements are now known to the letters' files (src/campaign/communes.ts locate,
 * CommuneReference.arrondissement), but not to the sign-up tracker: src/tracker/signups.ts
 * departementOf looks an INSEE code up in ref.communes and ref.formerCodes only. A sign-up whose
 * place is given by its INSEE code — what the Base Adresse Nationale geocoder returns
 * (citycode 75112 for Paris 12e, 69383 for Lyon 3e) — is rejected with « département introuvable
 * (« 75112 ») », which is untrue: it is Paris (75). For an Île-de-France, Rhône or Bouches-du-Rhône
 * campaign every such volunteer goes uncounted.
 */
const HEADER = 'id;date_inscription;departement;code_postal;code_insee;metier;categorie;statut';

describe('a sign-up located by the INSEE code of a municipal arrondissement', () => {
  it('is placed in its commune\u2019s département (outside this région here), not rejected as « département introuvable »', async () => {
    const dir = sampleCampaign();
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(
      file,
      [HEADER, 'A1;2020-03-26;;;75112;Infirmier;soignant;inscrit', 'A2;2020-03-26;;;69383;Infirmier;soignant;inscrit', 'A3;2020-03-26;;;45234;Infirmier;soignant;inscrit'].join('\n') + '\n',
    );
    const { json, stderr } = await relaisJson<{ total: number; rejetes: number; horsRegion: number }>(['-C', dir, 'track', file]);
    // Today: rejetes 2, horsRegion 0 — « inscription rejetée : département introuvable (« 75112 ») ».
    expect(stderr).not.toContain('département introuvable');
    expect(json).toMatchObject({ total: 1, rejetes: 0, horsRegion: 2 });
  });
});
