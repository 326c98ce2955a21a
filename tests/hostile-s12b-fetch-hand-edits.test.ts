import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relais, type RunResult } from './helpers/cli.js';
import { annuaireEnv, sampleFetchedOnce, startAnnuaire, type AnnuaireServer } from './servers/annuaire.js';

/**
 * A fetch into a campaign whose fetched files were corrected by hand. A préfecture agent fixes
 * in data/annuaire-mairies.json the address a town hall asked to be written to, and in
 * data/rne-maires.csv the mayor elected at a by-election the RNE does not have yet. A month
 * later `relais fetch` runs again; the DILA directory and the RNE have not changed since the
 * first fetch (the stand-in serves the same data). What fetch prints as « Changements depuis le
 * téléchargement précédent » is then untrue — nothing changed at the sources; the differences
 * are the agent's corrections, which are about to be overwritten — and the agent is not told
 * that the files had been edited since relais wrote them. The first fetch runs in-process; the
 * second is the CLI, as the agent runs it (one spawn).
 */
let server: AnnuaireServer;
let dir: string;
let second: RunResult;

beforeAll(async () => {
  server = await startAnnuaire();
  let data: string;
  ({ dir, data } = await sampleFetchedOnce(server));
  // The agent's corrections, by hand.
  const annuaire = join(data, 'annuaire-mairies.json');
  writeFileSync(annuaire, readFileSync(annuaire, 'utf8').replace('mairie1@loiret.example.fr', 'accueil@commune1.example.fr'));
  const rne = join(data, 'rne-maires.csv');
  writeFileSync(rne, readFileSync(rne, 'utf8').replace(';NOM1;Prénom1;F;', ';DE LA FONTAINE;Marie-Claire;F;'));
  second = await relais(['-C', dir, 'fetch'], { env: annuaireEnv(server) });
});
afterAll(async () => {
  await server?.close();
});

describe('relais fetch over files corrected by hand', () => {
  it('says the files were edited since the last fetch, and does not present the corrections as changes of the sources', () => {
    expect(second.stderr).not.toMatch(/erreur inattendue/);
    const said = `${second.stdout}\n${second.stderr}`;
    // Today it lists « 45001 … : accueil@commune1.example.fr → mairie1@loiret.example.fr » and
    // « Marie-Claire DE LA FONTAINE (F) → Prénom1 NOM1 (F) » under « Changements depuis le
    // téléchargement précédent (01/11/2026) ». Whether it then replaces the files or refuses to,
    // it must say that the files in data/ were modified after relais wrote them.
    expect(said).toMatch(/modifi\S* (à la main|depuis (le|leur|son) (dernier )?téléchargement|après (le|leur|son) téléchargement)/i);
  });

  it('keeps a copy of the hand-corrected files it replaces, and names it', () => {
    // The corrections are the agent's work: replaced without a copy they are lost for good.
    const said = `${second.stdout}\n${second.stderr}`;
    const annuaire = readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8');
    expect(annuaire).not.toContain('accueil@commune1.example.fr');
    // Both corrected files are kept aside, each copy holding the correction, and named.
    for (const [stem, correction] of [['annuaire-mairies', 'accueil@commune1.example.fr'], ['rne-maires', 'DE LA FONTAINE']] as const) {
      const copies = readdirSync(join(dir, 'data')).filter((f) => f.startsWith(`${stem}.modifie-`));
      expect(copies, stem).toHaveLength(1);
      expect(readFileSync(join(dir, 'data', copies[0]!), 'utf8')).toContain(correction);
      expect(said).toContain(copies[0]!);
    }
  });
});
