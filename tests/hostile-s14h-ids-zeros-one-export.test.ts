import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleLoiret, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * id-zeros.ts (new this session) compares ids without their leading zeros, across files AND
 * within one file. A spreadsheet that read an id column as numbers strips the zeros of every id
 * in it: ONE export holding both « 0101 » and « 101 » cannot be such a file — both are written as
 * the platform wrote them, and are two volunteers (ids of free width, a matricule). track counts
 * them as one: the earlier row is « remplacée par une ligne plus récente du même volontaire », a
 * volunteer of the Loiret disappears from the total the letter quotes, only a warning saying it.
 * Before this session the two were two. The user expects 3 volunteers here.
 */
const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';

describe('track: one export holding « 0101 » and « 101 »', () => {
  it('counts two volunteers, not one', async () => {
    const dir = sampleLoiret();
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(
      file,
      [
        HEADER,
        '0101;2020-04-01 10:00;45;45000;Infirmier;soignant;inscrit',
        '101;2020-04-02 10:00;37;37000;Médecin;soignant;inscrit',
        '0102;2020-04-02 11:00;45;45000;Infirmier;soignant;inscrit',
      ].join('\n') + '\n',
    );
    const r = await relaisJson<{ total: number; doublons: number }>(['-C', dir, 'track', file]);
    expect(r.code, r.stderr).not.toBe(2);
    expect(r.json.total, r.stderr).toBe(3);
  });
});
