import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais, type RunResult } from './helpers/cli.js';
import { annuaireEnv, startAnnuaire, type AnnuaireServer } from './servers/annuaire.js';

/**
 * `relais fetch` for the Indre-et-Loire and the Loiret (272 + 325 = 597 communes in the COG)
 * against a directory that gives town halls for 146 of them (the stand-in's data,
 * tests/servers/annuaire.ts: a filter gone wrong, a page lost, a directory in mid-update). fetch
 * prints « 151 mairies pour 146 communes », exit 0, and the sources: lines to put in
 * campagne.yaml — without saying that 451 communes of the départements got no town hall.
 * `relais check` then only warns, commune by commune, that their letters will go by post: 451
 * town halls that have an email address would be reached on paper, days later, and the agent
 * was never told that the download was short. fetch knows the départements' communes (it reads
 * the COG): it must say how many have no town hall in what it received. One CLI spawn.
 */
let server: AnnuaireServer;
let run: RunResult;

beforeAll(async () => {
  server = await startAnnuaire();
  const dir = sampleCampaign();
  rmSync(join(dir, 'data', 'annuaire-mairies.json'));
  run = await relais(['-C', dir, 'fetch'], { env: annuaireEnv(server) });
});
afterAll(async () => {
  await server?.close();
});

describe('relais fetch: communes of the départements left without a town hall', () => {
  it('says that 451 of the 597 communes of the départements have no town hall in the download', () => {
    expect(run.code, run.stderr).toBe(0);
    const said = `${run.stdout}\n${run.stderr}`;
    expect(said).toMatch(/146 communes/);
    expect(said).toMatch(/451[^\n]*sans|sans[^\n]*451/);
  });
});
