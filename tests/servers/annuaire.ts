import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fetchOfficialData, type FetchOptions } from '../../src/sources/fetch.js';
import { nodeHttpClient } from '../../src/sources/http-node.js';
import { RNE_HEADER, rneRow, sampleCampaign } from '../helpers/campaign.js';

/**
 * A node:http stand-in on 127.0.0.1 for the two official sources of `relais fetch`, answering in
 * their documented shapes:
 *
 * - the DILA directory's Opendatasoft Explore API v2.1 under `/api/explore/v2.1`:
 *   `…/catalog/datasets/api-lannuaire-administration/records` (`where` with
 *   `startswith(code_insee_commune, "45")` and `pivot LIKE "mairie"`, `limit` ≤ 100,
 *   `offset + limit` ≤ 10,000, answer `{total_count, results}` with nested fields as JSON text),
 *   `…/exports/json` (a bare array) and the dataset's metadata (`metas.default.modified`);
 * - data.gouv.fr's stable resource link `/api/1/datasets/r/<id>`, redirecting (302) to the dated
 *   file `/resources/repertoire-national-des-elus-1/20251223-104211/elus-maires-mai.csv`.
 *
 * Each kind of request has a queue of scripted answers (a 429 with Retry-After, a 503, a
 * truncated JSON, an HTML page, a connection cut in the middle of the body); when it is empty
 * the server answers from its data, which a test may change between two fetches.
 */
export const RNE_PATH = '/api/1/datasets/r/2876a346-d50c-4911-934e-19ee07b0e503';
export const RNE_FILE = '/resources/repertoire-national-des-elus-1/20251223-104211/elus-maires-mai.csv';
export const DATA_MODIFIED = '2026-11-28T06:12:31+00:00';

export type Kind = 'records' | 'exports' | 'dataset' | 'rne';

export interface Scripted {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Announce the full length, send half of the real answer, then cut the connection. */
  cut?: boolean;
  /** Never answer (logged with status 0): a download in progress, for a test to interrupt. */
  hold?: boolean;
}

export type Record_ = Record<string, unknown>;

export interface AnnuaireServer {
  base: string;
  rneUrl: string;
  records: Record_[];
  rne: { rows: string[] };
  script: Record<Kind, Scripted[]>;
  /** Every request, as path + query, with the status it got. */
  log: Array<{ kind: Kind | 'other'; url: string; status: number }>;
  close(): Promise<void>;
}

/** A directory record as the API gives it: nested fields are JSON text. */
export function townHall(insee: string, nom: string, email: string, options: { type?: string; id?: string; deleguee?: boolean } = {}): Record_ {
  const type = options.type ?? 'mairie';
  return {
    id: options.id ?? `id-${type}-${insee}${options.deleguee ? '-d' : ''}`,
    nom: options.deleguee ? `Mairie déléguée - ${nom}` : `Mairie - ${nom}`,
    code_insee_commune: insee,
    pivot: JSON.stringify([{ type_service_local: type, code_insee_commune: [insee] }]),
    adresse_courriel: email,
    telephone: JSON.stringify([{ valeur: '02 38 00 00 00', description: '' }]),
    adresse: JSON.stringify([
      { type_adresse: 'Adresse', complement1: '', complement2: '', numero_voie: '1 place de la Mairie', service_distribution: '', code_postal: `${insee.slice(0, 2)}000`, nom_commune: nom, pays: 'France' },
    ]),
    date_modification: '22/10/2026 10:38:56',
    categorie: 'SL',
  };
}

/** 130 town halls in the Loiret (more than one page), 20 in Indre-et-Loire, and what is not one. */
export function sampleRecords(): Record_[] {
  const records: Record_[] = [];
  for (let i = 1; i <= 130; i++) records.push(townHall(`45${String(i).padStart(3, '0')}`, `Commune ${i} du Loiret`, `mairie${i}@loiret.example.fr`));
  for (let i = 1; i <= 20; i++) records.push(townHall(`37${String(i).padStart(3, '0')}`, `Commune ${i} de Touraine`, i === 5 ? '' : `mairie${i}@touraine.example.fr`));
  records.push(townHall('45002', 'Ancienne commune', 'deleguee@loiret.example.fr', { deleguee: true }));
  // Matches `pivot LIKE "mairie"` on the server without being a town hall: set aside by relais.
  records.push(townHall('45003', 'Mairie mobile', 'bus@loiret.example.fr', { type: 'mairie_mobile' }));
  // Not matched by the server's filter at all.
  records.push(townHall('45004', 'CCAS', 'ccas@loiret.example.fr', { type: 'ccas' }));
  // A town hall whose commune code is cut short: rejected.
  records.push({ ...townHall('45005', 'Sans code', 'x@loiret.example.fr', { id: 'id-sans-code' }), code_insee_commune: '450', pivot: JSON.stringify([{ type_service_local: 'mairie', code_insee_commune: [] }]) });
  // Another département of the région, never asked for.
  records.push(townHall('18033', 'Bourges', 'mairie@bourges.example.fr'));
  return records;
}

export function sampleRneRows(): string[] {
  const rows: string[] = [];
  for (let i = 1; i <= 130; i++) rows.push(rneRow('45', `45${String(i).padStart(3, '0')}`, `Commune ${i} du Loiret`, `NOM${i}`, `Prénom${i}`, i % 2 ? 'F' : 'M'));
  for (let i = 1; i <= 20; i++) rows.push(rneRow('37', `37${String(i).padStart(3, '0')}`, `Commune ${i} de Touraine`, `TOURANGEAU${i}`, 'Jean', 'M'));
  rows.push(rneRow('18', '18033', 'Bourges', 'BERRICHON', 'Yann', 'M'));
  rows.push(rneRow('18', '18001', 'Achères', 'SOLOGNOT', 'Anne', 'F'));
  return rows;
}

function filterRecords(records: Record_[], where: string): Record_[] {
  const dep = /startswith\(code_insee_commune, "([^"]+)"\)/.exec(where)?.[1];
  // `pivot LIKE "a" OR pivot LIKE "b"`: any of them (a substring, as the server's text search finds it).
  const likes = [...where.matchAll(/pivot LIKE "([^"]+)"/gi)].map((m) => m[1]!);
  return records
    .filter((r) => (dep === undefined ? true : typeof r.code_insee_commune === 'string' && r.code_insee_commune.startsWith(dep)))
    .filter((r) => (likes.length === 0 ? true : typeof r.pivot === 'string' && likes.some((like) => (r.pivot as string).includes(like))))
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

export async function startAnnuaire(): Promise<AnnuaireServer> {
  const state: AnnuaireServer = {
    base: '',
    rneUrl: '',
    records: sampleRecords(),
    rne: { rows: sampleRneRows() },
    script: { records: [], exports: [], dataset: [], rne: [] },
    log: [],
    close: async () => undefined,
  };
  const prefix = '/api/explore/v2.1/catalog/datasets/api-lannuaire-administration';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const kind: Kind | 'other' =
      url.pathname === `${prefix}/records` ? 'records' : url.pathname === `${prefix}/exports/json` ? 'exports' : url.pathname === prefix ? 'dataset' : url.pathname === RNE_PATH || url.pathname === RNE_FILE ? 'rne' : 'other';
    const send = (status: number, body: string, headers: Record<string, string> = {}, cut = false) => {
      state.log.push({ kind, url: `${url.pathname}${url.search}`, status });
      const bytes = Buffer.from(body, 'utf8');
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(bytes.length), ...headers });
      if (cut) {
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
        setImmediate(() => res.socket?.destroy());
        return;
      }
      res.end(bytes);
    };
    const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
      const next = kind === 'other' || (kind === 'rne' && url.pathname === RNE_PATH) ? undefined : state.script[kind].shift();
      if (next?.hold) return void state.log.push({ kind, url: `${url.pathname}${url.search}`, status: 0 });
      if (next) return send(next.status ?? 200, next.body ?? body, next.headers ?? (next.body === undefined ? headers : {}), Boolean(next.cut));
      send(status, body, headers);
    };
    if (kind === 'records') {
      const limit = Number(url.searchParams.get('limit') ?? '10');
      const offset = Number(url.searchParams.get('offset') ?? '0');
      if (limit > 100) return send(400, JSON.stringify({ error_code: 'InvalidRESTParameterError', message: `Invalid value for limit API parameter: ${limit} was found but -1 <= limit <= 100 is expected.` }));
      if (offset + limit > 10_000) return send(400, JSON.stringify({ error_code: 'InvalidRESTParameterError', message: `Invalid value for sum of offset + limit API parameter: ${offset + limit} was found but <= 10000 is expected.` }));
      const all = filterRecords(state.records, url.searchParams.get('where') ?? '');
      return answer(200, JSON.stringify({ total_count: all.length, results: all.slice(offset, offset + limit) }));
    }
    if (kind === 'exports') return answer(200, JSON.stringify(filterRecords(state.records, url.searchParams.get('where') ?? '')));
    if (kind === 'dataset') return answer(200, JSON.stringify({ dataset_id: 'api-lannuaire-administration', metas: { default: { title: "Annuaire de l'administration - Base de données locales", modified: DATA_MODIFIED, license: 'Licence Ouverte v2.0' } } }));
    if (kind === 'rne' && url.pathname === RNE_PATH) {
      state.log.push({ kind, url: url.pathname, status: 302 });
      res.writeHead(302, { location: RNE_FILE });
      return res.end();
    }
    if (kind === 'rne') return answer(200, `${[RNE_HEADER, ...state.rne.rows].join('\n')}\n`, { 'content-type': 'text/csv; charset=utf-8' });
    send(404, JSON.stringify({ error_code: 'NotFound', message: 'not found' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  state.base = `http://127.0.0.1:${port}/api/explore/v2.1`;
  state.rneUrl = `http://127.0.0.1:${port}${RNE_PATH}`;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}

export function annuaireEnv(server: AnnuaireServer): Record<string, string> {
  return { RELAIS_ANNUAIRE_API_URL: server.base, RELAIS_RNE_URL: server.rneUrl, RELAIS_RETRY_MS: '10', RELAIS_HTTP_TIMEOUT_MS: '5000' };
}

/** An in-process fetch of the campaign's two départements from this stand-in, as the CLI would run it (quick retries). */
export function fetchOptions(server: AnnuaireServer, dataDir: string, extra: Partial<FetchOptions> = {}): FetchOptions {
  return {
    dataDir,
    deps: ['37', '45'],
    dryRun: false,
    now: new Date('2026-12-01T08:00:00Z'),
    http: nodeHttpClient(5000),
    settings: { annuaireUrl: server.base, rneUrl: server.rneUrl, retry: { attempts: 2, baseMs: 1, maxWaitMs: 1000 } },
    version: 'test',
    ...extra,
  };
}

/**
 * A record of the sample campaign's directory export (data.gouv.fr's shape: real arrays, ISO
 * dates) as the API answers it: nested fields as JSON text, `date_modification` day first
 * ("12/03/2020 10:00:00").
 */
export function asApiRecord(record: Record_): Record_ {
  const out: Record_ = {};
  for (const [key, value] of Object.entries(record)) {
    if (value !== null && typeof value === 'object') out[key] = JSON.stringify(value);
    else if (key === 'date_modification' && typeof value === 'string') {
      const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})/.exec(value);
      out[key] = m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}` : value;
    } else out[key] = value;
  }
  return out;
}

/** A copy of the sample whose data/ a first `relais fetch` from this stand-in wrote (on 1 November 2026), run in-process. */
export async function sampleFetchedOnce(server: AnnuaireServer): Promise<{ dir: string; data: string }> {
  const dir = sampleCampaign();
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  await fetchOfficialData(fetchOptions(server, data, { now: new Date('2026-11-01T08:00:00Z') }));
  return { dir, data };
}
