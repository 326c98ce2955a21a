import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/**
 * The commune reference (Code officiel géographique) from @etalab/decoupage-administratif.
 * Its JSON files are required directly: the package's own index reads ./data relative to the
 * working directory, which breaks as soon as relais runs from another folder.
 */
export interface Commune {
  code: string;
  nom: string;
  typeLiaison: number;
  departement: string;
  region: string;
  codesPostaux: string[];
  population: number;
}

export interface Departement {
  code: string;
  nom: string;
  typeLiaison: number;
  region: string;
  chefLieu: string;
}

export interface Region {
  code: string;
  nom: string;
  typeLiaison: number;
}

interface Arrondissement {
  nom: string;
  /** The commune it belongs to. */
  commune: string;
}

export interface RawCommune {
  code: string;
  /** Of a municipal arrondissement: its commune. */
  commune?: string;
  nom: string;
  type: string;
  typeLiaison?: number;
  departement?: string;
  region?: string;
  codesPostaux?: string[];
  population?: number;
  anciensCodes?: string[];
  chefLieu?: string;
}

export interface Indexed {
  communes: Map<string, Commune>;
  /** Codes that no longer designate a current commune → the current commune. */
  formerCodes: Map<string, string>;
  arrondissements: Map<string, Arrondissement>;
}

/** The communes as the package publishes them → what relais looks up. */
export function indexCommunes(raw: RawCommune[]): Indexed {
  const communes = new Map<string, Commune>();
  const formerCodes = new Map<string, string>();
  const arrondissements = new Map<string, Arrondissement>();
  for (const c of raw) {
    if (c.type === 'arrondissement-municipal' && c.commune) arrondissements.set(c.code, { nom: c.nom, commune: c.commune });
    if (c.type !== 'commune-actuelle') continue;
    communes.set(c.code, {
      code: c.code,
      nom: c.nom,
      typeLiaison: c.typeLiaison ?? 0,
      departement: c.departement ?? '',
      region: c.region ?? '',
      codesPostaux: c.codesPostaux ?? [],
      population: c.population ?? 0,
    });
    for (const old of c.anciensCodes ?? []) if (old !== c.code) formerCodes.set(old, c.code);
  }
  // Delegated and associated communes share or keep their own code; they point at their chef-lieu.
  for (const c of raw) {
    if ((c.type === 'commune-deleguee' || c.type === 'commune-associee') && c.chefLieu && !communes.has(c.code)) formerCodes.set(c.code, c.chefLieu);
  }
  return { communes, formerCodes, arrondissements };
}

/**
 * The same index written small (`npm run build`, scripts/cog-index.ts): the package's communes
 * file is 8.6 MB of JSON whose reading cost every command ~110 ms of CPU and as much again in
 * garbage, where a campaign of two départements needs a thousand communes. The communes are
 * grouped by the first characters of their code, one line each, and a group is read the first
 * time a code of it is asked for. The index names the package version and the size of the file
 * it was made from: a reference updated without a build is read from the package itself.
 */
export interface CompactCommunes {
  /** The index's own format (COMPACT_FORMAT), then the package it was made from. */
  source: { format: number; version: string; size: number };
  /**
   * [code prefix (codePrefix), its communes]: a line each, code, nom, typeLiaison, departement,
   * region, postal codes (space-separated), population, tab-separated; in the package's order,
   * which is the order communes are listed in (the first commune of a postal code is the first).
   */
  groups: Array<[string, string]>;
  /** Département → the prefixes its communes are under. */
  departements: Record<string, string[]>;
  /** Postal code → the prefixes of the communes it serves (space-separated): the tracker asks for a few. */
  postalCodes: Record<string, string>;
  /** former code, current code, … */
  formerCodes: string[];
  /** code, nom, commune, … */
  arrondissements: string[];
}

/** The group of an INSEE code: its first two characters, three overseas (971…, 2A and 2B are two). */
export function codePrefix(code: string): string {
  return code.slice(0, code.startsWith('97') || code.startsWith('98') ? 3 : 2);
}

export function compactCommunes(index: Indexed, source: CompactCommunes['source']): CompactCommunes {
  // A Map keeps the order groups first appear in (an object would put "10"…"95" before "01").
  const groups = new Map<string, string[]>();
  const departements: Record<string, Set<string>> = {};
  const postalCodes = new Map<string, Set<string>>();
  for (const c of index.communes.values()) {
    const fields = [c.code, c.nom, String(c.typeLiaison), c.departement, c.region, c.codesPostaux.join(' '), String(c.population)];
    // The published names hold neither: a field that did would shift every field after it.
    if (fields.some((f) => /[\t\n]/.test(f))) throw new Error(`commune ${c.code} : tabulation ou saut de ligne dans ses champs`);
    const prefix = codePrefix(c.code);
    const lines = groups.get(prefix);
    if (lines) lines.push(fields.join('\t'));
    else groups.set(prefix, [fields.join('\t')]);
    (departements[c.departement] ??= new Set()).add(prefix);
    for (const cp of c.codesPostaux) {
      const set = postalCodes.get(cp);
      if (set) set.add(prefix);
      else postalCodes.set(cp, new Set([prefix]));
    }
  }
  return {
    source,
    groups: [...groups].map(([k, lines]) => [k, lines.join('\n')]),
    departements: Object.fromEntries(Object.entries(departements).map(([k, set]) => [k, [...set]])),
    postalCodes: Object.fromEntries([...postalCodes].map(([k, set]) => [k, [...set].join(' ')])),
    formerCodes: [...index.formerCodes].flat(),
    arrondissements: [...index.arrondissements].flatMap(([code, a]) => [code, a.nom, a.commune]),
  };
}

/** Changed with the index's shape: an index of another shape is made again from the package. */
export const COMPACT_FORMAT = 1;

/** Where the build writes the compact index. */
export const COMPACT_COMMUNES = join('dist', 'cog', 'communes.json');

export class CommuneReference {
  readonly departements = new Map<string, Departement>();
  readonly regions = new Map<string, Region>();
  private compact: CompactCommunes | undefined;
  private readonly groups = new Map<string, Map<string, Commune>>();
  private all: Map<string, Commune> | undefined;
  private former: Map<string, string> | undefined;
  private arrondissements: Map<string, Arrondissement> | undefined;
  private readonly byPostalCode = new Map<string, Commune[]>();
  private readonly byDepartement = new Map<string, Commune[]>();

  /**
   * Départements and régions are small and read at once; the communes only when something asks
   * for one, and then only the group of its code: the tracker, given a département column, never
   * does; a campaign of two départements reads their two groups.
   */
  constructor(raw: { departements: Departement[]; regions: Region[] }, private readonly source: () => CompactCommunes) {
    for (const d of raw.departements) this.departements.set(d.code, d);
    for (const r of raw.regions) this.regions.set(r.code, r);
  }

  private texts: Map<string, string> | undefined;

  private index(): CompactCommunes {
    return (this.compact ??= this.source());
  }

  private text(prefix: string): string {
    this.texts ??= new Map(this.index().groups);
    return this.texts.get(prefix) ?? '';
  }

  private group(prefix: string): Map<string, Commune> {
    let group = this.groups.get(prefix);
    if (group) return group;
    group = new Map();
    const text = this.text(prefix);
    for (const line of text ? text.split('\n') : []) {
      const [code, nom, typeLiaison, departement, region, cps, population] = line.split('\t') as [string, string, string, string, string, string, string];
      group.set(code, { code, nom, typeLiaison: Number(typeLiaison), departement, region, codesPostaux: cps ? cps.split(' ') : [], population: Number(population) });
    }
    this.groups.set(prefix, group);
    return group;
  }

  /** The current commune of this code, undefined if it designates none. */
  commune(code: string): Commune | undefined {
    return code.length >= 2 ? this.group(codePrefix(code)).get(code) : undefined;
  }

  /** The commune a code names today: its own, or the commune nouvelle a former code is part of. */
  currentCommune(code: string): Commune | undefined {
    return this.commune(code) ?? this.commune(this.formerCodes.get(code) ?? '');
  }

  /** Every current commune (the whole reference read). */
  get communes(): Map<string, Commune> {
    if (!this.all) {
      this.all = new Map();
      for (const [prefix] of this.index().groups) for (const [code, c] of this.group(prefix)) this.all.set(code, c);
    }
    return this.all;
  }

  /**
   * The municipal arrondissements of Paris, Lyon and Marseille (75101…, 69381…, 13201…): each has
   * its town hall in the directory, but letters go to the commune's (75056, 69123, 13055).
   */
  arrondissement(code: string): { nom: string; commune: Commune } | undefined {
    if (!this.arrondissements) {
      this.arrondissements = new Map();
      const a = this.index().arrondissements;
      for (let i = 0; i + 2 < a.length; i += 3) this.arrondissements.set(a[i]!, { nom: a[i + 1]!, commune: a[i + 2]! });
    }
    const a = this.arrondissements.get(code);
    const commune = a && this.commune(a.commune);
    return a && commune ? { nom: a.nom, commune } : undefined;
  }

  /** Codes that no longer designate a current commune (merged, delegated) → the current commune. */
  get formerCodes(): Map<string, string> {
    if (!this.former) {
      this.former = new Map();
      const f = this.index().formerCodes;
      for (let i = 0; i + 1 < f.length; i += 2) this.former.set(f[i]!, f[i + 1]!);
    }
    return this.former;
  }

  /** The communes of a département, in the reference's order. */
  communesOf(departement: string): Commune[] {
    let list = this.byDepartement.get(departement);
    if (!list) {
      list = [];
      const prefixes = Object.hasOwn(this.index().departements, departement) ? this.index().departements[departement]! : [];
      for (const prefix of prefixes) for (const c of this.group(prefix).values()) if (c.departement === departement) list.push(c);
      this.byDepartement.set(departement, list);
    }
    return [...list];
  }

  departementsOf(region: string): Departement[] {
    return [...this.departements.values()].filter((d) => d.region === region);
  }

  /** Communes served by a postal code (several communes often share one), in the reference's order. */
  communesByPostalCode(postalCode: string): Commune[] {
    let list = this.byPostalCode.get(postalCode);
    if (!list) {
      list = [];
      const prefixes = Object.hasOwn(this.index().postalCodes, postalCode) ? this.index().postalCodes[postalCode]!.split(' ') : [];
      for (const prefix of prefixes) for (const c of this.group(prefix).values()) if (c.codesPostaux.includes(postalCode)) list.push(c);
      this.byPostalCode.set(postalCode, list);
    }
    return list;
  }
}

let cached: CommuneReference | undefined;

const PACKAGE = '@etalab/decoupage-administratif';

/** What the compact index must name to stand for the installed package's communes, and where they are. */
export function communesSource(): { source: CompactCommunes['source']; path: string } {
  const require = createRequire(import.meta.url);
  const path = require.resolve(`${PACKAGE}/data/communes.json`);
  const version = (JSON.parse(readFileSync(require.resolve(`${PACKAGE}/package.json`), 'utf8')) as { version: string }).version;
  return { source: { format: COMPACT_FORMAT, version, size: statSync(path).size }, path };
}

/** The package's communes read as published: the build's index is made from them. */
export function publishedCommunes(): Indexed {
  return indexCommunes(JSON.parse(readFileSync(communesSource().path, 'utf8')) as RawCommune[]);
}

/**
 * The build's compact index when it was made, in this format, from the installed package; else
 * the same made from the package there and then (relais run from its sources, the reference
 * updated since the build, an index of an older build).
 */
function compactIndex(): CompactCommunes {
  const { source } = communesSource();
  try {
    const compact = JSON.parse(readFileSync(join(packageRoot(), COMPACT_COMMUNES), 'utf8')) as CompactCommunes;
    const s = compact.source;
    if (s.format === source.format && s.version === source.version && s.size === source.size) return compact;
  } catch {
    // No build yet, or an unreadable index: made from the package below.
  }
  return compactCommunes(publishedCommunes(), source);
}

/** Loaded once per process (the communes when first needed). */
export function communeReference(): CommuneReference {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const read = <T>(name: string) => JSON.parse(readFileSync(require.resolve(`${PACKAGE}/data/${name}.json`), 'utf8')) as T;
    cached = new CommuneReference({ departements: read<Departement[]>('departements'), regions: read<Region[]>('regions') }, compactIndex);
  }
  return cached;
}

/**
 * Repairs an INSEE code whose leading zero was lost by a spreadsheet ("1001" → "01001").
 * Corsican codes (2A/2B) and overseas codes are left as they are.
 */
export function normalizeInsee(code: string): string {
  return repairInsee(code).code;
}

/** The same repair, saying whether it changed anything: readers warn with the line. */
export function repairInsee(code: string): { code: string; repaired: boolean } {
  const c = code.trim().toUpperCase();
  return /^\d{4}$/.test(c) ? { code: `0${c}`, repaired: true } : { code: c, repaired: false };
}

/** Same repair for département codes ("1" → "01"). */
export function normalizeDepartement(code: string): string {
  const c = code.trim().toUpperCase();
  return /^\d$/.test(c) ? `0${c}` : c;
}
