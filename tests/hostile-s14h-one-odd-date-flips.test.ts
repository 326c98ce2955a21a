import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleLoiret, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * date-order.ts (new this session): the first date that reads only one way proves the order of
 * the whole column. A French export (day/month) whose first ten rows fall on 1–10 April (every
 * day ≤ 12) and whose eleventh is one odd row « 04/13/2020 » (typed by hand, pasted from another
 * tool) is declared month/day by that single row against everything else in the file: the ten
 * rows before it are moved to 4 January … 4 October 2020, and every later French row
 * « 14/04/2020 », « 15/04/2020 »… is rejected as « lisible seulement en jour/mois ». Before this
 * session only the odd row was rejected. The user expects the one odd row named, not eighteen
 * good rows moved or rejected on its word.
 */
const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';

describe('track: a day/month column with one odd month/day row among early-month dates', () => {
  it('keeps the French reading of the other rows', async () => {
    const dir = sampleLoiret();
    const file = join(tempDir(), 'inscriptions.csv');
    const rows = [HEADER];
    for (let d = 1; d <= 10; d++) rows.push(`F${d};${String(d).padStart(2, '0')}/04/2020 10:00;45;45000;Infirmier;soignant;inscrit`);
    rows.push('ODD;04/13/2020 10:00;45;45000;Infirmier;soignant;inscrit');
    for (let d = 14; d <= 21; d++) rows.push(`G${d};${d}/04/2020 10:00;45;45000;Infirmier;soignant;inscrit`);
    writeFileSync(file, rows.join('\n') + '\n');
    const r = await relaisJson<{ jours: Array<{ date: string; inscrits: number }> }>(['-C', dir, 'track', file]);
    expect(r.code, r.stderr).not.toBe(2);
    const counted = r.json.jours.filter((d) => d.inscrits > 0);
    // The 18 French rows are all in April 2020 (the odd one, whichever way it is taken, aside).
    const inApril = counted.filter((d) => d.date >= '2020-04-01' && d.date <= '2020-04-30').reduce((n, d) => n + d.inscrits, 0);
    expect(inApril, r.stderr).toBeGreaterThanOrEqual(18);
    // Nothing moved to January (« 01/04/2020 » read 4 January).
    expect(counted.map((d) => d.date), r.stderr).not.toContain('2020-01-04');
  });
});
