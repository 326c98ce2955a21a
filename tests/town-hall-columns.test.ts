import { describe, expect, it } from 'vitest';
import { campaignWith } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

interface Problem {
  kind?: string;
  message: string;
  file?: string;
  line?: number;
}

describe('a town-hall list with address columns relais does not read', () => {
  it('names them with the way to have them read, and reads the columns under its own labels', async () => {
    const mairies = "Code INSEE;Adresse électronique;Numéro et voie;Adresse 2;Lieu-dit;Code postal;Localité;Observations\r\n45001;mairie@adon.example;1 place de la Mairie;Bâtiment B;Les Bordes;45230;Adon;RAS\r\n";
    const dir = campaignWith({ mairies });
    const { json } = await relaisJson<{ errors: Problem[]; warnings: Problem[] }>(['-C', dir, 'check']);
    const said = [...json.errors, ...json.warnings].filter((p) => p.file === 'data/mairies.csv').map((p) => p.message);
    const unread = said.filter((m) => m.includes('non lues'));
    expect(unread).toHaveLength(1);
    expect(unread[0]).toContain('« Adresse 2 » (colonne 4), « Lieu-dit » (colonne 5)');
    expect(unread[0]).toContain('sources.mairies.colonnes');
    // « Observations » is no part of an address: not named.
    expect(said.join('\n')).not.toContain('Observations');
    expect(said.join('\n')).not.toMatch(/colonne manquante/);
  });
});

describe('a town-hall list with an email or web column beside its address', () => {
  it('does not call « Mail du maire » or « Adresse site web » an unread address column', async () => {
    const mairies = 'Code INSEE;Adresse électronique;Numéro et voie;Mail du maire;Adresse site web;Code postal;Localité\r\n45001;mairie@adon.example;1 place de la Mairie;maire@adon.example;https://adon.example;45230;Adon\r\n';
    const { json } = await relaisJson<{ errors: Problem[]; warnings: Problem[] }>(['-C', campaignWith({ mairies }), 'check']);
    const said = [...json.errors, ...json.warnings].filter((p) => p.file === 'data/mairies.csv').map((p) => p.message);
    expect(said.filter((m) => /non lues?/.test(m))).toEqual([]);
  });
});
