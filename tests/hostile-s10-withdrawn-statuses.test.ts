import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * The status column as platforms and offices write a withdrawal: « Désinscription »,
 * « Compte supprimé », « Annulation », « Inscription annulée ». src/tracker/signups.ts (WITHDRAWN)
 * recognises a status only when it starts with « désinscrit », « annulé », « supprimé », « retiré »
 * (or their unaccented forms); any other status counts as signed up, without a word: these four
 * volunteers who left are added to the figure the letters print as « pas moins de … volontaires ».
 */
describe('withdrawals written as nouns or with the word first', () => {
  it('does not count « Désinscription », « Compte supprimé », « Annulation », « Inscription annulée » as volunteers', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(
      file,
      [
        'id;date_inscription;departement;code_postal;metier;categorie;statut',
        'S1;26/03/2020;45;;Infirmier;soignant;Désinscription',
        'S2;26/03/2020;45;;Infirmier;soignant;Compte supprimé',
        'S3;26/03/2020;45;;Infirmier;soignant;Annulation',
        'S4;26/03/2020;45;;Infirmier;soignant;Inscription annulée',
        'S5;26/03/2020;45;;Infirmier;soignant;inscrit',
        '',
      ].join('\n'),
    );
    const { json, stderr } = await relaisJson<{ total: number; exclus: number }>(['-C', sampleCampaign(), 'track', file]);
    // It says « 5 volontaires dans la région ; … 0 désinscription non comptée ».
    expect({ total: json.total, exclus: json.exclus }, stderr).toEqual({ total: 1, exclus: 4 });
  });
});
