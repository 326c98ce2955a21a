import { ARRONDISSEMENT_ASIDE, departementOfCode } from '../campaign/communes.js';
import { chooseEmail } from '../data/contacts.js';
import { chooseTownHall, classifyRecord, TOWN_HALL_TYPES, type TownHallRecord } from '../data/directory.js';
import { RelaisError } from '../errors.js';
import { frenchNumber } from '../text/format.js';
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
 * clients of this API), with Paris's and the overseas collectivities' town-hall types beside
 * it; the exact type is checked again here and other services are counted.
 */
// The API moved from service-public.fr to service-public.gouv.fr (the clients and notes of 2026
// that read it use this host; the former one is no longer served).
export const ANNUAIRE_DEFAULT_URL = 'https://api-lannuaire.service-public.gouv.fr/api/explore/v2.1';
export const ANNUAIRE_DATASET = 'api-lannuaire-administration';
export const ANNUAIRE_PAGE = `https://api-lannuaire.service-public.gouv.fr/explore/dataset/${ANNUAIRE_DATASET}/information/`;
const PAGE_SIZE = 100;
const RECORDS_CAP = 10_000;

export type DirectoryRecord = Record<string, unknown>;

export interface DirectoryFetch {
  records: DirectoryRecord[];
  /** The first request of each département, as shown in the provenance. */
  urls: string[];
  /** `metas.default.modified` of the dataset, when the portal gives it. */
  dataDate: string | null;
}

const datasetUrl = (base: string) => `${base}/catalog/datasets/${ANNUAIRE_DATASET}`;

export function whereClause(dep: string): string {
  return `startswith(code_insee_commune, "${dep}") AND (${TOWN_HALL_TYPES.map((t) => `pivot LIKE "${t}"`).join(' OR ')})`;
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

/** Rounds of paging a département whose data moved under the download, before giving up. */
export const DIRECTORY_ROUNDS = 3;

/**
 * An export shorter than this share of the records endpoint's `total_count` (or longer than it by
 * as much) is a cut or unfiltered export, not a dataset that changed between two requests: a
 * daily republication moves a handful of records, not hundreds.
 */
const EXPORT_SHORTEST_SHARE = 0.99;

/** The data moved between two requests: the département is paged again from the start. */
class Moved extends Error {}

const recordId = (r: DirectoryRecord): string | undefined => (typeof r.id === 'string' ? r.id : undefined);

/**
 * One département in one go: every page, each carrying the same `total_count`, adding up to that
 * count with no record twice. A count that moves, a page that comes back empty, or a sum that
 * does not match means the dataset changed while it was paged (with `order_by id`, a record
 * removed before the offset slides the next page by one: a town hall falls between two pages);
 * Moved is thrown and the département is paged again. A page whose records were all in the pages
 * before is a proxy or mirror that ignores `offset`, and an export far shorter or longer than the
 * count is a cut or unfiltered export: paging again would not change them, so they end the command.
 */
async function fetchDepartement(http: HttpClient, base: string, dep: string, policy: RetryPolicy): Promise<{ records: DirectoryRecord[]; url: string }> {
  const records: DirectoryRecord[] = [];
  const seen = new Set<string>();
  /** Adds a record; false when its id was already there. */
  const add = (r: unknown, url: string): boolean => {
    if (!r || typeof r !== 'object' || Array.isArray(r)) throw unexpected(url, 'un enregistrement n’est pas un objet');
    const id = recordId(r as DirectoryRecord);
    if (id !== undefined && seen.has(id)) return false;
    if (id !== undefined) seen.add(id);
    records.push(r as DirectoryRecord);
    return true;
  };
  let offset = 0;
  let total: number | undefined;
  while (total === undefined || offset < total) {
    const url = recordsUrl(base, dep, offset);
    const page = jsonBody(await getWithRetry(http, url, 'application/json', WHAT, policy), WHAT) as { total_count?: unknown; results?: unknown };
    if (!page || typeof page !== 'object' || typeof page.total_count !== 'number' || !Array.isArray(page.results)) throw unexpected(url, '« total_count » et « results » attendus');
    if (total !== undefined && page.total_count !== total) throw new Moved();
    total = page.total_count;
    if (total > RECORDS_CAP) {
      const exported = exportUrl(base, dep);
      const all = jsonBody(await getWithRetry(http, exported, 'application/json', WHAT, policy), WHAT);
      if (!Array.isArray(all)) throw unexpected(exported, 'un tableau d’enregistrements attendu');
      for (const r of all) add(r, exported);
      if (records.length < total * EXPORT_SHORTEST_SHARE) {
        throw new RelaisError(
          `${WHAT} : l'export du département ${dep} (${readableUrl(exported)}) a donné ${frenchNumber(records.length)} fiches alors que l'API en annonçait ${frenchNumber(total)} : export coupé ou filtré (proxy, miroir ?) ; relancez « relais fetch » plus tard ; ${NOTHING_WRITTEN}`,
          {},
          { details: { url: readableUrl(exported), recues: records.length, annoncees: total } },
        );
      }
      // Far more than announced: the export ignored the query (a mirror that serves the whole dataset).
      if (records.length * EXPORT_SHORTEST_SHARE > total) {
        throw new RelaisError(
          `${WHAT} : l'export du département ${dep} (${readableUrl(exported)}) a donné ${frenchNumber(records.length)} fiches alors que l'API en annonçait ${frenchNumber(total)} : le filtre de la requête n'a pas été appliqué (proxy, miroir ?) ; ${NOTHING_WRITTEN}`,
          {},
          { details: { url: readableUrl(exported), recues: records.length, annoncees: total } },
        );
      }
      if (records.length !== total) throw new Moved();
      return { records, url: exported };
    }
    if (page.results.length === 0) {
      // None announced (a département whose query matches nothing, reported by the caller), or
      // the records ended before the count: they moved.
      if (total === 0) break;
      throw new Moved();
    }
    let fresh = 0;
    for (const r of page.results) if (add(r, url)) fresh++;
    // A page of several records all seen already: the offset is ignored. A lone record seen
    // already may have slid back a place (one removed, one added between two pages): paged again.
    if (fresh === 0 && page.results.length === 1) throw new Moved();
    if (fresh === 0) {
      throw new RelaisError(
        `${WHAT} : la page à la position ${frenchNumber(offset)} du département ${dep} répète les fiches déjà reçues (${readableUrl(url)}) : le serveur, un proxy ou un miroir ignore le paramètre « offset » ; ${frenchNumber(records.length)} fiches distinctes sur ${frenchNumber(total)} annoncées ; ${NOTHING_WRITTEN}`,
        {},
        { details: { url: readableUrl(url), recues: records.length, annoncees: total } },
      );
    }
    offset += page.results.length;
  }
  // The pages must add up to the count: a record that slid from one page to another appears twice
  // (and one other is then missing).
  if (records.length !== total) throw new Moved();
  return { records, url: recordsUrl(base, dep, 0) };
}

export interface DirectoryProgress {
  /** A département received whole. */
  onDepartement?: (dep: string, received: number) => void;
  /** A département's data moved while it was paged: it is paged again (round 2, 3…). */
  onMoved?: (dep: string, nextRound: number, rounds: number) => void;
}

/**
 * Every town-hall candidate of the départements, page by page (or by export past the records cap),
 * each département whole: paged again while its data moves, `rounds` times at most.
 */
export async function fetchDirectory(http: HttpClient, base: string, deps: string[], policy: RetryPolicy, hooks: DirectoryProgress = {}, rounds = DIRECTORY_ROUNDS): Promise<DirectoryFetch> {
  const records: DirectoryRecord[] = [];
  const urls: string[] = [];
  const seen = new Set<string>();
  for (const dep of deps) {
    let got: { records: DirectoryRecord[]; url: string } | undefined;
    for (let round = 1; !got; round++) {
      try {
        got = await fetchDepartement(http, base, dep, policy);
      } catch (err) {
        if (!(err instanceof Moved)) throw err;
        if (round >= rounds) {
          throw new RelaisError(
            `${WHAT} : les données du département ${dep} ont changé pendant le téléchargement, ${rounds} fois de suite (le nombre de fiches annoncé varie d'une page à l'autre, ou les pages ne s'additionnent pas) ; relancez « relais fetch » dans quelques minutes ; ${NOTHING_WRITTEN}`,
            {},
            { details: { departement: dep } },
          );
        }
        hooks.onMoved?.(dep, round + 1, rounds);
      }
    }
    urls.push(got.url);
    for (const r of got.records) {
      const id = recordId(r);
      // A record of two départements' queries (it should not happen: the codes differ) is kept once.
      if (id !== undefined && seen.has(id)) continue;
      if (id !== undefined) seen.add(id);
      records.push(r);
    }
    hooks.onDepartement?.(dep, got.records.length);
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

/** A commune code that can be one: five digits, or Corsica's 2A/2B and three digits. */
const INSEE = /^(\d{5}|2[AB]\d{3})$/;
export const isInseeCode = (code: string): boolean => INSEE.test(code);

/** A town hall as the fetch compares two of them: the letter's addressee and where its email goes. */
export interface TownHall {
  insee: string;
  nom: string;
  /** The address emails are sent to, as `relais check` chooses it (the first valid one); "" without. */
  email: string;
}

export interface Selection {
  /** The town-hall records of the départements (délégations and annexes included), as received. */
  records: DirectoryRecord[];
  /** One per commune, chosen as `relais check` chooses it (chooseTownHall). */
  townHalls: Map<string, TownHall>;
  /** Other services (by type) and out-of-scope communes, set aside with their count. */
  setAside: Record<string, number>;
  /** Records that cannot be read as a town hall, with the reason (1-based record number). */
  rejected: Array<{ index: number; id: string; reason: string }>;
  /** The latest `date_modification` of the kept records, as ISO 8601. */
  latestModification: string | null;
}

export const OUTSIDE = 'hors des départements de la campagne';

/**
 * The town-hall records of the départements, with an account of everything else. Each record
 * goes through the reader `relais check` uses (classifyRecord: nested fields as arrays or JSON
 * text, the pivot, délégations and annexes), and each commune's town hall is chosen by the same
 * rule (chooseTownHall): what the fetch reports as changed is what the letters will use. As in
 * the check, a record whose pivot names a former commune (the mairie déléguée of a commune
 * nouvelle, which keeps its old code) counts for the commune that replaced it: `current` gives
 * that code (from the COG; unknown codes stay as they are, for the check to report).
 */
export function selectTownHalls(records: Iterable<unknown>, deps: string[], current: (insee: string) => string = (insee) => insee, isArrondissement: (insee: string) => boolean = () => false): Selection {
  const wanted = new Set(deps);
  const out: Selection = { records: [], townHalls: new Map(), setAside: {}, rejected: [], latestModification: null };
  const aside = (why: string) => {
    out.setAside[why] = (out.setAside[why] ?? 0) + 1;
  };
  const candidates = new Map<string, Array<{ townHall: TownHallRecord; own: boolean }>>();
  let index = 0;
  for (const value of records) {
    index++;
    const verdict = classifyRecord(value);
    const id = value && typeof value === 'object' && typeof (value as DirectoryRecord).id === 'string' ? ((value as DirectoryRecord).id as string) : '';
    if (verdict.kind === 'autre-service') {
      aside(verdict.type);
      continue;
    }
    const insee = verdict.kind === 'mairie' ? verdict.townHall.insee : verdict.insee;
    const commune = isInseeCode(insee) ? current(insee) : insee;
    if (isInseeCode(insee) && !wanted.has(departementOfCode(commune))) {
      aside(OUTSIDE);
      continue;
    }
    if (verdict.kind === 'rejet') {
      out.rejected.push({ index, id, reason: verdict.reason });
      continue;
    }
    if (!isInseeCode(insee)) {
      out.rejected.push({ index, id, reason: `code INSEE « ${insee} » invalide` });
      continue;
    }
    // An arrondissement's town hall (Paris, Lyon, Marseille): set aside as the check sets it aside;
    // the letter goes to the commune's.
    if (verdict.townHall.arrondissement || isArrondissement(insee)) {
      aside(ARRONDISSEMENT_ASIDE);
      continue;
    }
    out.records.push(value as DirectoryRecord);
    candidates.set(commune, [...(candidates.get(commune) ?? []), { townHall: verdict.townHall, own: insee === commune }]);
    const date = verdict.townHall.dateModification;
    if (/^\d{4}-\d{2}-\d{2}/.test(date) && (!out.latestModification || date > out.latestModification)) out.latestModification = date;
  }
  for (const [insee, list] of candidates) {
    const t = chooseTownHall(list).chosen.townHall;
    out.townHalls.set(insee, { insee, nom: t.nom, email: chooseEmail(t.courriels).email ?? '' });
  }
  return out;
}
