import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFetchSettings } from '../src/cli/fetch.js';
import { readSettings } from '../src/settings.js';
import { fetchOfficialData } from '../src/sources/fetch.js';
import { nodeHttpClient } from '../src/sources/http-node.js';
import { tempDir } from './helpers/campaign.js';
import { startAnnuaire, type AnnuaireServer } from './servers/annuaire.js';

/**
 * RELAIS_ANNUAIRE_API_URL with a query string: Opendatasoft portals take an API key as
 * `?apikey=…` (a préfecture with an authenticated quota, or a mirror that needs a token), and the
 * README asks for an address « sans identifiants ». relais accepts
 * `…/api/explore/v2.1?apikey=abc123secret`, then glues the API's path after the query
 * (`…/v2.1?apikey=abc123secret/catalog/datasets/…/records?where=…`): every request goes to the
 * wrong place, and every message prints the key. Either the variable is refused at start (usage
 * error naming it, key not shown), or the query is kept as a query and the key never printed.
 * In-process: settings as read at start, then the fetch against the local stand-in.
 */
const KEY = 'abc123secret';
let server: AnnuaireServer;

beforeAll(async () => {
  server = await startAnnuaire();
});
afterAll(async () => {
  await server?.close();
});

describe('RELAIS_ANNUAIRE_API_URL with « ?apikey=… »', () => {
  it('is refused at start without showing the key, or used with the API path before the query and the key never shown', async () => {
    const env = { RELAIS_ANNUAIRE_API_URL: `${server.base}?apikey=${KEY}`, RELAIS_RNE_URL: server.rneUrl };
    let settings: ReturnType<typeof readSettings>;
    try {
      settings = readSettings(env);
    } catch (err) {
      expect((err as Error).message).toContain('RELAIS_ANNUAIRE_API_URL');
      expect((err as Error).message).not.toContain(KEY);
      return;
    }
    const fetchSettings = readFetchSettings(settings, () => undefined);
    const dir = tempDir();
    mkdirSync(join(dir, 'data'), { recursive: true });
    const said: string[] = [];
    const outcome = await fetchOfficialData({
      dataDir: join(dir, 'data'),
      deps: ['45'],
      dryRun: true,
      now: new Date('2026-12-01T08:00:00Z'),
      http: nodeHttpClient(5000),
      settings: { ...fetchSettings, retry: { ...fetchSettings.retry, attempts: 1, baseMs: 1 } },
      version: 'test',
      onProgress: (m) => said.push(m),
    }).catch((e: Error) => e);
    if (outcome instanceof Error) said.push(outcome.message);
    expect(said.join('\n')).not.toContain(KEY);
    // The records endpoint was asked for, under the API's path.
    expect(server.log.filter((l) => l.kind === 'records').length).toBeGreaterThan(0);
    expect(outcome).not.toBeInstanceOf(Error);
  });
});
