import { describe, expect, it } from 'vitest';
import { CONTACT_HEADER, campaignWith } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * A regional town-hall list with a subtotal under each département's block (« Sous-total », the
 * word Excel's Data > Subtotals writes, then « Total général »). The sign-up reader sets
 * « Sous-total » aside as a total (src/tracker/signups.ts TOTAL_ROW); the town-hall list and the
 * mayors' file do not: src/data/columns.ts totalCell only knows a cell starting « Total », so the
 * « Sous-total » row is an error (an unknown or empty INSEE code) that stops the campaign, where
 * its « Total général » is a warning.
 */
describe('a « Sous-total » row in a town-hall list', () => {
  it('is set aside as a total, as the « Total » row and the sign-ups’ « Sous-total » are', async () => {
    const dir = campaignWith({
      mairies: [CONTACT_HEADER, '45001;mairie@adon.example;1 place de la Mairie;45230;Adon', 'Sous-total;;;;1', '37001;mairie@abilly.example;1 place;37160;Abilly', 'Sous-total;;;;1', 'Total général;;;;2', ''].join('\n'),
    });
    const { json } = await relaisJson<{ errors: Array<{ message: string; file?: string; line?: number }>; fichiers: Array<{ fichier: string; rejetes: number; ecartes: Record<string, number> }> }>(['-C', dir, 'check']);
    const errors = json.errors.filter((p) => p.file === 'data/mairies.csv').map((p) => `${p.line}: ${p.message}`);
    const account = json.fichiers.find((f) => f.fichier === 'data/mairies.csv')!;
    expect(errors, JSON.stringify(account)).toEqual([]);
    expect(account.ecartes['ligne de total sous le tableau']).toBe(3);
  });
});
