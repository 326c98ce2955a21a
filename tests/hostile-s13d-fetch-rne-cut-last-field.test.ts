import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchOfficialData } from '../src/sources/fetch.js';
import { RNE_HEADER, tempDir } from './helpers/campaign.js';
import { fetchOptions, sampleRneRows, startAnnuaire, type AnnuaireServer } from './servers/annuaire.js';

/**
 * Hostile pass s13d: `relais fetch` now refuses an RNE download cut in the middle of a row — when
 * the cut leaves its last line with fewer fields than the header. A cut falls anywhere: when it
 * falls in the row's LAST field (« Date de début de la fonction », a tenth of each line), the last
 * line has all its 14 fields, the last one short (« 23/03/ »), no line break after it — and the
 * download is accepted as whole. The mayors of every commune after it (30 of the Loiret's here)
 * are simply absent from data/rne-maires.csv, and the fetch says nothing of a cut.
 *
 * What a user expects: the same « téléchargement tronqué » as for a cut one field earlier; a
 * download without its final line break whose last value is not even a whole date is no whole
 * file.
 */
let server: AnnuaireServer;

beforeAll(async () => {
  server = await startAnnuaire();
});
afterAll(async () => {
  await server?.close();
});

describe('relais fetch: an RNE file cut in the last field of a row', () => {
  it('is refused as truncated, and nothing is written', async () => {
    const full = `\uFEFF${[RNE_HEADER, ...sampleRneRows()].join('\r\n')}\r\n`;
    const row = full.indexOf(';Prénom100;');
    const lastField = full.indexOf('\r\n', row) - '2014'.length;
    const cut = full.slice(0, lastField);
    expect(cut.endsWith(';Prénom100;F;01/01/1960;33;Cadres;23/03/2014;23/03/') || cut.endsWith(';Prénom100;M;01/01/1960;33;Cadres;23/03/2014;23/03/')).toBe(true);
    server.script.rne.push({ body: cut, headers: { 'content-type': 'text/csv; charset=utf-8' } });
    const dir = tempDir();
    mkdirSync(join(dir, 'data'), { recursive: true });
    let error: Error | undefined;
    try {
      await fetchOfficialData(fetchOptions(server, join(dir, 'data'), { deps: ['45'] }));
    } catch (e) {
      error = e as Error;
    }
    // Now: accepted, 100 of the Loiret's 130 mayors written, not a word of a cut.
    expect(error, 'the cut file was accepted and written as data/rne-maires.csv').toBeInstanceOf(Error);
    expect(error!.message).toMatch(/tronqu|incomplet|coup/);
    expect(existsSync(join(dir, 'data', 'rne-maires.csv'))).toBe(false);
  });
});
