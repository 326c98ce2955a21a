import { repairInsee } from './cog.js';
import { repairPostalCode } from './postal-codes.js';
import { jsonParseReason } from './json-records.js';

/**
 * The town-hall directory as the DILA publishes it: "Annuaire de l'administration – Base de
 * données locales" (service-public.fr), dataset `api-lannuaire-administration`. What the
 * published files look like, as found in public code that reads them:
 *
 * - one record per local service, many per commune (mairie, mairie déléguée or annexe, CCAS,
 *   police municipale…). `pivot` lists `{type_service_local, code_insee_commune: [codes]}`; the
 *   town hall is the record whose pivot has type "mairie". Délégations and annexes are "mairie"
 *   records too, told apart only by their `nom` ("Mairie déléguée - …", "… - annexe …").
 * - `adresse`: `[{type_adresse: "Adresse" | "Adresse postale", complement1, complement2,
 *   numero_voie, service_distribution, code_postal, nom_commune, pays, latitude, longitude}]`.
 * - `adresse_courriel`: a list of strings in the data.gouv.fr file, a string (several addresses
 *   separated by `;`) in some API exports; `telephone`, `site_internet`: `[{valeur, description}]`.
 * - The API (Opendatasoft explore v2.1 on api-lannuaire.service-public.gouv.fr,
 *   `/catalog/datasets/api-lannuaire-administration/exports/json|csv`): the JSON export is an
 *   array of records; scripts that read it parse `pivot` as JSON text
 *   ("[{\"type_service_local\":\"ccas\",\"code_insee_commune\":[\"76540\"]}]"), others read
 *   real arrays. The CSV export is `;`-separated, one column per field, nested fields as JSON text
 *   in the cells. The records endpoint answers `{total_count, results: [...]}`.
 * - data.gouv.fr's "Base de données locales" is an archive holding `<date>-data.gouv_local.json`,
 *   an object `{"service": [...]}` whose nested fields are real arrays (≈ 270 MB).
 *
 * Every nested field is therefore accepted both as an array and as JSON text. The formats are
 * recognised by content, not by file name: a zip, a JSON document, or a table (CSV or xlsx)
 * whose header has a `pivot` column. A table without one is the préfecture's own flat list
 * (contacts.ts).
 */
export type DirectoryFormat = 'json' | 'zip' | 'csv' | 'xlsx';

/** The lines of a postal address, as every town-hall source gives them (NF Z10-011 order). */
export interface AddressFields {
  complement1: string;
  complement2: string;
  voie: string;
  distribution: string;
  codePostal: string;
  localite: string;
}

export interface DirectoryAddress extends AddressFields {
  type: string;
}

/** What relais keeps of a town-hall record. */
export interface TownHallRecord {
  id: string;
  nom: string;
  /** The commune named by the pivot (repaired if it lost its leading zero). */
  insee: string;
  /** A mairie déléguée or annexe: the letter goes to the commune's main town hall. */
  secondaire: boolean;
  /** The town hall of one of Paris's arrondissements (its type says so, whatever its code). */
  arrondissement: boolean;
  /** The postal address when there is one, else the building's; undefined for an empty list. */
  adresse: DirectoryAddress | undefined;
  /** Values of `adresse_courriel`, in order, as published. */
  courriels: string[];
  telephone: string;
  /** `date_modification` as ISO 8601 when it reads as a date ("22/12/2023 10:38:56" → "2023-12-22T10:38:56"), so that it sorts. */
  dateModification: string;
  /** Repairs made on the way (French, for warnings). */
  reparations: string[];
  /**
   * Fields whose JSON text does not parse (`adresse`, `adresse_courriel`), with why. Each field
   * serves its own purpose: an unreadable email leaves the address to post the letter to, an
   * unreadable address leaves the email; the record is still the commune's town hall.
   */
  illisibles: Array<{ field: 'adresse' | 'adresse_courriel'; reason: string }>;
}

export type RecordVerdict =
  | { kind: 'mairie'; townHall: TownHallRecord }
  | { kind: 'autre-service'; type: string; insee: string }
  | { kind: 'rejet'; reason: string; field: string; insee: string };

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/** A nested field given as an array, an object, JSON text, or nothing. */
export function nested(value: unknown): { ok: true; value: unknown[] } | { ok: false; error: string } {
  if (value === null || value === undefined) return { ok: true, value: [] };
  if (Array.isArray(value)) return { ok: true, value };
  if (typeof value === 'object') return { ok: true, value: [value] };
  if (typeof value === 'string') {
    const t = value.trim();
    if (!t) return { ok: true, value: [] };
    if (t.startsWith('[') || t.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(t);
        return { ok: true, value: Array.isArray(parsed) ? parsed : [parsed] };
      } catch (err) {
        return { ok: false, error: `JSON illisible (${jsonParseReason(err, t.length)})` };
      }
    }
    return { ok: true, value: [t] };
  }
  return { ok: true, value: [value] };
}

const SECONDARY = /\b(d[ée]l[ée]gu[ée]e|annexe|antenne)\b/i;

function address(raw: unknown): DirectoryAddress {
  const a = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  return {
    type: text(a.type_adresse),
    complement1: text(a.complement1),
    complement2: text(a.complement2),
    voie: text(a.numero_voie),
    distribution: text(a.service_distribution),
    codePostal: text(a.code_postal),
    localite: text(a.nom_commune),
  };
}

/** Where letters go: the postal address when there is one, else the building's. */
export function letterAddress(list: unknown[]): DirectoryAddress | undefined {
  const all = list.filter((a) => a && typeof a === 'object').map(address);
  return all.find((a) => /postale/i.test(a.type)) ?? all.find((a) => /^adresse$/i.test(a.type)) ?? all[0];
}

/**
 * The directory writes dates day first ("22/12/2023 10:38:56"): compared as text, 01/10/2026
 * would come before 15/03/2024. Read as ISO 8601, they sort; an ISO date stays as it is.
 */
export function modificationDate(raw: string): string {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?/.exec(raw.trim());
  if (!m) return raw.trim();
  const time = m[4] ? (m[4].length === 5 ? `${m[4]}:00` : m[4]) : '00:00:00';
  return `${m[3]}-${m[2]}-${m[1]}T${time}`;
}

function firstValue(list: unknown[]): string {
  for (const item of list) {
    const v = item && typeof item === 'object' ? text((item as Record<string, unknown>).valeur) : text(item);
    if (v) return v;
  }
  return '';
}

/**
 * The pivot types of a town hall, as the directory publishes them: `mairie`; Paris's Hôtel de
 * Ville `paris_mairie` and its arrondissements' `paris_mairie_arrondissement`; the overseas
 * collectivities' `mairie_com` (the DILA's list of local-service types; readers of the published
 * archive gather these four as town halls).
 */
export const TOWN_HALL_TYPES: readonly string[] = ['mairie', 'paris_mairie', 'paris_mairie_arrondissement', 'mairie_com'];
const TOWN_HALL = new Set(TOWN_HALL_TYPES);
/** What a record without pivot nor commune is: a national service of the State, not a local one. */
export const NATIONAL_SERVICE = 'service national (ni pivot ni commune)';

/** The town hall of an arrondissement of Paris: the letter goes to the Hôtel de Ville. */
const ARRONDISSEMENT_TYPE = 'paris_mairie_arrondissement';

/** The type of the first entry of a pivot given as a list of entries none of which is a town hall; else undefined. */
function otherService(pivot: unknown): string | undefined {
  if (!Array.isArray(pivot)) return undefined;
  let first: string | undefined;
  for (const p of pivot) {
    if (!p || typeof p !== 'object') continue;
    const type = text((p as Record<string, unknown>).type_service_local);
    if (TOWN_HALL.has(type)) return undefined;
    first ??= type || '(type vide)';
  }
  return first;
}

/**
 * Whether a pivot, as published (a list, an object, or either as JSON text), names other
 * services only: readable, with at least one entry, none of them a town hall. What classifyRecord
 * then says of its record, whatever the rest of it: « autre-service ».
 */
export function otherServicesOnly(pivot: unknown): boolean {
  if (otherService(pivot) !== undefined) return true;
  const entries = pivotEntries(pivot);
  return entries.ok && entries.value.length > 0 && !entries.value.some(isTownHall);
}

/** The entries of a pivot as published (objects only), or why it cannot be read. */
function pivotEntries(pivot: unknown): { ok: true; value: Array<Record<string, unknown>> } | { ok: false; error: string } {
  const list = nested(pivot);
  return list.ok ? { ok: true, value: list.value.filter((p): p is Record<string, unknown> => !!p && typeof p === 'object') } : list;
}

const isTownHall = (entry: Record<string, unknown>) => TOWN_HALL.has(text(entry.type_service_local));

/**
 * The members of a record that classifyRecord reads (and readDirectory, which names a record by
 * its `nom` and `id`): the native scan hands over the town halls' records with these only, a
 * published record having dozens (opening hours, SIRET…). tests/native-scan.test.ts watches that
 * classifyRecord reads no other.
 */
export const RECORD_MEMBERS: readonly string[] = ['id', 'nom', 'pivot', 'code_insee_commune', 'date_modification', 'adresse', 'adresse_courriel', 'telephone', 'record', 'fields'];

/**
 * One published record → a town hall, another kind of service, or a rejection with its reason.
 * Pure: `relais check` (contacts-source.ts) and `relais fetch` (sources/annuaire.ts) both read
 * records through it, so what the fetch keeps is what the check reads.
 */
export function classifyRecord(value: unknown): RecordVerdict {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { kind: 'rejet', reason: "ce n'est pas une fiche (objet JSON attendu)", field: '', insee: '' };
  let r = value as Record<string, unknown>;
  // Older Opendatasoft APIs wrap each record: {record: {fields: {...}}} or {fields: {...}}.
  const wrapped = (r.record as Record<string, unknown> | undefined)?.fields ?? r.fields;
  if (r.pivot === undefined && wrapped && typeof wrapped === 'object') r = wrapped as Record<string, unknown>;
  // The common case first: a pivot list whose entries are other services (CCAS, schools…), said
  // without the allocations of the general path below, which gives the same verdict.
  const other = otherService(r.pivot);
  if (other !== undefined) return { kind: 'autre-service', type: other, insee: repairInsee(text(r.code_insee_commune)).code };
  const ownInsee = repairInsee(text(r.code_insee_commune)).code;
  const pivot = pivotEntries(r.pivot);
  if (!pivot.ok) return { kind: 'rejet', reason: `pivot : ${pivot.error}`, field: 'pivot', insee: ownInsee };
  const entries = pivot.value;
  // A national service of the State (a ministry's bureau) has neither pivot nor commune: another
  // service, as a national export holds thousands of them; a local record without pivot is broken.
  if (entries.length === 0 && !ownInsee && !/\b(mairie|h[ôo]tel de ville)\b/i.test(text(r.nom))) return { kind: 'autre-service', type: NATIONAL_SERVICE, insee: '' };
  if (entries.length === 0) return { kind: 'rejet', reason: 'fiche sans « pivot » : impossible de savoir quel service elle décrit', field: 'pivot', insee: ownInsee };
  const mairie = entries.find(isTownHall);
  if (!mairie) return { kind: 'autre-service', type: text(entries[0]!.type_service_local) || '(type vide)', insee: ownInsee };

  const nom = text(r.nom);
  // The pivot says whose town hall this is; an unreadable address or email costs that field only.
  const illisibles: TownHallRecord['illisibles'] = [];
  const adresses = nested(r.adresse);
  if (!adresses.ok) illisibles.push({ field: 'adresse', reason: adresses.error });
  const courriels = nested(r.adresse_courriel);
  if (!courriels.ok) illisibles.push({ field: 'adresse_courriel', reason: courriels.error });
  const telephones = nested(r.telephone);
  return townHallVerdict({
    ownInsee: text(r.code_insee_commune),
    type: text(mairie.type_service_local),
    codes: [mairie.code_insee_commune].flat().map(text),
    nom,
    id: text(r.id),
    date: text(r.date_modification),
    adresse: adresses.ok ? letterAddress(adresses.value) : undefined,
    courriels: courriels.ok ? courriels.value.map(text) : [],
    telephone: telephones.ok ? firstValue(telephones.value) : '',
    illisibles,
  });
}

/**
 * What a town hall's record gives, each field as read (trimmed), before the codes are checked and
 * repaired: classifyRecord reads them from the parsed record, the native scanner from the bytes
 * of a plain one (native-scan.ts), and townHallVerdict makes the same town hall of both.
 */
export interface TownHallFields {
  /** The record's own `code_insee_commune`. */
  ownInsee: string;
  /** The pivot's first town-hall entry: its type and its codes as written (townHallVerdict leaves out the empty ones). */
  type: string;
  codes: string[];
  nom: string;
  id: string;
  date: string;
  /** The address letters go to (letterAddress), undefined for none. */
  adresse: DirectoryAddress | undefined;
  /** The email values as written (townHallVerdict leaves out the empty ones). */
  courriels: string[];
  telephone: string;
  illisibles: TownHallRecord['illisibles'];
}

/** The verdict on a record whose pivot names a town hall, from its fields. */
export function townHallVerdict(f: TownHallFields): RecordVerdict {
  const ownInsee = repairInsee(f.ownInsee).code;
  const reparations: string[] = [];
  const rawCodes = f.codes.filter(Boolean);
  const codes = [...new Set(rawCodes.map((c) => repairInsee(c).code))];
  let insee = codes[0] ?? ownInsee;
  if (codes.length > 1) {
    if (!codes.includes(ownInsee)) {
      return { kind: 'rejet', reason: `le pivot désigne plusieurs communes (${codes.join(', ')}) et le code_insee_commune de la fiche (${ownInsee || 'vide'}) ne dit pas laquelle`, field: 'pivot', insee: ownInsee };
    }
    insee = ownInsee;
  }
  if (!insee) return { kind: 'rejet', reason: 'mairie sans code INSEE (ni dans le pivot ni dans code_insee_commune)', field: 'pivot', insee: '' };
  const rawInsee = rawCodes.find((c) => repairInsee(c).code === insee) ?? f.ownInsee;
  if (repairInsee(rawInsee).repaired) reparations.push(`code INSEE ${rawInsee} complété en ${insee} (zéro initial perdu)`);

  let adresse = f.adresse;
  if (adresse?.codePostal) {
    const cp = repairPostalCode(adresse.codePostal);
    if (cp.repaired) {
      reparations.push(`code postal ${adresse.codePostal} complété en ${cp.code} (zéro initial perdu)`);
      adresse = { ...adresse, codePostal: cp.code };
    }
  }
  return {
    kind: 'mairie',
    townHall: {
      id: f.id,
      nom: f.nom,
      insee,
      secondaire: SECONDARY.test(f.nom),
      arrondissement: f.type === ARRONDISSEMENT_TYPE,
      adresse,
      courriels: f.courriels.filter(Boolean),
      telephone: f.telephone,
      dateModification: modificationDate(f.date),
      reparations,
      illisibles: f.illisibles,
    },
  };
}

/**
 * Of several "mairie" records for one commune, the one letters go to: the main town hall before
 * délégations and annexes, then the record whose pivot names the commune itself, then the one
 * whose address and email both read, then the most recently modified, then the first in the
 * file. Returns the reason, said to the user.
 */
export function chooseTownHall<T extends { townHall: Pick<TownHallRecord, 'secondaire' | 'illisibles' | 'dateModification'>; own: boolean }>(candidates: T[]): { chosen: T; why: string } {
  const rank = (c: T) => [c.townHall.secondaire ? 1 : 0, c.own ? 0 : 1, c.townHall.illisibles?.length ?? 0] as const;
  let chosen = candidates[0]!;
  let why = 'la première du fichier';
  for (const c of candidates.slice(1)) {
    const [a0, a1, a2] = rank(c);
    const [b0, b1, b2] = rank(chosen);
    if (a0 !== b0) {
      if (a0 < b0) chosen = c;
      why = "la mairie principale plutôt qu'une mairie déléguée ou annexe";
    } else if (a1 !== b1) {
      if (a1 < b1) chosen = c;
      why = 'celle dont le code INSEE est celui de la commune';
    } else if (a2 !== b2) {
      if (a2 < b2) chosen = c;
      why = "celle dont l'adresse et le courriel se lisent";
    } else if (c.townHall.dateModification > chosen.townHall.dateModification) {
      chosen = c;
      why = 'la plus récemment modifiée';
    } else if (c.townHall.dateModification < chosen.townHall.dateModification) why = 'la plus récemment modifiée';
  }
  return { chosen, why };
}
