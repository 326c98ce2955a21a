import { describe, expect, it } from 'vitest';
import { campaignWith, CONTACT_HEADER, RNE_HEADER, rneRow } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * A message that quotes a cell must quote it as the agent sees it in the file, so that a search
 * in the spreadsheet finds it. It used to be shown upper-cased: « MME », « TOTAL : 4 MAIRIES ».
 */
interface Problem {
  file?: string;
  line?: number;
  kind: string;
  message: string;
}
const check = (dir: string) => relaisJson<{ errors: Problem[]; warnings: Problem[] }>(['-C', dir, 'check']);

describe('a rejected cell is quoted as written', () => {
  it('RNE: Code sexe « Mme »', async () => {
    const maires = [RNE_HEADER, rneRow('45', '45234', 'Orléans', 'MARTIN', 'Claire', 'Mme')].join('\n') + '\n';
    const { json } = await check(campaignWith({ maires }));
    const e = json.errors.find((p) => p.file === 'data/maires.csv' && p.line === 2);
    expect(e?.message).toContain('« Mme »');
  });

  it('town-hall list: a "Total" footer row left by the spreadsheet is named as written, and set aside', async () => {
    const mairies = [CONTACT_HEADER, '45234;mairie@orleans.example;1 place de l’Étape;45000;Orléans', 'Total : 1 mairie;;;;'].join('\n') + '\n';
    const { json } = await check(campaignWith({ mairies }));
    const w = json.warnings.find((p) => p.file === 'data/mairies.csv' && p.line === 3);
    expect(w?.message).toContain('« Total : 1 mairie »');
    expect(json.errors.filter((p) => p.file === 'data/mairies.csv')).toEqual([]);
  });
});
