import { RelaisError } from '../errors.js';
import { getWithRetry, NOTHING_WRITTEN, jsonBody, readableUrl, type HttpClient, type RetryPolicy } from './http.js';

/**
 * The DILA directory ("Annuaire de l'administration – Base de données locales", dataset
 * `api-lannuaire-administration`) through its Opendatasoft Explore API v2.1:
 *
 * - records: `GET {base}/catalog/datasets/api-lannuaire-administration/records?where=…&limit=…&offset=…`
 *   answers `{"total_count": n, "results": [record…]}`; `limit` is at most 100 and
 *   `offset + limit` at most 10,000 (Opendatasoft Explore v2.1 reference,
 *   help.opendatasoft.com/apis/ods-explore-v2: "the records endpoint is subject to a limited
 *   number of returned records, the exports endpoint has no limitations");
 * - exports: `GET {base}/catalog/datasets/api-lannuaire-administration/exports/json?where=…`
 *   answers a bare array of the same records, without paging: used when a département has more
 *   than 10,000 matching records;
 * - dataset: `GET {base}/catalog/datasets/api-lannuaire-administration` gives `metas.default.modified`,
 *   the date of the data.
 *
 * In the API's answers the nested fields (`pivot`, `adresse`, `telephone`, `site_internet`…) are
 * JSON *text*, e.g. `pivot: '[{"type_service_local": "mairie", "code_insee_commune": ["45234"]}]'`
 * (as public clients of this API decode them); data.gouv.fr's JSON dump has real arrays. Both
 * are read here. The town hall of a commune is the record whose `pivot` has
 * `type_service_local` "mairie"; communes nouvelles also have "Mairie déléguée - …" records.
 * ODSQL `startswith()` and `pivot LIKE "mairie"` filter on the server (both used by public
 * clients of this API); the exact type is checked again here and other services are counted.
 */
export const ANNUAIRE_DEFAULT_URL = 'https://api-lannuaire.service-public.fr/api/explore/v2.1';
export const ANNUAIRE_DATASET = 'api-lannuaire-administration';
export const ANNUAIRE_PAGE = `https://api-lannuaire.service-public.fr/explore/dataset/${ANNUAIRE_DATASET}/information/`;
const PAGE_SIZE = 100;
const RECORDS_CAP = 10_000;

export type DirectoryRecord = Record<string, unknown>;

export interface TownHall {
  insee: string;
  id: string;
  nom: string;
  email: string;
  deleguee: boolean;
}

export interface DirectoryFetch {
  records: DirectoryRecord[];
  /** The first request of each département, as shown in the provenance. */
  urls: string[];
  /** `metas.default.modified` of the dataset, when the portal gives it. */
  dataDate: string | null;
}

const datasetUrl = (base: string) => `${base}/catalog/datasets/${ANNUAIRE_DATASET}`;

export function whereClause(dep: string): string {
  return `startswith(code_insee_commune, "${dep}") AND pivot LIKE "mairie"`;
}

function recordsUrl(base: string, dep: string, offset: number): string {
  const q = new URLSearchParams({ where: whereClause(dep), order_by: 'id', limit: String(PAGE_SIZE), offset: String(offset) });
  return `${datasetUrl(base)}/records?${q}`;
}

function exportUrl(base: string, dep: string): string {
  return `${datasetUrl(base)}/exports/json?${new URLSearchParams({ where: whereClause(dep), order_by: 'id' })}`;
}

const WHAT = "Annuaire de l'administration";

function unexpected(url: string, detail: string): RelaisError {
  return new RelaisError(`${WHAT} : réponse inattendue de ${readableUrl(url)} (${detail}) ; ${NOTHING_WRITTEN}`, {}, { details: { url: readableUrl(url) } });
}

/** Every town-hall candidate of the départements, page by page (or by export past the records cap). */
export async function fetchDirectory(http: HttpClient, base: string, deps: string[], policy: RetryPolicy, onPage?: (dep: string, got: number, total: number) => void): Promise<DirectoryFetch> {
  const records: DirectoryRecord[] = [];
  const urls: string[] = [];
  const seen = new Set<string>();
  const add = (r: unknown, url: string) => {
    if (!r || typeof r !== 'object' || Array.isArray(r)) throw unexpected(url, 'un enregistrement n’est pas un objet');
    const id = typeof (r as DirectoryRecord).id === 'string' ? ((r as DirectoryRecord).id as string) : undefined;
    // Paging a changing dataset can hand the same record twice.
    if (id !== undefined && seen.has(id)) return;
    if (id !== undefined) seen.add(id);
    records.push(r as DirectoryRecord);
  };
  for (const dep of deps) {
    let offset = 0;
    let total = Infinity;
    urls.push(recordsUrl(base, dep, 0));
    while (offset < total) {
      const url = recordsUrl(base, dep, offset);
      const page = jsonBody(await getWithRetry(http, url, 'application/json', WHAT, policy), WHAT) as { total_count?: unknown; results?: unknown };
      if (!page || typeof page !== 'object' || typeof page.total_count !== 'number' || !Array.isArray(page.results)) throw unexpected(url, '« total_count » et « results » attendus');
      total = page.total_count;
      if (total > RECORDS_CAP) {
        const exported = exportUrl(base, dep);
        urls[urls.length - 1] = exported;
        const all = jsonBody(await getWithRetry(http, exported, 'application/json', WHAT, policy), WHAT);
        if (!Array.isArray(all)) throw unexpected(exported, 'un tableau d’enregistrements attendu');
        for (const r of all) add(r, exported);
        onPage?.(dep, all.length, all.length);
        break;
      }
      if (page.results.length === 0 && offset < total) throw unexpected(url, `page vide à la position ${offset} sur ${total} : les données ont changé pendant le téléchargement, relancez la commande`);
      for (const r of page.results) add(r, url);
      offset += page.results.length;
      onPage?.(dep, Math.min(offset, total), total);
    }
  }
  let dataDate: string | null = null;
  try {
    type Metas = { metas?: { default?: { modified?: unknown; data_processed?: unknown } } };
    const meta = jsonBody(await getWithRetry(http, datasetUrl(base), 'application/json', WHAT, { ...policy, attempts: 2 }), WHAT) as Metas & { dataset?: Metas };
    // v2.1 puts `metas` at the top; v2.0 wrapped it in `dataset`.
    const d = (meta?.metas ?? meta?.dataset?.metas)?.default;
    const value = d?.modified ?? d?.data_processed;
    dataDate = typeof value === 'string' ? value : null;
  } catch {
    // The date is a nicety of the provenance; the records themselves arrived.
  }
  return { records, urls, dataDate };
}

/** A nested field as the API gives it (JSON text) or as data.gouv.fr's dump does (an array). */
export function nested(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string' || value.trim() === '') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : parsed && typeof parsed === 'object' ? [parsed] : [];
  } catch {
    return [];
  }
}

/** The département of an INSEE code: three characters overseas (971…), two elsewhere (45, 2A). */
export function departementOf(insee: string): string {
  return insee.startsWith('97') || insee.startsWith('98') ? insee.slice(0, 3) : insee.slice(0, 2);
}

function emailOf(value: unknown): string {
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string').join('; ').trim();
  return typeof value === 'string' ? value.trim() : '';
}

export interface Selection {
  records: DirectoryRecord[];
  townHalls: TownHall[];
  /** Other services (by type) and out-of-scope communes, set aside with their count. */
  setAside: Record<string, number>;
  /** Town-hall records without a usable INSEE code. */
  rejected: number;
}

/** The town-hall records of the départements, with an account of everything else. */
export function selectTownHalls(records: DirectoryRecord[], deps: string[]): Selection {
  const wanted = new Set(deps);
  const out: Selection = { records: [], townHalls: [], setAside: {}, rejected: 0 };
  const aside = (why: string) => {
    out.setAside[why] = (out.setAside[why] ?? 0) + 1;
  };
  for (const r of records) {
    const pivots = nested(r.pivot).filter((p): p is Record<string, unknown> => Boolean(p) && typeof p === 'object');
    const mairie = pivots.find((p) => p.type_service_local === 'mairie');
    if (!mairie) {
      aside(String(pivots[0]?.type_service_local ?? 'sans type de service'));
      continue;
    }
    const fromPivot = Array.isArray(mairie.code_insee_commune) ? mairie.code_insee_commune[0] : mairie.code_insee_commune;
    const raw = typeof r.code_insee_commune === 'string' && r.code_insee_commune.trim() ? r.code_insee_commune : fromPivot;
    const insee = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
    if (!/^(\d{5}|2[AB]\d{3})$/.test(insee)) {
      out.rejected++;
      continue;
    }
    if (!wanted.has(departementOf(insee))) {
      aside('hors des départements de la campagne');
      continue;
    }
    const nom = typeof r.nom === 'string' ? r.nom : '';
    out.records.push(r);
    out.townHalls.push({ insee, id: typeof r.id === 'string' ? r.id : '', nom, email: emailOf(r.adresse_courriel), deleguee: /^mairie d[ée]l[ée]gu[ée]e/i.test(nom) });
  }
  return out;
}

/** One town hall per commune: the commune's own rather than a mairie déléguée; ties by id. */
export function mainTownHalls(townHalls: TownHall[]): Map<string, TownHall> {
  const byCommune = new Map<string, TownHall>();
  for (const t of townHalls) {
    const current = byCommune.get(t.insee);
    if (!current || (current.deleguee && !t.deleguee) || (current.deleguee === t.deleguee && t.id < current.id)) byCommune.set(t.insee, t);
  }
  return byCommune;
}

/** The latest `date_modification` ("22/12/2023 10:38:56") of the records, as ISO 8601. */
export function latestModification(records: DirectoryRecord[]): string | null {
  let latest: string | null = null;
  for (const r of records) {
    const m = typeof r.date_modification === 'string' ? /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}:\d{2}:\d{2}))?/.exec(r.date_modification) : null;
    if (!m) continue;
    const iso = `${m[3]}-${m[2]}-${m[1]}T${m[4] ?? '00:00:00'}`;
    if (!latest || iso > latest) latest = iso;
  }
  return latest;
}
