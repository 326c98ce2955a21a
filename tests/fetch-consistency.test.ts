import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RelaisError } from '../src/errors.js';
import { readSettings } from '../src/settings.js';
import { DIRECTORY_ROUNDS } from '../src/sources/annuaire.js';
import { fetchOfficialData, type FetchOptions } from '../src/sources/fetch.js';
import { nodeHttpClient } from '../src/sources/http-node.js';
import { tempDir } from './helpers/campaign.js';
import { fetchOptions, sampleRecords, sampleRneRows, startAnnuaire, type AnnuaireServer } from './servers/annuaire.js';

/**
 * `relais fetch` in-process against the local stand-in (tests/servers/annuaire.ts): a directory
 * that keeps changing while it is paged ends in a French error after a bounded number of rounds,
 * with the previous files as they were; the hashes in provenance.json tell a file edited by hand
 * from the one relais wrote; a base address with a query is refused without being repeated.
 */
let server: AnnuaireServer;

beforeAll(async () => {
  server = await startAnnuaire();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  server.records = sampleRecords();
  server.rne.rows = sampleRneRows();
  for (const queue of Object.values(server.script)) queue.length = 0;
  server.log.length = 0;
});

const options = (dataDir: string, extra: Partial<FetchOptions> = {}): FetchOptions => fetchOptions(server, dataDir, extra);

const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

describe('relais fetch: a directory that keeps changing while paged', () => {
  it(`pages the département again, ${DIRECTORY_ROUNDS} times at most, then says to run fetch again and writes nothing`, async () => {
    const data = join(tempDir(), 'data');
    mkdirSync(data, { recursive: true });
    await fetchOfficialData(options(data));
    const before = snapshot(data);
    server.log.length = 0;
    // Indre-et-Loire (20 records, one page) first, then every first page of the Loiret announces
    // one record more than its second page.
    server.script.records.push({ body: JSON.stringify({ total_count: 20, results: server.records.filter((r) => String(r.code_insee_commune).startsWith('37')) }) });
    for (let round = 0; round < DIRECTORY_ROUNDS; round++) {
      server.script.records.push({ body: JSON.stringify({ total_count: 134, results: server.records.slice(0, 100) }) });
      server.script.records.push({ body: JSON.stringify({ total_count: 133, results: server.records.slice(100, 133) }) });
    }
    const said: string[] = [];
    const error = await fetchOfficialData(options(data, { onProgress: (m) => said.push(m) })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RelaisError);
    expect((error as Error).message).toMatch(/données du département 45 ont changé pendant le téléchargement/);
    expect((error as Error).message).toMatch(/relancez « relais fetch »/);
    expect(server.log.filter((l) => l.kind === 'records')).toHaveLength(1 + 2 * DIRECTORY_ROUNDS);
    expect(said.filter((m) => /45 : les données ont changé pendant le téléchargement ; nouveau téléchargement du département \(essai \d sur \d\)/.test(m))).toHaveLength(DIRECTORY_ROUNDS - 1);
    expect(snapshot(data)).toEqual(before);
  });
});

describe('relais fetch: past 10,000 records, an export that does not match the count', () => {
  const exportOf = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: `export-${i}` })));

  it('a few records apart (the dataset moved between the count and the export): the département is downloaded again', async () => {
    const data = join(tempDir(), 'data');
    mkdirSync(data, { recursive: true });
    server.script.records.push({ body: JSON.stringify({ total_count: 12_000, results: [] }) });
    server.script.exports.push({ body: exportOf(11_990) });
    const said: string[] = [];
    const result = await fetchOfficialData(options(data, { onProgress: (m) => said.push(m) }));
    expect(said).toContain('  37 : les données ont changé pendant le téléchargement ; nouveau téléchargement du département (essai 2 sur 3)');
    expect(result.annuaire.communes).toBe(146);
  });

  it('far more records than announced (a query the mirror ignored): an error, nothing written', async () => {
    const data = join(tempDir(), 'data');
    mkdirSync(data, { recursive: true });
    server.script.records.push({ body: JSON.stringify({ total_count: 12_000, results: [] }) });
    server.script.exports.push({ body: exportOf(13_000) });
    const error = await fetchOfficialData(options(data)).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/l'export du département 37 .* a donné 13\u202f000 fiches alors que l'API en annonçait 12\u202f000 : le filtre de la requête n'a pas été appliqué/);
    expect(readdirSync(data)).toEqual([]);
  });
});

describe('relais fetch: the files it wrote, and the files edited since', () => {
  it('records the SHA-256 of each file it writes; an unchanged file is not said to be edited, and no copy is made', async () => {
    const data = join(tempDir(), 'data');
    mkdirSync(data, { recursive: true });
    await fetchOfficialData(options(data));
    const provenance = JSON.parse(readFileSync(join(data, 'provenance.json'), 'utf8')) as { sources: Array<{ fichier: string; sha256: string }> };
    const { createHash } = await import('node:crypto');
    for (const s of provenance.sources) expect(s.sha256).toBe(createHash('sha256').update(readFileSync(join(data, s.fichier.replace(/^data\//, '')))).digest('hex'));
    const again = await fetchOfficialData(options(data));
    expect(again.previous.handEdited).toEqual([]);
    expect(again.changes.mairies).toEqual({ ajoutees: [], retirees: [], courriels: [] });
    expect(readdirSync(data).filter((f) => f.includes('.modifie-'))).toEqual([]);
  });

  it('in a dry run, names the edited file, keeps its differences apart from the changes of the sources, and writes nothing', async () => {
    const data = join(tempDir(), 'data');
    mkdirSync(data, { recursive: true });
    await fetchOfficialData(options(data));
    const rne = join(data, 'rne-maires.csv');
    writeFileSync(rne, readFileSync(rne, 'utf8').replace(';NOM2;Prénom2;M;', ';MARTIN;Paul;M;'));
    const before = snapshot(data);
    const result = await fetchOfficialData(options(data, { dryRun: true }));
    expect(result.previous.handEdited).toEqual([{ fichier: 'data/rne-maires.csv', copie: null, certain: true }]);
    expect(result.changes.maires).toBeNull();
    expect(result.changes.corrections.maires?.changes).toEqual([{ insee: '45002', commune: 'Commune 2 du Loiret', avant: 'Paul MARTIN (M)', apres: 'Prénom2 NOM2 (M)' }]);
    // The directory file was not touched: its changes are the source's, compared as usual.
    expect(result.changes.mairies).toEqual({ ajoutees: [], retirees: [], courriels: [] });
    expect(snapshot(data)).toEqual(before);
  });

  it('keeps the edited version under a new name, each time a new one', async () => {
    const data = join(tempDir(), 'data');
    mkdirSync(data, { recursive: true });
    await fetchOfficialData(options(data));
    const annuaire = join(data, 'annuaire-mairies.json');
    const copies: string[] = [];
    for (const email of ['premiere@correction.example.fr', 'seconde@correction.example.fr']) {
      const edited = readFileSync(annuaire, 'utf8').replace('mairie7@loiret.example.fr', email);
      writeFileSync(annuaire, edited);
      const result = await fetchOfficialData(options(data));
      const copy = result.previous.handEdited[0]?.copie ?? '';
      expect(copy).toMatch(/^data\/annuaire-mairies\.modifie-2026-12-01-0800(-2)?\.json$/);
      expect(readFileSync(join(data, copy.replace(/^data\//, '')), 'utf8')).toBe(edited);
      expect(readFileSync(annuaire, 'utf8')).toContain('mairie7@loiret.example.fr');
      copies.push(copy);
    }
    expect(new Set(copies).size).toBe(2);
  });
});

describe('relais fetch: interrupted with a hand-edited file', () => {
  it('a Ctrl-C as the files are about to be written leaves the edited file as it is and no copy behind', async () => {
    const data = join(tempDir(), 'data');
    mkdirSync(data, { recursive: true });
    await fetchOfficialData(options(data));
    const annuaire = join(data, 'annuaire-mairies.json');
    writeFileSync(annuaire, readFileSync(annuaire, 'utf8').replace('mairie9@loiret.example.fr', 'corrigee@commune9.example.fr'));
    const before = snapshot(data);
    const stop = new AbortController();
    // hold() is called as the writing begins: the signal arrives there, before the first rename.
    const error = await fetchOfficialData(options(data, { signal: stop.signal, hold: () => (stop.abort(), () => undefined) })).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^interrompu/);
    expect(snapshot(data)).toEqual(before);
  });
});

describe('RELAIS_ANNUAIRE_API_URL', () => {
  it('with a query or a fragment is refused at start (exit 2), naming the variable and not the query', () => {
    for (const url of ['https://proxy.example/api/explore/v2.1?apikey=s3cr3tkey', 'https://proxy.example/api/explore/v2.1#s3cr3tkey']) {
      let error: unknown;
      try {
        readSettings({ RELAIS_ANNUAIRE_API_URL: url });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RelaisError);
      expect((error as RelaisError).exitCode).toBe(2);
      expect((error as Error).message).toMatch(/RELAIS_ANNUAIRE_API_URL : l'adresse de base de l'API ne doit pas contenir de paramètres/);
      expect((error as Error).message).not.toContain('s3cr3tkey');
    }
  });
});

describe('an address that redirects without end', () => {
  it('is not retried as an outage: one attempt, ended by « trop de redirections »', async () => {
    const http = await import('node:http');
    let requests = 0;
    const loop = http.createServer((_req, res) => {
      requests++;
      res.writeHead(302, { location: '/boucle' });
      res.end();
    });
    await new Promise<void>((r) => loop.listen(0, '127.0.0.1', r));
    const { port } = loop.address() as import('node:net').AddressInfo;
    const { getWithRetry } = await import('../src/sources/http.js');
    const error = await getWithRetry(nodeHttpClient(5000), `http://127.0.0.1:${port}/boucle`, 'application/json', 'Annuaire', { attempts: 4, baseMs: 1, maxWaitMs: 1000 }).catch((e: unknown) => e);
    loop.closeAllConnections();
    await new Promise<void>((r) => loop.close(() => r()));
    expect((error as Error).message).toMatch(/^Annuaire : trop de redirections .* \(http:\/\/127\.0\.0\.1:\d+\/boucle\)/);
    // Node's fetch follows 20 redirects: 21 requests for one attempt, 84 had it been retried.
    expect(requests).toBe(21);
  });
});
