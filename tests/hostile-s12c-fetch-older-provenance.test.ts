import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchOfficialData, type FetchOptions } from '../src/sources/fetch.js';
import { tempDir } from './helpers/campaign.js';
import { fetchOptions, startAnnuaire, type AnnuaireServer } from './servers/annuaire.js';

/**
 * Hostile pass s12c: hand-edited files are told by the SHA-256 that provenance.json now records.
 * A data folder fetched by the relais of before (its provenance.json has no sha256) and corrected
 * by hand since: the first fetch after the upgrade replaces the corrections without a copy, and
 * shows them as changes of the sources — README: « Si data/annuaire-mairies.json … a été modifié
 * depuis que relais l'a écrit …, fetch … en garde une copie avant de le remplacer ».
 */
let server: AnnuaireServer;
beforeAll(async () => {
  server = await startAnnuaire();
});
afterAll(async () => {
  await server?.close();
});

const options = (dataDir: string, extra: Partial<FetchOptions> = {}): FetchOptions => fetchOptions(server, dataDir, extra);

describe('relais fetch over files an older relais wrote (provenance.json without sha256), corrected by hand since', () => {
  it('keeps a copy of the corrected file before replacing it', async () => {
    const data = join(tempDir(), 'data');
    mkdirSync(data, { recursive: true });
    await fetchOfficialData(options(data));
    // As the relais of before wrote it: the same provenance, without the files' hashes.
    const provenancePath = join(data, 'provenance.json');
    const provenance = JSON.parse(readFileSync(provenancePath, 'utf8')) as { sources: Array<Record<string, unknown>> };
    for (const s of provenance.sources) delete s.sha256;
    writeFileSync(provenancePath, `${JSON.stringify(provenance, null, 2)}\n`);
    // The address a town hall asked for, corrected by hand.
    const annuaire = join(data, 'annuaire-mairies.json');
    const corrected = readFileSync(annuaire, 'utf8').replace('mairie7@loiret.example.fr', 'secretariat@commune7.example.fr');
    expect(corrected).toContain('secretariat@commune7.example.fr');
    writeFileSync(annuaire, corrected);

    const result = await fetchOfficialData(options(data));
    const kept = readdirSync(data).filter((f) => f.includes('.modifie-')).map((f) => readFileSync(join(data, f), 'utf8'));
    // What happens: no copy, the file replaced (the correction gone), and the correction is
    // listed among the sources' changes (changes.mairies.courriels) as news from the DILA.
    expect(readFileSync(annuaire, 'utf8')).not.toContain('secretariat@commune7.example.fr');
    expect({ kept: kept.some((k) => k.includes('secretariat@commune7.example.fr')), named: result.previous.handEdited.length }).toEqual({ kept: true, named: 1 });
  });
});

describe('RELAIS_RNE_URL with a key in its query (a mirror that asks for one)', () => {
  it('does not write the key into provenance.json and PROVENANCE.md, which the campaign keeps and shares', async () => {
    // RELAIS_ANNUAIRE_API_URL with ?apikey= is now refused without being printed; the RNE's
    // address may carry a query (a file's link), and is recorded as given.
    const data = join(tempDir(), 'data');
    mkdirSync(data, { recursive: true });
    const o = options(data);
    await fetchOfficialData({ ...o, settings: { ...o.settings, rneUrl: `${server.rneUrl}?apikey=cle-secrete-0123456789` } });
    for (const file of ['provenance.json', 'PROVENANCE.md']) {
      // What happens: « "url": "http://127.0.0.1:…/elus-maires.csv?apikey=cle-secrete-0123456789" ».
      expect(readFileSync(join(data, file), 'utf8'), file).not.toContain('cle-secrete-0123456789');
    }
  });
});
