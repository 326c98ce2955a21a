import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchOfficialData, type FetchResult } from '../src/sources/fetch.js';
import { tempDir } from './helpers/campaign.js';
import { fetchOptions, sampleRneRows, startAnnuaire, townHall, type AnnuaireServer, type Record_ } from './servers/annuaire.js';

/**
 * `relais fetch` against pages that do not add up, called in-process against the local
 * stand-in of the directory API (tests/servers/annuaire.ts). The records endpoint pages a
 * dataset that the DILA republishes every day: `total_count` is given with every page, and a
 * count that moves between two pages means the pages no longer fit together (with `order_by id`,
 * a record removed before the offset shifts the next page by one: a town hall falls between
 * two pages). The exports endpoint, used past 10,000 records, says nothing of its own count:
 * only the records endpoint's `total_count` can tell whether the export is whole.
 */
let server: AnnuaireServer;

/** 150 town halls of the Loiret, in `id` order as the API pages them. */
const loiret: Record_[] = Array.from({ length: 150 }, (_, i) => townHall(`45${String(i + 1).padStart(3, '0')}`, `Commune ${i + 1}`, `mairie${i + 1}@loiret.example.fr`, { id: `id-${String(i + 1).padStart(4, '0')}` }));

beforeAll(async () => {
  server = await startAnnuaire();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  server.records = loiret.slice();
  server.rne.rows = sampleRneRows();
  for (const queue of Object.values(server.script)) queue.length = 0;
  server.log.length = 0;
});

async function fetchLoiret(): Promise<{ dir: string; result?: FetchResult; error?: Error }> {
  const dir = tempDir();
  mkdirSync(join(dir, 'data'), { recursive: true });
  try {
    const result = await fetchOfficialData(fetchOptions(server, join(dir, 'data'), { deps: ['45'] }));
    return { dir, result };
  } catch (error) {
    return { dir, error: error as Error };
  }
}

const writtenIds = (dir: string) => (JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8')) as Record_[]).map((r) => r.id);

describe('relais fetch: pages whose count moves between two requests', () => {
  it('a record removed while paging (total_count 150 then 149) does not silently drop the town hall that slid between the pages', async () => {
    // Page 1 (offset 0) is taken while there are 150 records; then id-0050 is withdrawn: page 2
    // (offset 100) now starts at what was the 102nd record, and id-0101 is in neither page.
    // Past the two scripted pages, the server answers from its data as it now is (149 records).
    server.records = loiret.filter((r) => r.id !== 'id-0050');
    server.script.records.push({ body: JSON.stringify({ total_count: 150, results: loiret.slice(0, 100) }) });
    server.script.records.push({ body: JSON.stringify({ total_count: 149, results: loiret.slice(101, 150) }) });
    const { dir, result, error } = await fetchLoiret();
    if (error) {
      // Acceptable: a French error that says the data changed while downloading, nothing written.
      expect(error.message).toMatch(/chang/);
      expect(error.message).not.toMatch(/erreur inattendue/);
      return;
    }
    // Or: fetch pages again until the pages fit, and Commune 101 (45101) is in the file.
    expect(result).toBeDefined();
    expect(writtenIds(dir)).toContain('id-0101');
  });
});

describe('relais fetch: a page that repeats the previous one', () => {
  it('a proxy that ignores « offset » (the same 100 records twice) does not make 100 records of 150 pass for the whole département', async () => {
    // A caching proxy keyed on the path, or a mirror that ignores the offset: page 2 is page 1
    // again. relais drops the repeated ids (paging a changing dataset can repeat one) and stops at
    // offset 200 ≥ 150, with 100 distinct records where total_count announced 150.
    server.script.records.push({ body: JSON.stringify({ total_count: 150, results: loiret.slice(0, 100) }) });
    server.script.records.push({ body: JSON.stringify({ total_count: 150, results: loiret.slice(0, 100) }) });
    const { dir, result, error } = await fetchLoiret();
    if (error) {
      expect(error.message).toMatch(/150/);
      expect(error.message).not.toMatch(/erreur inattendue/);
      return;
    }
    expect(writtenIds(dir)).toHaveLength(150);
    expect(result?.annuaire.received).toBe(150);
  });
});

describe('relais fetch: more than 10,000 records, through the export', () => {
  it('an export that gives far fewer records than total_count announced is not written as whole', async () => {
    // The records endpoint announces 12,000 matching records (past its 10,000 cap); the export,
    // which has no cap, hands back 150 — a cut or filtered export, not the département.
    server.script.records.push({ body: JSON.stringify({ total_count: 12_000, results: loiret.slice(0, 100) }) });
    const { dir, result, error } = await fetchLoiret();
    expect(result, `fetch wrote ${result?.annuaire.received} records of 12 000 announced into ${dir}`).toBeUndefined();
    expect(error?.message).toMatch(/12[\s\u202f\u00a0]?000/);
    expect(error?.message).toMatch(/150/);
    expect(error?.message).not.toMatch(/erreur inattendue/);
  });
});
