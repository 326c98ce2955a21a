import { describe, expect, it } from 'vitest';
import { campaignWith, RNE_HEADER, rneRow } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * An overseas ARS plans its posts on its own clock: « 09:00 » in a Guyane campaign is 09:00 in
 * Cayenne (UTC-3), as its sign-ups are counted on Cayenne's days — not 09:00 in Paris.
 */
const GUYANE_YAML = (yaml: string) =>
  yaml
    .replace('region: 24', 'region: 03')
    .replace(/departements:\n[\s\S]*?\n\n/, 'departements:\n  "973":\n    prefet:\n      prenom: Antoine\n      nom: POUSSIER\n      genre: M\n\n')
    .replace(/ {2}inscriptions:\n(?: {4}- .*\n)+/, '')
    .replace(/\npublications:\n(?: {2}.*\n)+/, '\n')
    .replace('  date: 2020-04-10', '  date: 2020-04-10\n  volontaires: 150');

describe('a campaign of an overseas région', () => {
  it('plans a post at the hour of its région by default, and at Paris time when told', async () => {
    const dir = campaignWith({ maires: [RNE_HEADER, rneRow('973', '97302', 'Cayenne', 'PRINCE', 'Sandra', 'F')].join('\n') + '\n', yaml: GUYANE_YAML });
    const local = await relaisJson<{ tz: string; due_utc: string }>(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2031-04-11 09:00', '--text', 'Volontaires, inscrivez-vous']);
    expect(local.code, local.stderr).toBe(0);
    expect(local.json).toMatchObject({ tz: 'America/Cayenne', due_utc: '2031-04-11T12:00:00.000Z' });
    const paris = await relaisJson<{ tz: string; due_utc: string }>(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2031-04-12 09:00', '--tz', 'Europe/Paris', '--text', 'Volontaires, inscrivez-vous encore']);
    expect(paris.json).toMatchObject({ tz: 'Europe/Paris', due_utc: '2031-04-12T07:00:00.000Z' });
  });
});
