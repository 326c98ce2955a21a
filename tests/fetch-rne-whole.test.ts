import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchOfficialData } from '../src/sources/fetch.js';
import { RNE_HEADER, tempDir } from './helpers/campaign.js';
import { fetchOptions, sampleRneRows, startAnnuaire, type AnnuaireServer } from './servers/annuaire.js';

/**
 * The other side of the truncation checks (hostile-s13c-fetch-rne-cut-short): a whole RNE file is
 * not taken for a cut one. Its last row may lack the final line break (a whole row, with all of
 * the header's fields), and it may come gzip-encoded (relais inflates it itself, strictly).
 */
let server: AnnuaireServer;

beforeAll(async () => {
  server = await startAnnuaire();
});
afterAll(async () => {
  await server?.close();
});

async function fetchLoiret(rneUrl?: string) {
  const dir = tempDir();
  mkdirSync(join(dir, 'data'), { recursive: true });
  const options = fetchOptions(server, join(dir, 'data'), { deps: ['45'] });
  if (rneUrl) options.settings = { ...options.settings, rneUrl };
  const result = await fetchOfficialData(options);
  return { dir, result };
}

describe('relais fetch: a whole RNE file', () => {
  it('is accepted when its last row, whole, has no final line break', async () => {
    const body = `\uFEFF${[RNE_HEADER, ...sampleRneRows()].join('\r\n')}`;
    server.script.rne.push({ body, headers: { 'content-type': 'text/csv; charset=utf-8' } });
    const { dir, result } = await fetchLoiret();
    expect(result.rne.counts).toMatchObject({ kept: 130, rejected: 0 });
    expect(readFileSync(join(dir, 'data', 'rne-maires.csv'), 'utf8')).toContain('NOM130');
  });

  it('is accepted whole when it comes gzip-encoded', async () => {
    const whole = gzipSync(Buffer.from(`\uFEFF${[RNE_HEADER, ...sampleRneRows()].join('\r\n')}\r\n`, 'utf8'));
    const cdn = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-encoding': 'gzip', 'content-length': String(whole.length) });
      res.end(whole);
    });
    await new Promise<void>((r) => cdn.listen(0, '127.0.0.1', r));
    try {
      const { port } = cdn.address() as AddressInfo;
      const { result } = await fetchLoiret(`http://127.0.0.1:${port}/resources/repertoire-national-des-elus-1/20251223-104211/elus-maires-mai.csv`);
      expect(result.rne.counts).toMatchObject({ kept: 130, setAside: 22, rejected: 0 });
    } finally {
      cdn.closeAllConnections();
      await new Promise<void>((r) => cdn.close(() => r()));
    }
  });
});
