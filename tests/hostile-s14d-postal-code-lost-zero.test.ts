import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleLoiret, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * Sign-ups with no département, only a postal code, as a form gives them: « 45 000 » typed with a
 * space, and « 6190 », the 06190 of Roquebrune-Cap-Martin that a spreadsheet turned into a number.
 * For the town-hall list relais repairs both (README: « les codes postaux et INSEE qui ont perdu
 * leur zéro initial dans un tableur (1400 → 01400) sont réparés, avec un avertissement… ; 45 230
 * est lu 45230 »), and an INSEE code of four digits is repaired in the sign-ups too; but `track`
 * rejects these volunteers: « département introuvable (« 45 000 ») », « (« 6190 ») ». The Loiret
 * volunteer is missing from the Loiret's figure and the letter's total; in a campaign of the
 * Alpes-Maritimes (or any département 01–09), every sign-up of a re-saved export is rejected.
 * The user expects the same repair as for the town halls: 45 000 counted in the Loiret, 06190 in
 * the Alpes-Maritimes (outside the région: set aside as such, not rejected), with a warning.
 */
const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';

interface Tracked {
  total: number;
  rejetes: number;
  horsRegion: number;
  departements: Array<{ code: string; total: number }>;
}

describe('track: postal codes with a space or without their leading zero', () => {
  it('reads « 45 000 » as 45000 and « 6190 » as 06190, as the town-hall list does', async () => {
    const dir = sampleLoiret();
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(
      file,
      [HEADER, 'P1;2020-04-01 10:00;;45000;Infirmier;soignant;inscrit', 'P2;2020-04-01 11:00;;45 000;Infirmier;soignant;inscrit', 'P3;2020-04-01 12:00;;6190;Infirmier;soignant;inscrit'].join('\n') + '\n',
    );
    const r = await relaisJson<Tracked>(['-C', dir, 'track', file]);
    expect(r.code, r.stderr).not.toBe(2);
    expect(r.json.departements.find((d) => d.code === '45')?.total, r.stderr).toBe(2);
    expect(r.json.horsRegion, r.stderr).toBe(1);
    expect(r.json.rejetes, r.stderr).toBe(0);
  });
});
