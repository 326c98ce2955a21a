import { frenchNumber } from '../text/format.js';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { RelaisError } from '../errors.js';
import { departementOfCode } from '../campaign/communes.js';
import { communeReference } from '../data/cog.js';
import { directoryRecords, sniffContactsFile } from '../data/directory-files.js';
import { ANNUAIRE_DATASET, ANNUAIRE_PAGE, fetchDirectory, selectTownHalls, type Selection, type TownHall } from './annuaire.js';
import { diffMayors, diffTownHalls, mayorsByCommune, type Changes } from './diff.js';
import { NOTHING_WRITTEN, shownUrl, type HttpClient, type RetryPolicy } from './http.js';
import { fetchRne, readMayorsFile, RNE_DATASET_PAGE } from './maires.js';
import { provenanceMarkdown } from './provenance.js';
import { writeAllAtomic, type WriteOptions } from './write.js';

/**
 * `relais fetch`, the use case: download the town halls of the campaign's départements from the
 * DILA directory and the mayors from the RNE, compare them with the previous fetch, and write
 * them into data/ with their provenance. Everything is downloaded and checked before anything is
 * written; the files are then written as temporary files next to their final names and renamed
 * only once all of them are on disk (and put back if a rename fails), so a failure or a Ctrl-C
 * leaves the previous fetch untouched (write.ts).
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
  /** Ctrl-C: the download stops, and nothing is replaced unless the renames have begun. */
  signal?: AbortSignal;
  /** Keeps signals from ending the process while the files are written (see write.ts). */
  hold?: WriteOptions['hold'];
}

export interface FetchChanges {
  /**
   * Null on the first fetch, when the previous file cannot be read, or when it was edited by hand
   * since relais wrote it (the version downloaded then is gone: nothing of the source's to compare).
   */
  mairies: Changes['mairies'] | null;
  maires: Changes['maires'] | null;
  /**
   * For a file edited by hand: how the new download differs from the edited version — the
   * corrections it is about to undo, and possibly changes of the source, which cannot be told
   * apart. Never shown as changes of the sources.
   */
  corrections: { mairies: Changes['mairies'] | null; maires: Changes['maires'] | null };
}

/** A fetched file whose bytes no longer match those relais wrote (provenance.json's hash). */
export interface HandEdited {
  /** `data/annuaire-mairies.json` or `data/rne-maires.csv`. */
  fichier: string;
  /** Where the edited version was copied before being replaced (`data/…`); null in a dry run. */
  copie: string | null;
  /**
   * False when the previous provenance.json (written by a relais of before) records no hash for
   * the file: it differs from the new download, and relais cannot tell whether it was edited by
   * hand or the source changed. Kept aside all the same: a correction lost is worse than a copy.
   */
  certain: boolean;
}

export interface FetchResult {
  annuaire: {
    url: string;
    urls: string[];
    dataDate: string | null;
    latestRecord: string | null;
    received: number;
    mairies: number;
    communes: number;
    /** The current communes of the départements (COG). */
    communesOfDepartements: number;
    /** Those without a town hall in what was received: their letters go by post. */
    withoutTownHall: Array<{ insee: string; nom: string }>;
    setAside: Record<string, number>;
    rejected: number;
    rejects: Selection['rejected'];
  };
  rne: { url: string; finalUrl: string; fileName: string; dataDate: string | null; encoding: string; counts: { read: number; kept: number; setAside: number; rejected: number } };
  previous: { date: string | null; annuaire: PreviousState; rne: PreviousState; handEdited: HandEdited[] };
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
async function previousTownHalls(path: string, deps: string[], current: (insee: string) => string, arrondissement: (insee: string) => boolean): Promise<{ state: PreviousState; map?: Map<string, TownHall> }> {
  if (!existsSync(path)) return { state: 'absent' };
  try {
    const kind = await sniffContactsFile(path, FETCH_FILES.annuaire);
    if (kind.kind !== 'directory') return { state: 'illisible' };
    const values: unknown[] = [];
    for await (const batch of directoryRecords(path, FETCH_FILES.annuaire, kind)) for (const item of batch) if (item.error === undefined) values.push(item.value);
    return { state: 'lu', map: selectTownHalls(values, deps, current, arrondissement).townHalls };
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

/**
 * The previous provenance.json: its date, the hash of each file it describes (`data/…` → SHA-256),
 * and the files it describes without a hash (written by a relais of before the hashes).
 */
async function previousProvenance(path: string): Promise<{ date: string | null; hashes: Map<string, string>; unhashed: Set<string> }> {
  const hashes = new Map<string, string>();
  const unhashed = new Set<string>();
  try {
    const p = JSON.parse(await readFile(path, 'utf8')) as { telecharge_le?: unknown; sources?: unknown };
    if (Array.isArray(p.sources)) {
      for (const s of p.sources as Array<Record<string, unknown>>) {
        if (!s || typeof s.fichier !== 'string') continue;
        if (typeof s.sha256 === 'string') hashes.set(s.fichier, s.sha256);
        else unhashed.add(s.fichier);
      }
    }
    return { date: typeof p.telecharge_le === 'string' ? p.telecharge_le : null, hashes, unhashed };
  } catch {
    return { date: null, hashes, unhashed };
  }
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * A free name next to `path` for the copy of a hand-edited file:
 * `annuaire-mairies.modifie-2026-12-01-0800.json` (the time of this fetch, UTC), then -2, -3…
 */
function copyName(path: string, now: Date): string {
  const ext = extname(path);
  const stem = path.slice(0, path.length - ext.length);
  const stamp = now.toISOString().slice(0, 16).replace('T', '-').replace(':', '');
  for (let n = 1; ; n++) {
    const candidate = `${stem}.modifie-${stamp}${n > 1 ? `-${n}` : ''}${ext}`;
    if (!existsSync(candidate)) return candidate;
  }
}

export async function fetchOfficialData(options: FetchOptions): Promise<FetchResult> {
  const { dataDir, deps, settings, http } = options;
  const progress = options.onProgress ?? (() => undefined);
  if (deps.length === 0) throw new RelaisError('aucun département dans la campagne : rien à télécharger');

  progress(`Annuaire de l'administration (DILA) : mairies des départements ${deps.join(', ')}…`);
  const policy: RetryPolicy = options.signal ? { ...settings.retry, signal: options.signal } : settings.retry;
  const directory = await fetchDirectory(http, settings.annuaireUrl, deps, policy, {
    onDepartement: (dep, received) => progress(`  ${dep} : ${frenchNumber(received)} fiches reçues`),
    onMoved: (dep, round, rounds) => progress(`  ${dep} : les données ont changé pendant le téléchargement ; nouveau téléchargement du département (essai ${round} sur ${rounds})`),
  });
  const ref = communeReference();
  const current = (insee: string) => (ref.commune(insee) !== undefined ? insee : (ref.formerCodes.get(insee) ?? insee));
  const arrondissement = (insee: string) => ref.arrondissement(insee) !== undefined;
  const selection = selectTownHalls(directory.records, deps, current, arrondissement);
  const halls = selection.townHalls;
  // Every département has town halls: one without any is a failed query, not news to write down.
  const empty = deps.filter((d) => ![...halls.keys()].some((insee) => departementOfCode(insee) === d));
  if (empty.length) {
    throw new RelaisError(`Annuaire de l'administration : aucune mairie reçue pour ${empty.length > 1 ? 'les départements' : 'le département'} ${empty.join(', ')} (${frenchNumber(directory.records.length)} fiches reçues en tout) ; ${NOTHING_WRITTEN}`);
  }

  // A short download (a filter gone wrong, a directory in mid-update) shows here and nowhere
  // else: `relais check` only warns commune by commune that a letter will go by post.
  const communesOfDepartements = deps.flatMap((d) => ref.communesOf(d));
  const withoutTownHall = communesOfDepartements.filter((c) => !halls.has(c.code)).map((c) => ({ insee: c.code, nom: c.nom }));

  progress('Répertoire national des élus (data.gouv.fr) : fichier des maires…');
  const rne = await fetchRne(http, settings.rneUrl, deps, policy);
  const noMayor = deps.filter((d) => !rne.mayors.some((m) => departementOfCode(m.insee) === d));
  if (noMayor.length) {
    throw new RelaisError(`Répertoire national des élus : aucun maire pour ${noMayor.length > 1 ? 'les départements' : 'le département'} ${noMayor.join(', ')} dans ${rne.fileName} ; ${NOTHING_WRITTEN}`);
  }

  const annuairePath = join(dataDir, FETCH_FILES.annuaire);
  const rnePath = join(dataDir, FETCH_FILES.rne);
  const provenancePath = join(dataDir, FETCH_FILES.provenance);
  const [beforeHalls, beforeMayors, before] = await Promise.all([previousTownHalls(annuairePath, deps, current, arrondissement), previousMayors(rnePath), previousProvenance(provenancePath)]);
  const annuaireData = `${JSON.stringify(selection.records, null, 1)}\n`;
  // A file whose bytes are no longer those relais wrote was corrected by hand (an address a town
  // hall asked for, a mayor elected since the RNE's file): the corrections are the agent's work,
  // not news from the sources, and they are kept in a copy before the file is replaced. Its bytes
  // are returned when they are neither those relais wrote nor those it is about to write. A
  // provenance.json of before the hashes describes the file without one: then any difference with
  // the new download may be a correction, and the file is treated as edited (`certain: false`).
  // Each new file's hash, made once: compared here, then recorded in provenance.json.
  const hashes = { annuaire: sha256(annuaireData), rne: sha256(rne.csv) };
  const edited = async (name: string, path: string, nextHash: string): Promise<{ bytes: Uint8Array; certain: boolean } | undefined> => {
    const recorded = before.hashes.get(`data/${name}`);
    const unknown = recorded === undefined && before.unhashed.has(`data/${name}`);
    if ((recorded === undefined && !unknown) || !existsSync(path)) return undefined;
    const bytes = await readFile(path);
    const hash = sha256(bytes);
    return hash !== recorded && hash !== nextHash ? { bytes, certain: !unknown } : undefined;
  };
  const annuaireEdited = await edited(FETCH_FILES.annuaire, annuairePath, hashes.annuaire);
  const rneEdited = await edited(FETCH_FILES.rne, rnePath, hashes.rne);
  const hallsDiff = beforeHalls.map ? diffTownHalls(beforeHalls.map, halls) : null;
  const mayorsDiff = beforeMayors.map ? diffMayors(beforeMayors.map, mayorsByCommune(rne.mayors)) : null;
  const changes: FetchChanges = {
    mairies: annuaireEdited ? null : hallsDiff,
    maires: rneEdited ? null : mayorsDiff,
    corrections: { mairies: annuaireEdited ? hallsDiff : null, maires: rneEdited ? mayorsDiff : null },
  };
  const handEdited: Array<HandEdited & { path: string; bytes: Uint8Array }> = [];
  if (annuaireEdited) handEdited.push({ fichier: `data/${FETCH_FILES.annuaire}`, copie: null, certain: annuaireEdited.certain, path: annuairePath, bytes: annuaireEdited.bytes });
  if (rneEdited) handEdited.push({ fichier: `data/${FETCH_FILES.rne}`, copie: null, certain: rneEdited.certain, path: rnePath, bytes: rneEdited.bytes });

  const annuaire = {
    url: shownUrl(settings.annuaireUrl),
    urls: directory.urls.map(shownUrl),
    dataDate: directory.dataDate,
    latestRecord: selection.latestModification,
    received: directory.records.length,
    mairies: selection.records.length,
    communes: halls.size,
    communesOfDepartements: communesOfDepartements.length,
    withoutTownHall,
    setAside: selection.setAside,
    rejected: selection.rejected.length,
    rejects: selection.rejected,
  };
  // Recorded in files that are kept and shared: a key in the address's query is masked.
  const rneInfo = { url: shownUrl(settings.rneUrl), finalUrl: rne.finalUrl, fileName: rne.fileName, dataDate: rne.dataDate, encoding: rne.encoding, counts: rne.counts };
  const provenance = buildProvenance(options, annuaire, rneInfo, hashes);

  const written: string[] = [];
  if (!options.dryRun) {
    // The copies of the hand-edited files go with the rest, all or nothing: a failure or a Ctrl-C
    // before the renames leaves neither a copy nor a replaced file.
    const copies = handEdited.map((h) => {
      const path = copyName(h.path, options.now);
      h.copie = `data/${basename(path)}`;
      return { path, data: h.bytes };
    });
    await writeAllAtomic([
      ...copies,
      { path: annuairePath, data: annuaireData },
      { path: rnePath, data: rne.csv },
      { path: join(dataDir, FETCH_FILES.provenanceMd), data: provenanceMarkdown(provenance) },
      // Last: a provenance file always describes files that are on disk.
      { path: provenancePath, data: `${JSON.stringify(provenance, null, 2)}\n` },
    ], { ...(options.signal ? { signal: options.signal } : {}), ...(options.hold ? { hold: options.hold } : {}) });
    written.push(...[FETCH_FILES.annuaire, FETCH_FILES.rne, FETCH_FILES.provenanceMd, FETCH_FILES.provenance].map((f) => `data/${f}`));
  }
  return { annuaire, rne: rneInfo, previous: { date: before.date, annuaire: beforeHalls.state, rne: beforeMayors.state, handEdited: handEdited.map(({ fichier, copie, certain }) => ({ fichier, copie, certain })) }, changes, written, provenance };
}

/** `hashes`: SHA-256 of the files as written, to tell at the next fetch whether they were edited since. */
function buildProvenance(options: FetchOptions, a: FetchResult['annuaire'], r: FetchResult['rne'], hashes: { annuaire: string; rne: string }): Provenance {
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
        sha256: hashes.annuaire,
        nombres: { services_recus: a.received, mairies: a.mairies, communes: a.communes, communes_sans_mairie: a.withoutTownHall.length, ecartes: a.setAside, rejetes: a.rejected },
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
        filtre: `lignes des départements ${deps} seulement (${frenchNumber(r.counts.kept)} sur ${frenchNumber(r.counts.read)}), réécrites en UTF-8 avec « ; » (fichier source en ${r.encoding})`,
        sha256: hashes.rne,
        nombres: { lignes_lues: r.counts.read, gardees: r.counts.kept, autres_departements: r.counts.setAside, rejetees: r.counts.rejected },
      },
    ],
  };
}
