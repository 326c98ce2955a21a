import { existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchOfficialData } from '../src/sources/fetch.js';
import { RNE_HEADER, tempDir } from './helpers/campaign.js';
import { fetchOptions, sampleRneRows, startAnnuaire, type AnnuaireServer } from './servers/annuaire.js';

/**
 * Hostile pass s13c: the RNE's national mayors file (UTF-8 with BOM, `;`, CRLF) arrives cut in
 * the middle of a row, with a status 200 and a length that matches what was sent — a cache or a
 * proxy that stored a partial copy, a file being replaced on the server. The last line stops in
 * the middle of a first name (« Prén »), with 5 of the header's 14 fields, and every row after it
 * (the rest of the Loiret, 30 communes here) is simply absent.
 *
 * What happens: the fetch keeps the cut row as a mayor (first name « Prén », no sex, no dates),
 * counts no rejected row, says nothing of the 30 communes whose mayor vanished, and replaces
 * data/rne-maires.csv. What a user expects: a download whose last line is cut mid-row is a cut
 * download: a French message saying the file is truncated, and nothing written.
 *
 * The same through gzip: the answer is `Content-Encoding: gzip`, its Content-Length that of the
 * compressed bytes actually sent, and the compressed stream stops half-way (a cache that stored a
 * partial copy). Node's fetch hands over what it could inflate without a word: half the
 * Loiret's mayors, the last one cut, all taken as the RNE.
 */
let server: AnnuaireServer;

beforeAll(async () => {
  server = await startAnnuaire();
});
afterAll(async () => {
  await server?.close();
});

async function fetchLoiret(rneUrl?: string): Promise<{ dir: string; error?: Error }> {
  const dir = tempDir();
  mkdirSync(join(dir, 'data'), { recursive: true });
  const options = fetchOptions(server, join(dir, 'data'), { deps: ['45'] });
  if (rneUrl) options.settings = { ...options.settings, rneUrl };
  try {
    await fetchOfficialData(options);
    return { dir };
  } catch (e) {
    return { dir, error: e as Error };
  }
}

describe('relais fetch: an RNE file cut in the middle of a row', () => {
  it('is refused as truncated, and the previous files are kept', async () => {
    const full = `\uFEFF${[RNE_HEADER, ...sampleRneRows()].join('\r\n')}\r\n`;
    const cut = full.slice(0, full.indexOf('Prénom100') + 4);
    expect(cut.endsWith('NOM100;Prén')).toBe(true);
    server.script.rne.push({ body: cut, headers: { 'content-type': 'text/csv; charset=utf-8' } });
    const { dir, error } = await fetchLoiret();
    expect(error, 'the cut file was accepted and written as data/rne-maires.csv').toBeInstanceOf(Error);
    expect(error!.message).toMatch(/tronqu|incomplet|coup/);
    expect(error!.message).not.toMatch(/erreur inattendue/);
    expect(existsSync(join(dir, 'data', 'rne-maires.csv'))).toBe(false);
  });

  it('is refused as truncated when it comes gzip-encoded and its compressed stream stops half-way', async () => {
    const full = gzipSync(Buffer.from(`\uFEFF${[RNE_HEADER, ...sampleRneRows()].join('\r\n')}\r\n`, 'utf8'));
    const half = full.subarray(0, Math.floor(full.length / 2));
    const cdn = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-encoding': 'gzip', 'content-length': String(half.length) });
      res.end(half);
    });
    await new Promise<void>((r) => cdn.listen(0, '127.0.0.1', r));
    try {
      const { port } = cdn.address() as AddressInfo;
      const { dir, error } = await fetchLoiret(`http://127.0.0.1:${port}/resources/repertoire-national-des-elus-1/20251223-104211/elus-maires-mai.csv`);
      expect(error, 'half the file was accepted and written as data/rne-maires.csv').toBeInstanceOf(Error);
      expect(error!.message).toMatch(/tronqu|incomplet|coup/);
      expect(existsSync(join(dir, 'data', 'rne-maires.csv'))).toBe(false);
    } finally {
      cdn.closeAllConnections();
      await new Promise<void>((r) => cdn.close(() => r()));
    }
  });
});
