import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTACT_HEADER, campaignWith } from './helpers/campaign.js';
import { relaisJson, ROOT } from './helpers/cli.js';

/**
 * Commit 1b10427 made the « Total » row under a mayors' file or a town-hall list a warning, the row
 * set aside (« écartée ») as the sign-ups' is. The README, the user's guide, still says of it
 * « une erreur, à retirer ; la ligne est comptée rejetée »: the user reading check's accounting
 * (« 1 écartée (ligne de total sous le tableau) », 0 rejetée, no error) against the guide is told
 * something untrue by one of them.
 */
describe('the README on the « Total » row of a town-hall list', () => {
  it('says what check does with it', async () => {
    const dir = campaignWith({
      mairies: [CONTACT_HEADER, '45001;mairie@adon.example;1 place de la Mairie;45230;Adon', 'Total;;;;1', ''].join('\n'),
    });
    const { json } = await relaisJson<{ errors: Array<{ message: string; file?: string }>; fichiers: Array<{ fichier: string; rejetes: number; ecartes: Record<string, number> }> }>(['-C', dir, 'check']);
    const account = json.fichiers.find((f) => f.fichier === 'data/mairies.csv')!;
    const asError = json.errors.some((p) => p.file === 'data/mairies.csv' && p.message.includes('Total'));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const readmeSaysRejected = readme.includes('(une erreur, à retirer ; la ligne est comptée rejetée)');
    // check: a warning, the row « écartée » (ligne de total sous le tableau), 0 rejetée.
    expect({ readmeSaysRejected, asError, rejetes: account.rejetes }).toEqual(readmeSaysRejected ? { readmeSaysRejected, asError: true, rejetes: 1 } : { readmeSaysRejected, asError: false, rejetes: 0 });
  });
});
