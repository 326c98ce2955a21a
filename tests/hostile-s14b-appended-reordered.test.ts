import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTACT_HEADER, campaignWith } from './helpers/campaign.js';
import { ROOT, relaisJson } from './helpers/cli.js';

/**
 * Two town-hall lists (or two RNE extracts) put end to end (`copy loiret.csv+complement.csv
 * mairies.csv`), the second exported by another office with its columns in another order, or
 * with one column more (« telephone »). src/campaign/sources.ts sets a repeated header aside only
 * when it repeats the first one exactly (src/data/header-rows.ts repeatsHeader); any other header
 * line is read as a town hall — rejected as « code INSEE « code_insee_commune » inconnu du Code
 * officiel géographique » — and the rows under it are read with the first file's columns:
 * Amilly's commune name taken for its e-mail address, its street number for its postal code. The
 * sign-up reader (src/tracker) already recognises such a header and reads the rows below it under
 * their own columns: the user expects the same of the campaign's sources, or at least to be told
 * that the line is another export's header, not a commune with an unknown code.
 */
interface Check {
  ok: boolean;
  errors: Array<{ message: string; line?: number }>;
  warnings: Array<{ message: string; line?: number }>;
}

const FIRST = [CONTACT_HEADER, '45001;mairie@adon.example;1 place de la Mairie;45230;Adon', "45002;mairie@aillant.example;2 rue de l'Église;45230;Aillant-sur-Milleron"];

describe('a second town-hall list appended, its columns in another order', () => {
  it('reads Amilly under its own header (or names line 4 as a header), never its commune name as its e-mail address', async () => {
    const second = ['code_insee_commune;nom_commune;code_postal;numero_voie;adresse_courriel', '45004;Amilly;45200;3 rue de la Mairie;mairie@amilly.example'];
    const dir = campaignWith({ mairies: [...FIRST, ...second, ''].join('\r\n') });
    const { json, stderr } = await relaisJson<Check>(['-C', dir, 'check']);
    const said = [...json.errors, ...json.warnings].map((p) => p.message);
    // Today: « data/mairies.csv:4: … code INSEE « code_insee_commune » inconnu du Code officiel
    // géographique », then « data/mairies.csv:5: … adresse électronique « Amilly » mal formée
    // (Amilly) : jamais utilisée, la lettre partira par courrier » and « code postal « 3 rue de la
    // Mairie » mal formé ».
    expect(said.join('\n'), stderr).not.toMatch(/code INSEE « code_insee_commune » inconnu/);
    expect(said.join('\n')).not.toMatch(/adresse électronique « Amilly »/);
    expect(said.join('\n')).not.toMatch(/code postal « 3 rue de la Mairie »/);
  });
});

describe('a second town-hall list appended, with one column more', () => {
  it('says line 4 is another export’s header, not a commune whose INSEE code « code_insee_commune » is unknown', async () => {
    const second = [`${CONTACT_HEADER};telephone`, '45004;mairie@amilly.example;3 rue de la Mairie;45200;Amilly;02 38 00 00 00'];
    const dir = campaignWith({ mairies: [...FIRST, ...second, ''].join('\r\n') });
    const { json, stderr } = await relaisJson<Check>(['-C', dir, 'check']);
    const said = [...json.errors, ...json.warnings].filter((p) => p.line === 4).map((p) => p.message);
    // Today the campaign is stopped (exit 1) by « code INSEE « code_insee_commune » inconnu du Code
    // officiel géographique » at line 4, which the user reads as a commune to correct.
    expect(said.join('\n'), stderr).toMatch(/en-tête/);
    expect(said.join('\n')).not.toMatch(/code INSEE « code_insee_commune » inconnu/);
  });
});

describe('a second RNE extract appended, « Prénom de l\'élu » before « Nom de l\'élu »', () => {
  it('names line 1456 as another extract’s header (or reads the mayors below it under it), not as a mayor whose code sexe is « Code sexe »', async () => {
    // The sample's RNE, its last 300 mayors (the Loiret's) cut off and appended as a second
    // extract whose first and last names are in the other order, as another year's file has them.
    const [header, ...rows] = readFileSync(join(ROOT, 'data', 'maires.csv'), 'utf8').replace(/\r?\n$/, '').split('\n');
    const order = [0, 1, 2, 3, 4, 5, 7, 6, 8, 9, 10, 11, 12, 13];
    const swap = (line: string) => order.map((i) => line.split(';')[i]).join(';');
    const maires = [header!, ...rows.slice(0, -300), swap(header!), ...rows.slice(-300).map(swap), ''].join('\n');
    const dir = campaignWith({ maires });
    const { json, stderr } = await relaisJson<Check>(['-C', dir, 'check']);
    const said = [...json.errors, ...json.warnings].filter((p) => p.line === rows.length - 300 + 2).map((p) => p.message);
    // Today: « data/maires.csv:1456: fichier des maires : code sexe « Code sexe » invalide (F ou M
    // attendu) » and « code INSEE CODE DE LA COMMUNE inconnu du Code officiel géographique »; the
    // 300 mayors below are read under the first header, their first name as their name and their
    // name as their first name, unsaid: once the « bad » line is deleted, check says ready (exit 0).
    expect(said.join('\n'), stderr).toMatch(/en-tête/);
    expect(said.join('\n')).not.toMatch(/code sexe « Code sexe »/);
  });
});
