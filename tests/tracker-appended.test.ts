import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { balanced, REPEATED_HEADER, REPEATED_TITLE } from '../src/campaign/accounting.js';
import { requireCampaign, type Campaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { readSignups, TOTAL_SET_ASIDE } from '../src/tracker/signups.js';
import { sampleCampaign } from './helpers/campaign.js';

/**
 * Sign-up exports as offices hand them over, read in-process (no spawn): saved from a workbook
 * with its titles, appended end to end, a « Total » row under the table. Every line is accounted
 * for: read = used + set aside + rejected.
 */
const ref = communeReference();
let dir: string;
let campaign: Campaign;
beforeAll(async () => {
  dir = sampleCampaign();
  campaign = await requireCampaign(dir);
});

async function read(name: string, lines: string[]) {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\r\n'));
  const r = await readSignups(campaign, { fichiers: [path], colonnes: {} }, ref);
  const said = r.problems.items.map((p) => `${p.line}: ${p.kind}`);
  const metiers = Array.from({ length: r.records.size }, (_, i) => r.records.names.metier[r.records.metier[i]!]).sort();
  return { r, account: r.fichiers[0]!, said, metiers };
}

describe('a sign-up CSV saved from a workbook, its title rows above the header', () => {
  it('reads the rows under the header found below the titles; the titles are no rows', async () => {
    const { r, account, said } = await read('titres.csv', ['ARS Centre-Val de Loire;;;;;;', 'Export du 08/04/2020;;;;;;', ';;;;;;', 'id;date_inscription;departement;code_postal;metier;categorie;statut', 'W1;26/03/2020;37;;Infirmier;soignant;inscrit', 'W2;26/03/2020;45;;Médecin;soignant;inscrit', '']);
    expect(r.records.size).toBe(2);
    expect(said).toEqual([]);
    expect(account).toMatchObject({ lus: 2, utilises: 2, rejetes: 0 });
  });
});

describe('two exports appended, the second saved from a workbook with its titles and its columns in another order', () => {
  const lines = [
    'id;date_inscription;departement;code_postal;metier;categorie;statut',
    'A1;26/03/2020;45;;Infirmier;soignant;inscrit',
    'Export du 09/04/2020;;;;;;',
    ';;;;;;',
    'id;date_inscription;departement;code_postal;categorie;metier;statut',
    'B1;27/03/2020;18;;soignant;Aide-soignant;inscrit',
    'Total;;;;;;2',
    '',
  ];

  it('sets the title, the second header and the « Total » row aside, each named, and reads B1 under its own header', async () => {
    const { account, said, metiers } = await read('bout-a-bout.csv', lines);
    expect(metiers).toEqual(['Aide-soignant', 'Infirmier']);
    expect(said).toEqual(['3: en-tete-repete', '5: en-tete-repete', '7: ligne-total']);
    expect(account).toMatchObject({ lus: 5, utilises: 2, rejetes: 0, ecartes: { [REPEATED_TITLE]: 1, [REPEATED_HEADER]: 1, [TOTAL_SET_ASIDE]: 1 } });
    expect(balanced(account)).toBe(true);
  });

  it('still rejects a line of one value that no header follows, at its place and at the end of the file', async () => {
    const { account, said } = await read('seul.csv', ['id;date_inscription;departement;code_postal;metier;categorie;statut', 'A1;26/03/2020;45;;Infirmier;soignant;inscrit', 'Note au bas du tableau;;;;;;', 'A2;26/03/2020;45;;Infirmier;soignant;inscrit', 'Fin;;;;;;', '']);
    expect(said).toEqual(['3: inscription-rejetee', '5: inscription-rejetee']);
    expect(account).toMatchObject({ lus: 4, utilises: 2, rejetes: 2 });
    expect(balanced(account)).toBe(true);
  });

  it('names a line that holds more values than its header has columns, and counts it', async () => {
    const glued = ['id;date_inscription;departement;code_postal;metier;categorie;statut', 'A1;26/03/2020;45;;Infirmier;soignant;inscritid;date_inscription;departement', 'A2;26/03/2020;45;;Infirmier;soignant;inscrit', ''];
    const { account, said } = await read('colle.csv', glued);
    expect(said).toEqual(['2: valeurs-en-trop']);
    expect(account).toMatchObject({ lus: 2, utilises: 2, rejetes: 0 });
  });
});

describe('a métier or a catégorie copied with an invisible character', () => {
  it('is the same label as the one without (the report counts one « Infirmier », not two)', async () => {
    const { r, metiers } = await read('invisibles.csv', ['id;date_inscription;departement;code_postal;metier;categorie;statut', 'W1;26/03/2020;37;;Infirmier;soignant;inscrit', 'W2;26/03/2020;45;;Infirmier\u200B;\u200Bsoignant;inscrit', '']);
    expect(metiers).toEqual(['Infirmier', 'Infirmier']);
    expect(new Set(Array.from({ length: r.records.size }, (_, i) => r.records.names.category[r.records.category[i]!]))).toEqual(new Set(['soignant']));
  });
});

describe('a sign-up in « 20 », Corsica before 1976', () => {
  it('is rejected with why: two départements since, and nothing in the row to tell which', async () => {
    const { r, account } = await read('corse.csv', ['id;date_inscription;departement;code_postal;metier;categorie;statut', 'C1;26/03/2020;20;;Infirmier;soignant;inscrit', 'C2;26/03/2020;20;99999;Infirmier;soignant;inscrit', '']);
    expect(account).toMatchObject({ lus: 2, utilises: 0, rejetes: 2 });
    const messages = r.problems.items.map((p) => p.message).join('\n');
    expect(messages).toMatch(/ancien numéro de la Corse.*2A \(Corse-du-Sud\) et 2B \(Haute-Corse\)/);
    // With a postal code that resolves nothing, the note would be untrue (« sans code postal »): not said twice.
    expect(messages.match(/ancien numéro de la Corse/g)).toHaveLength(1);
  });
});
