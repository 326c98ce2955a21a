import type { Campaign } from '../campaign/load.js';
import { campaignPath, displayPath } from '../campaign/load.js';
import { normalizeDepartement, normalizeInsee, type CommuneReference } from '../data/cog.js';
import { matchColumns, type ColumnSpec } from '../data/columns.js';
import { RelaisError } from '../errors.js';
import { ProblemList } from '../problems.js';
import { dayOf, type SignupRecords } from './aggregate.js';
import { openFastTable } from './fast-csv.js';

/**
 * Reading the sign-up exports: several files that overlap (each day's export holds everything),
 * de-duplicated by volunteer id, the latest file winning. The département comes from its column,
 * or else from the postal code or INSEE code through the commune reference. Invalid rows are
 * reported by file and line, never counted; rows outside the région are counted apart.
 */
export const SIGNUP_COLUMNS: ColumnSpec[] = [
  { field: 'id', label: 'identifiant', required: true, aliases: ['id', 'identifiant', 'id volontaire', 'id inscription'] },
  { field: 'date', label: "date d'inscription", required: true, aliases: ['date inscription', 'date', 'date d inscription', 'inscrit le'] },
  { field: 'departement', label: 'département', required: false, aliases: ['departement', 'code departement', 'dep'] },
  { field: 'code_postal', label: 'code postal', required: false, aliases: ['code postal', 'cp'] },
  { field: 'commune', label: 'code INSEE', required: false, aliases: ['code insee', 'code commune', 'insee'] },
  { field: 'metier', label: 'métier', required: false, aliases: ['metier', 'profession'] },
  { field: 'categorie', label: 'catégorie', required: false, aliases: ['categorie', 'type', 'famille'] },
  { field: 'statut', label: 'statut', required: false, aliases: ['statut', 'etat'] },
];

/** Statuses that mean the volunteer is no longer signed up. */
const WITHDRAWN = /^(desinscrit|désinscrit|annule|annulé|supprime|supprimé|retire|retiré)/i;

export interface SignupSource {
  fichiers: string[];
  colonnes: Record<string, string>;
}

export interface SignupResult {
  records: SignupRecords;
  doublons: number;
  rejetes: number;
  conflits: number;
  lignes: number;
  problems: ProblemList;
}

/** "2020-03-26", "2020-03-26T10:00", "26/03/2020", "26/03/2020 10:00": the day, or undefined. */
export function parseDay(text: string): number | undefined {
  const t = text.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(t);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else {
    match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: .*)?$/.exec(t);
    if (!match) return undefined;
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return dayOf(date.toISOString());
}

export function departementOf(ref: CommuneReference, dep: string, postalCode: string, insee: string): string | undefined {
  if (dep) {
    const code = normalizeDepartement(dep);
    return ref.departements.has(code) ? code : undefined;
  }
  if (insee) {
    const code = normalizeInsee(insee);
    const commune = ref.communes.get(code) ?? ref.communes.get(ref.formerCodes.get(code) ?? '');
    if (commune) return commune.departement;
  }
  if (/^\d{5}$/.test(postalCode)) {
    const commune = ref.communesByPostalCode(postalCode)[0];
    if (commune) return commune.departement;
    const prefix = postalCode.startsWith('97') ? postalCode.slice(0, 3) : postalCode.slice(0, 2);
    if (ref.departements.has(prefix)) return prefix;
  }
  return undefined;
}

/** Grows typed arrays by doubling. */
function grown<T extends Int32Array | Uint8Array | Uint16Array>(a: T, need: number): T {
  if (need < a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need + 1, a.length * 2));
  b.set(a);
  return b;
}

/** A name → small number dictionary. */
function dictionary(): { names: string[]; index(name: string): number } {
  const names: string[] = [];
  const map = new Map<string, number>();
  return {
    names,
    index(name) {
      let i = map.get(name);
      if (i === undefined) {
        i = names.length;
        names.push(name);
        map.set(name, i);
      }
      return i;
    },
  };
}

export async function readSignups(campaign: Campaign, source: SignupSource, ref: CommuneReference, files = source.fichiers): Promise<SignupResult> {
  const problems = new ProblemList();
  const slots = new Map<string, number>();
  const deps = dictionary();
  const categories = dictionary();
  const metiers = dictionary();
  let dep = new Uint16Array(1024);
  let category = new Uint16Array(1024);
  let metier = new Uint16Array(1024);
  let day = new Int32Array(1024);
  let inRegion = new Uint8Array(1024);
  let excluded = new Uint8Array(1024);
  let whereFile = new Uint16Array(1024);
  let whereLine = new Int32Array(1024);
  let doublons = 0;
  let rejetes = 0;
  let conflits = 0;
  let lignes = 0;
  const region = campaign.region?.code;
  const campaignDeps = new Set(campaign.departements.map((d) => d.code));
  // Exports repeat the same few dates and places a million times: each is worked out once.
  const dayCache = new Map<string, number | undefined>();
  const depCache = new Map<string, number | undefined>();
  const dayOfText = (t: string): number | undefined => {
    const key = t.length > 10 && (t[10] === ' ' || t[10] === 'T') && t[4] === '-' ? t.slice(0, 10) : t;
    if (dayCache.has(key)) return dayCache.get(key);
    const d = parseDay(key);
    if (dayCache.size < 100_000) dayCache.set(key, d);
    return d;
  };
  const depOf = (d: string, cp: string, insee: string): number | undefined => {
    // With a département column, the rest is not read: the key is the column alone.
    const key = d || `|${cp}|${insee}`;
    if (depCache.has(key)) return depCache.get(key);
    const code = departementOf(ref, d, cp, insee);
    const i = code === undefined ? undefined : deps.index(code);
    if (depCache.size < 200_000) depCache.set(key, i);
    return i;
  };
  const inCampaign = (i: number) => {
    const code = deps.names[i]!;
    return region ? ref.departements.get(code)?.region === region : campaignDeps.has(code);
  };

  for (const [fileIndex, path] of files.entries()) {
    const file = displayPath(campaign, path);
    const table = await openFastTable(campaignPath(campaign, path), file).catch((err: unknown) => {
      if (err instanceof RelaisError) problems.error('fichier-illisible', `inscriptions : ${err.message}`, { file, ...err.location }, 'file');
      else throw err;
      return undefined;
    });
    if (!table) continue;
    const columns = matchColumns(table.header, SIGNUP_COLUMNS, source.colonnes);
    if (columns.missing.length) {
      problems.error('colonne-manquante', `inscriptions : colonne(s) manquante(s) ${columns.missing.map((c) => `« ${c.label} »`).join(', ')} ; colonnes lues : ${table.header.join(', ')}`, { file, line: 1 }, 'file');
      continue;
    }
    if (!columns.indexes.has('departement') && !columns.indexes.has('code_postal') && !columns.indexes.has('commune')) {
      problems.error('colonne-manquante', 'inscriptions : il faut une colonne département, code postal ou code INSEE', { file, line: 1 }, 'file');
      continue;
    }
    const ix = (f: string) => columns.indexes.get(f) ?? -1;
    const [iId, iDate, iDep, iCp, iCom, iMet, iCat, iStat] = ['id', 'date', 'departement', 'code_postal', 'commune', 'metier', 'categorie', 'statut'].map(ix) as number[];
    const get = (v: string[], i: number) => (i >= 0 ? (v[i] ?? '').trim() : '');
    let read = 0;
    try {
      for await (const batch of table.rows) {
        for (const row of batch) {
          read++;
          const v = row.values;
          const id = get(v, iId!);
          const d = dayOfText(get(v, iDate!));
          const code = depOf(get(v, iDep!), get(v, iCp!), get(v, iCom!));
          if (!id || d === undefined || code === undefined) {
            rejetes++;
            const why = !id ? 'identifiant vide' : d === undefined ? `date « ${get(v, iDate!)} » invalide` : `département introuvable (« ${get(v, iDep!) || get(v, iCp!) || get(v, iCom!)} »)`;
            problems.warning('inscription-rejetee', `inscription rejetée : ${why}`, { file, line: row.line });
            continue;
          }
          let slot = slots.get(id);
          if (slot === undefined) {
            slot = slots.size;
            slots.set(id, slot);
            if (slot >= day.length) {
              [dep, category, metier, whereFile] = [grown(dep, slot), grown(category, slot), grown(metier, slot), grown(whereFile, slot)];
              [day, whereLine] = [grown(day, slot), grown(whereLine, slot)];
              [inRegion, excluded] = [grown(inRegion, slot), grown(excluded, slot)];
            }
          } else {
            doublons++;
            if (dep[slot] !== code) {
              conflits++;
              problems.info(
                'inscription-conflit',
                `le volontaire ${id} change de département : ${deps.names[dep[slot]!]} (${displayPath(campaign, files[whereFile[slot]!]!)}:${whereLine[slot]}) puis ${deps.names[code]} ; le fichier le plus récent l'emporte`,
                { file, line: row.line },
              );
            }
          }
          dep[slot] = code;
          day[slot] = d;
          category[slot] = categories.index(get(v, iCat!));
          metier[slot] = metiers.index(get(v, iMet!));
          inRegion[slot] = inCampaign(code) ? 1 : 0;
          excluded[slot] = iStat! >= 0 && WITHDRAWN.test(get(v, iStat!)) ? 1 : 0;
          whereFile[slot] = fileIndex;
          whereLine[slot] = row.line;
        }
      }
    } catch (err) {
      if (!(err instanceof RelaisError)) throw err;
      problems.error('fichier-illisible', `inscriptions : ${err.message}`, { file, ...err.location }, 'file');
    }
    if (read === 0) problems.warning('fichier-vide', 'export d’inscriptions sans aucune ligne', { file, line: 1 });
    lignes += read;
  }
  return {
    records: { dep, day, category, metier, inRegion, excluded, size: slots.size, names: { dep: deps.names, category: categories.names, metier: metiers.names } },
    doublons,
    rejetes,
    conflits,
    lignes,
    problems,
  };
}
