import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './campaign.js';

/**
 * A platform export of five sign-ups in the région: two before 1 April 2020 (27 and 30 March),
 * three from 1 to 10 April — what a `track --from 2020-04-01 --to 2020-04-10` splits. Its path.
 */
export function signupsAroundApril(): string {
  const file = join(tempDir(), 'inscriptions.csv');
  writeFileSync(
    file,
    [
      'id;date_inscription;departement;code_postal;metier;categorie;statut',
      'M1;2020-03-27 10:00;45;45000;Infirmier;soignant;inscrit',
      'M2;2020-03-30 10:00;37;37000;Médecin;soignant;inscrit',
      'A1;2020-04-01 10:00;45;45000;Infirmier;soignant;inscrit',
      'A2;2020-04-05 10:00;18;18000;Agent administratif;administratif;inscrit',
      'A3;2020-04-10 10:00;28;28000;Infirmier;soignant;inscrit',
    ].join('\n') + '\n',
  );
  return file;
}
