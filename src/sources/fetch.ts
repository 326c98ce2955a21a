import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RelaisError } from '../errors.js';
import { departementOfCode } from '../campaign/communes.js';
import { directoryRecords, sniffContactsFile } from '../data/directory.js';
import { ANNUAIRE_DATASET, ANNUAIRE_PAGE, fetchDirectory, selectTownHalls, type Selection, type TownHall } from './annuaire.js';
import { diffMayors, diffTownHalls, mayorsByCommune, type Changes } from './diff.js';
import { NOTHING_WRITTEN, type HttpClient, type RetryPolicy } from './http.js';
import { fetchRne, readMayorsFile, RNE_DATASET_PAGE } from './maires.js';
import { provenanceMarkdown } from './provenance.js';

/**
 * `relais fetch`, the use case: download the town halls of the campaign's départements from the
 * DILA directory and the mayors from the RNE, compare them with the previous fetch, and write
 * them into data/ with their provenance. Everything is downloaded and checked before anything is
 * written; the files are then written as temporary files next to their final names and renamed
 * only once all of them are on disk (and put back if a rename fails), so a failure leaves the
 * previous fetch untouched.
 */
export const FETCH_FILES = {
  annuaire: 'annuaire-mairies.json',
  rne: 'rne-maires.csv',
  provenance: 'provenance.json',
  provenanceMd: 'PROVENANCE.md',
} as const;

export const LICENCE = { nom: 'Licence Ouverte / Open Licence version 2.0 (Etalab)', url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/' };

export interface FetchSettings {
  annuaireUrl: string;
  rneUrl: string;
  retry: RetryPolicy;
}

export interface FetchOptions {
  dataDir: string;
  deps: string[];
  dryRun: boolean;
  now: Date;
  http: HttpClient;
  settings: FetchSettings;
  version: string;
  onProgress?: (message: string) => void;
}

export interface FetchChanges {
  /** Null on the first fetch (or when the previous file cannot be read): nothing to compare. */
  mairies: Changes['mairies'] | null;
  maires: Changes['maires'] | null;
}

export interface FetchResult {
  annuaire: { url: string; urls: string[]; dataDate: string | null; latestRecord: string | null; received: number; mairies: number; communes: number; setAside: Record<string, number>; rejected: number; rejects: Selection['rejected'] };
  rne: { url: string; finalUrl: string; fileName: string; dataDate: string | null; encoding: string; counts: { read: number; kept: number; setAside: number; rejected: number } };
  previous: { date: string | null; annuaire: PreviousState; rne: PreviousState };
  changes: FetchChanges;
  written: string[];
  provenance: Provenance;
}

export type PreviousState = 'absent' | 'lu' | 'illisible';

export interface Provenance {
  telecharge_le: string;
  outil: string;
  departements: string[];
  sources: Array<Record<string, unknown>>;
}

/** The previous directory file, read as `relais check` reads it (any published format, zip included). */
async function previousTownHalls(path: string, deps: string[]): Promise<{ state: PreviousState; map?: Map<string, TownHall> }> {
  if (!existsSync(path)) return { state: 'absent' };
  try {
    const kind = await sniffContactsFile(path, FETCH_FILES.annuaire);
    if (kind.kind !== 'directory') return { state: 'illisible' };
    const values: unknown[] = [];
    for await (const batch of directoryRecords(path, FETCH_FILES.annuaire, kind)) for (const item of batch) if (item.error === undefined) values.push(item.value);
    return { state: 'lu', map: selectTownHalls(values, deps).townHalls };
  } catch {
    return { state: 'illisible' };
  }
}

async function previousMayors(path: string) {
  if (!existsSync(path)) return { state: 'absent' as PreviousState };
  try {
    const file = await readMayorsFile(path, FETCH_FILES.rne);
    return { state: 'lu' as PreviousState, map: mayorsByCommune(file.rows.map((r) => r.mayor)) };
  } catch {
    return { state: 'illisible' as PreviousState };
  }
}

async function previousDate(path: string): Promise<string | null> {
  try {
    const p = JSON.parse(await readFile(path, 'utf8')) as { telecharge_le?: unknown };
    return typeof p.telecharge_le === 'string' ? p.telecharge_le : null;
  } catch {
    return null;
  }
}

export async function fetchOfficialData(options: FetchOptions): Promise<FetchResult> {
  const { dataDir, deps, settings, http } = options;
  const progress = options.onProgress ?? (() => undefined);
  if (deps.length === 0) throw new RelaisError('aucun département dans la campagne : rien à télécharger');

  progress(`Annuaire de l'administration (DILA) : mairies des départements ${deps.join(', ')}…`);
  const directory = await fetchDirectory(http, settings.annuaireUrl, deps, settings.retry, (dep, got, total) => {
    if (got >= total) progress(`  ${dep} : ${total} fiches reçues`);
  });
  const selection = selectTownHalls(directory.records, deps);
  const halls = selection.townHalls;
  // Every département has town halls: one without any is a failed query, not news to write down.
  const empty = deps.filter((d) => ![...halls.keys()].some((insee) => departementOfCode(insee) === d));
  if (empty.length) {
    throw new RelaisError(`Annuaire de l'administration : aucune mairie reçue pour ${empty.length > 1 ? 'les départements' : 'le département'} ${empty.join(', ')} (${directory.records.length} fiches reçues en tout) ; ${NOTHING_WRITTEN}`);
  }

  progress('Répertoire national des élus (data.gouv.fr) : fichier des maires…');
  const rne = await fetchRne(http, settings.rneUrl, deps, settings.retry);
  const noMayor = deps.filter((d) => !rne.mayors.some((m) => departementOfCode(m.insee) === d));
  if (noMayor.length) {
    throw new RelaisError(`Répertoire national des élus : aucun maire pour ${noMayor.length > 1 ? 'les départements' : 'le département'} ${noMayor.join(', ')} dans ${rne.fileName} ; ${NOTHING_WRITTEN}`);
  }

  const annuairePath = join(dataDir, FETCH_FILES.annuaire);
  const rnePath = join(dataDir, FETCH_FILES.rne);
  const provenancePath = join(dataDir, FETCH_FILES.provenance);
  const [beforeHalls, beforeMayors, beforeDate] = await Promise.all([previousTownHalls(annuairePath, deps), previousMayors(rnePath), previousDate(provenancePath)]);
  const changes: FetchChanges = {
    mairies: beforeHalls.map ? diffTownHalls(beforeHalls.map, halls) : null,
    maires: beforeMayors.map ? diffMayors(beforeMayors.map, mayorsByCommune(rne.mayors)) : null,
  };

  const annuaire = {
    url: settings.annuaireUrl,
    urls: directory.urls,
    dataDate: directory.dataDate,
    latestRecord: selection.latestModification,
    received: directory.records.length,
    mairies: selection.records.length,
    communes: halls.size,
    setAside: selection.setAside,
    rejected: selection.rejected.length,
    rejects: selection.rejected,
  };
  const rneInfo = { url: settings.rneUrl, finalUrl: rne.finalUrl, fileName: rne.fileName, dataDate: rne.dataDate, encoding: rne.encoding, counts: rne.counts };
  const provenance = buildProvenance(options, annuaire, rneInfo);

  const written: string[] = [];
  if (!options.dryRun) {
    await writeAllAtomic([
      { path: annuairePath, data: `${JSON.stringify(selection.records, null, 1)}\n` },
      { path: rnePath, data: rne.csv },
      { path: join(dataDir, FETCH_FILES.provenanceMd), data: provenanceMarkdown(provenance) },
      // Last: a provenance file always describes files that are on disk.
      { path: provenancePath, data: `${JSON.stringify(provenance, null, 2)}\n` },
    ]);
    written.push(...[FETCH_FILES.annuaire, FETCH_FILES.rne, FETCH_FILES.provenanceMd, FETCH_FILES.provenance].map((f) => `data/${f}`));
  }
  return { annuaire, rne: rneInfo, previous: { date: beforeDate, annuaire: beforeHalls.state, rne: beforeMayors.state }, changes, written, provenance };
}

function buildProvenance(options: FetchOptions, a: FetchResult['annuaire'], r: FetchResult['rne']): Provenance {
  const deps = options.deps.join(', ');
  return {
    telecharge_le: options.now.toISOString(),
    outil: `relais ${options.version} (relais fetch)`,
    departements: options.deps,
    sources: [
      {
        fichier: `data/${FETCH_FILES.annuaire}`,
        producteur: "DILA – Direction de l'information légale et administrative (Premier ministre), service-public.fr",
        jeu_de_donnees: `Annuaire de l'administration – Base de données locales (${ANNUAIRE_DATASET})`,
        page: ANNUAIRE_PAGE,
        url: a.url,
        requetes: a.urls,
        date_des_donnees: a.dataDate,
        derniere_modification_d_une_fiche: a.latestRecord,
        licence: LICENCE.nom,
        licence_url: LICENCE.url,
        mention: `Source : DILA, service-public.fr — Annuaire de l'administration, Base de données locales (${ANNUAIRE_DATASET}), ${a.url}${a.dataDate ? `, données du ${a.dataDate.slice(0, 10)}` : ''}, téléchargé le ${options.now.toISOString().slice(0, 10)}`,
        filtre: `fiches « mairie » (pivot type_service_local) des départements ${deps}, au format de l'export JSON de l'API (tableau d'enregistrements)`,
        nombres: { services_recus: a.received, mairies: a.mairies, communes: a.communes, ecartes: a.setAside, rejetes: a.rejected },
      },
      {
        fichier: `data/${FETCH_FILES.rne}`,
        producteur: "Ministère de l'Intérieur, via data.gouv.fr",
        jeu_de_donnees: 'Répertoire national des élus (RNE) — maires',
        page: RNE_DATASET_PAGE,
        url: r.url,
        url_du_fichier: r.finalUrl,
        fichier_source: r.fileName,
        date_des_donnees: r.dataDate,
        licence: LICENCE.nom,
        licence_url: LICENCE.url,
        mention: `Source : Ministère de l'Intérieur, Répertoire national des élus, data.gouv.fr, fichier ${r.fileName}${r.dataDate ? ` du ${r.dataDate.slice(0, 10)}` : ''}, ${r.finalUrl}`,
        filtre: `lignes des départements ${deps} seulement (${r.counts.kept} sur ${r.counts.read}), réécrites en UTF-8 avec « ; » (fichier source en ${r.encoding})`,
        nombres: { lignes_lues: r.counts.read, gardees: r.counts.kept, autres_departements: r.counts.setAside, rejetees: r.counts.rejected },
      },
    ],
  };
}

function writeFailure(path: string, err: unknown): RelaisError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'disque plein' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'écriture interdite' : (err as Error)?.message;
  return new RelaisError(`impossible d'écrire ${path} : ${why} ; les fichiers précédents sont conservés`, { file: path }, { cause: err });
}

/**
 * All files or none. Temporary files are written first (a full disk stops here, before any
 * rename); the previous files are copied aside; then each temporary file is renamed over its
 * final name, and if one rename fails the ones already done are put back from the copies.
 */
async function writeAllAtomic(files: Array<{ path: string; data: string }>): Promise<void> {
  const hidden = (path: string, ext: string) => join(dirname(path), `.${randomBytes(6).toString('hex')}.${ext}`);
  const staged: Array<{ tmp: string; path: string; backup?: string }> = [];
  const cleanUp = () => Promise.all(staged.flatMap((s) => [s.tmp, s.backup ?? '']).filter(Boolean).map((f) => rm(f, { force: true }).catch(() => undefined)));
  let current = files[0]?.path ?? '';
  try {
    for (const f of files) {
      current = f.path;
      await mkdir(dirname(f.path), { recursive: true });
      const entry: (typeof staged)[number] = { tmp: hidden(f.path, 'tmp'), path: f.path };
      staged.push(entry);
      await writeFile(entry.tmp, f.data);
      if (existsSync(f.path) && statSync(f.path).isFile()) {
        entry.backup = hidden(f.path, 'bak');
        await copyFile(f.path, entry.backup);
      }
    }
  } catch (err) {
    await cleanUp();
    throw writeFailure(current, err);
  }
  const renamed: typeof staged = [];
  for (const s of staged) {
    try {
      await rename(s.tmp, s.path);
      renamed.push(s);
    } catch (err) {
      for (const r of renamed) {
        if (r.backup) await rename(r.backup, r.path).catch(() => undefined);
        else await rm(r.path, { force: true }).catch(() => undefined);
      }
      await cleanUp();
      throw writeFailure(s.path, err);
    }
  }
  await cleanUp();
}
