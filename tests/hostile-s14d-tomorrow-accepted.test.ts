import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCampaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { track } from '../src/tracker/figures.js';
import { sampleLoiret, tempDir } from './helpers/campaign.js';

/**
 * README: « Lignes invalides (… date postérieure à aujourd'hui …) : rejetées avec leur fichier et
 * leur ligne ; le chiffre « à ce jour » de la lettre ne porte jamais une date future. » `track`
 * takes « today » in Wallis-et-Futuna (UTC+12) whatever the campaign's zone (figures.ts
 * latestFrenchDay): for the Centre-Val de Loire (Paris), from 12:00 UTC every day, a sign-up dated
 * tomorrow — a typo, or a platform clock wrong by a day — is counted, and the figure is then
 * dated tomorrow: on Friday 10 April 2020 at 16:00 in Paris, the report says « au 11/04/2020 »
 * and `volontaires.date` is 2020-04-11. The user expects, for a campaign in Paris's zone, a
 * sign-up written « 2020-04-11 » (no offset: the platform's own clock) to be rejected as in the
 * future on 10 April, and the figure dated 10 April at the latest.
 */
const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';

describe('track: a sign-up dated tomorrow in the campaign’s zone', () => {
  it('is rejected as in the future, and the figure is not dated tomorrow', async () => {
    const dir = sampleLoiret();
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(file, [HEADER, 'T1;2020-04-10 09:00;45;45000;Infirmier;soignant;inscrit', 'T2;2020-04-11 09:00;45;45000;Infirmier;soignant;inscrit'].join('\n') + '\n');
    const { campaign } = await loadCampaign(dir);
    expect(campaign).toBeDefined();
    // Friday 10 April 2020, 16:00 in Paris (UTC+2).
    const tracked = await track(campaign!, communeReference(), { files: [file], now: new Date('2020-04-10T14:00:00Z') });
    expect(tracked).toBeDefined();
    expect(tracked!.figures.date).toBe('2020-04-10');
    expect(tracked!.figures.total).toBe(1);
    expect(tracked!.read.rejetes).toBe(1);
  });
});
