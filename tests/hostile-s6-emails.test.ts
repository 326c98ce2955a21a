import { describe, expect, it } from 'vitest';
import { campaignWith, CONTACT_HEADER } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';

/**
 * An email cell with two addresses, as typed in a préfecture's spreadsheet: "a / b", "a et b".
 * README: "une cellule qui en contient plusieurs donne la première valide, les autres sont nommées
 * dans un avertissement". The separator used to stick to the first address, which was then called
 * malformed (« mairie@orleans.example / (mal formée) ») and the second one gets the letter.
 */
interface Problem {
  file?: string;
  line?: number;
  kind: string;
  message: string;
}

describe('an email cell with two addresses separated by « / » or « et »', () => {
  it.each([
    ['mairie@orleans.example / secretariat@orleans.example'],
    ['mairie@orleans.example et secretariat@orleans.example'],
  ])('%s: the first address is used, neither is called malformed', async (cell) => {
    const dir = campaignWith({ mairies: [CONTACT_HEADER, `45234;${cell};Place de l'Étape;45000;Orléans`].join('\n') + '\n' });
    const preview = await relais(['-C', dir, 'preview', '45234', '--channel', 'courriel']);
    expect(preview.stdout.split('\n')[0]).toContain('mairie@orleans.example');
    const { json } = await relaisJson<{ warnings: Problem[] }>(['-C', dir, 'check']);
    const said = json.warnings.filter((w) => w.file === 'data/mairies.csv' && w.line === 2).map((w) => w.message).join('\n');
    expect(said).not.toContain('mal formée');
    expect(said).toContain('secretariat@orleans.example');
  });
});
