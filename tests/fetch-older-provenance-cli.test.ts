import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relais, type RunResult } from './helpers/cli.js';
import { annuaireEnv, sampleFetchedOnce, startAnnuaire, type AnnuaireServer } from './servers/annuaire.js';

/**
 * `relais fetch` over a data/ folder whose provenance.json was written by a relais of before the
 * files' hashes, with the directory file corrected by hand since. relais cannot tell a correction
 * from a change of the source: it must say so, keep a copy, and not list the difference as news
 * from the DILA. First fetch in-process, the second through the CLI (one spawn).
 */
let server: AnnuaireServer;
let dir: string;
let second: RunResult;

beforeAll(async () => {
  server = await startAnnuaire();
  let data: string;
  ({ dir, data } = await sampleFetchedOnce(server));
  const provenancePath = join(data, 'provenance.json');
  const provenance = JSON.parse(readFileSync(provenancePath, 'utf8')) as { sources: Array<Record<string, unknown>> };
  for (const s of provenance.sources) delete s.sha256;
  writeFileSync(provenancePath, `${JSON.stringify(provenance, null, 2)}\n`);
  const annuaire = join(data, 'annuaire-mairies.json');
  writeFileSync(annuaire, readFileSync(annuaire, 'utf8').replace('mairie1@loiret.example.fr', 'accueil@commune1.example.fr'));
  second = await relais(['-C', dir, 'fetch'], { env: annuaireEnv(server) });
});
afterAll(async () => {
  await server?.close();
});

describe('relais fetch after a provenance.json without hashes, the directory file corrected by hand', () => {
  it('says it cannot tell a correction from a change of the source, keeps a named copy, and shows no change of the sources', () => {
    expect(second.code, second.stderr).toBe(0);
    const said = `${second.stdout}\n${second.stderr}`;
    expect(said).toContain("Mairies : fichier peut-être modifié à la main, rien à comparer avec la source");
    expect(said).toContain("relais ne peut pas savoir s'il a été modifié à la main ou si la source a changé");
    // The unchanged mayors' file is compared as before, and the untouched file is not copied.
    expect(said).toContain('Maires : aucun changement.');
    const copies = readdirSync(join(dir, 'data')).filter((f) => f.includes('.modifie-'));
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatch(/^annuaire-mairies\.modifie-/);
    expect(readFileSync(join(dir, 'data', copies[0]!), 'utf8')).toContain('accueil@commune1.example.fr');
    expect(said).toContain(copies[0]!);
    // The new provenance.json records the hashes again.
    const provenance = JSON.parse(readFileSync(join(dir, 'data', 'provenance.json'), 'utf8')) as { sources: Array<{ sha256?: unknown }> };
    expect(provenance.sources.every((s) => typeof s.sha256 === 'string' && s.sha256.length === 64)).toBe(true);
  });
});
