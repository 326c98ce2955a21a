import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { campaignWith, RNE_HEADER, rneRow, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * `region:` is optional in campagne.yaml (src/campaign/schema.ts), and a campaign of the Guyane
 * (département 973 alone) is complete without it: every département knows its région
 * (departements[].regionInfo). But the clock of the campaign is taken from `region:` only
 * (src/delivery/schedule.ts campaignZone and src/tracker/signups.ts: regionZone(campaign.region?.code)):
 * without the line, a Cayenne campaign plans « 09:00 » at 09:00 in Paris (04:00 in Cayenne) and
 * counts a sign-up of 21:30 in Cayenne on the next day.
 */
const GUYANE_NO_REGION = (yaml: string) =>
  yaml
    .replace(/^region: 24\n/m, '')
    .replace(/departements:\n[\s\S]*?\n\n/, 'departements:\n  "973":\n    prefet:\n      prenom: Antoine\n      nom: POUSSIER\n      genre: M\n\n')
    .replace(/ {2}inscriptions:\n(?: {4}- .*\n)+/, '')
    .replace(/\npublications:\n(?: {2}.*\n)+/, '\n')
    .replace('  date: 2020-04-10', '  date: 2020-04-10\n  volontaires: 150');

describe('a Guyane campaign whose campagne.yaml has no « region: » line', () => {
  it('plans its posts and counts its sign-ups on Cayenne\u2019s clock, as with « region: 03 »', async () => {
    const dir = campaignWith({ maires: [RNE_HEADER, rneRow('973', '97302', 'Cayenne', 'PRINCE', 'Sandra', 'F')].join('\n') + '\n', yaml: GUYANE_NO_REGION });
    const post = await relaisJson<{ tz: string; due_utc: string }>(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2031-04-11 09:00', '--text', 'Volontaires, inscrivez-vous']);
    expect(post.code, post.stderr).toBe(0);
    // Today: tz Europe/Paris, due 07:00 UTC (04:00 in Cayenne).
    expect(post.json).toMatchObject({ tz: 'America/Cayenne', due_utc: '2031-04-11T12:00:00.000Z' });

    // 2020-03-27T00:30:00Z is 26 March, 21:30 in Cayenne.
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(file, 'id;date_inscription;departement;code_postal;metier;categorie;statut\nG1;2020-03-27T00:30:00Z;973;97300;Infirmier;soignant;inscrit\n');
    const track = await relaisJson<{ total: number; jours: Array<{ date: string; inscrits: number }> }>(['-C', dir, 'track', file]);
    expect(track.json.total).toBe(1);
    expect(track.json.jours.filter((d) => d.inscrits > 0).map((d) => d.date)).toEqual(['2020-03-26']);
  });
});
