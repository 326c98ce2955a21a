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

/**
 * A postal code that lost its leading zero ("1400" → "01400"): same cause, same repair. A code
 * shown with a thousands separator (« 45 230 », a no-break space in French Excel) is the code.
 */
export function repairPostalCode(code: string): { code: string; repaired: boolean } {
  let c = code.trim();
  const spaced = /^(\d{2})[\s\u00A0\u202F.](\d{3})$/.exec(c);
  if (spaced) c = spaced[1]! + spaced[2]!;
  return /^\d{4}$/.test(c) ? { code: `0${c}`, repaired: true } : { code: c, repaired: false };
}

/** The département a postal code belongs to, as far as its digits say (« 20… » is Corsica's two). */
function postalCodeFits(code: string, departement: string): boolean {
  if (/^2[AB]$/.test(departement)) return code.startsWith('20');
  // Overseas, La Poste's codes overlap the collectivities' numbers (Saint-Barthélemy, 977, is 97133;
  // its CEDEX 97098): a 97… code is of overseas, no more can be said.
  if (departement.startsWith('97')) return code.startsWith('97');
  return code.startsWith(departement);
}

export interface PostalCodePlaced {
  /** The postal code for the envelope: '' when the commune's own is to be used. */
  code: string;
  /** A distribution mention (« CS 40001 ») found in the postal-code cell, when the distribution column is empty. */
  distribution?: string;
  /**
   * The locality written after the code in its cell (« 45040 ORLEANS CEDEX 1 »: La Poste's whole
   * last line typed there), CEDEX included: the envelope's locality.
   */
  localite?: string;
  /** « CEDEX 1 » written after the code alone (« 45044 CEDEX 1 »): it goes after the locality, as La Poste reads it. */
  cedex?: string;
  /** A repair to say, French, for a warning naming the line (the lost zero). */
  repaired?: string;
  /** What is wrong with the cell and what was done, French, for a warning naming the line. */
  problem?: string;
}

/**
 * A town hall's postal code as written, checked against its commune: the letter by post is the
 * only channel of a town hall without email, and a wrong code sends it to another département.
 * A code of the commune's (in the reference) or of its département (a CEDEX code) is used; one of
 * another département (« 4523 » taken for 04523 in the Loiret), or no code at all, gives way to
 * the commune's own; a « BP »/« CS »/« TSA » mention typed in the column is a distribution line.
 */
export function placePostalCode(written: string, commune: Pick<Commune, 'departement' | 'codesPostaux'>, distributionColumn = ''): PostalCodePlaced {
  const raw = written.trim();
  if (!raw) return { code: '' };
  const own = commune.codesPostaux[0];
  // A commune of several postal codes (Paris's 21, Marseille's 16): which one the town hall's is
  // cannot be known, and is not said to be.
  const several = commune.codesPostaux.length > 1 ? `la commune a ${commune.codesPostaux.length} codes postaux (${commune.codesPostaux.slice(0, 3).join(', ')}…) : le premier, ${own}, est mis faute de mieux` : undefined;
  const instead = several ?? (own ? `le code postal de la commune, ${own}, est utilisé` : 'le code postal est laissé vide');
  if (/^(?:B\.?\s?P\.?|C\.?\s?S\.?|TSA)\s*\d+/i.test(raw)) {
    const cedexAdvice = "(avec une mention CS ou TSA, La Poste attend d'ordinaire un code CEDEX : corrigez la ligne)";
    const column = distributionColumn.trim();
    if (!column) return { code: '', distribution: raw, problem: `code postal « ${raw} » : c'est une mention de distribution, pas un code postal ; elle est imprimée au-dessus de la ligne de la commune et ${instead} ${cedexAdvice}` };
    const same = column.replace(/[\s.]/g, '').toUpperCase() === raw.replace(/[\s.]/g, '').toUpperCase();
    // NF Z10-011 gives an address one distribution line: the column's mention keeps it.
    const kept = same ? `elle est déjà dans la colonne service de distribution, imprimée une fois` : `la colonne service de distribution porte déjà « ${column} », seule imprimée (une adresse n'a qu'une ligne de distribution) : « ${raw} » ne l'est pas`;
    return { code: '', problem: `code postal « ${raw} » : c'est une mention de distribution, pas un code postal ; ${kept} ; ${instead} ${cedexAdvice}` };
  }
  // « 45044 CEDEX 1 », « 45040 ORLEANS CEDEX 1 », « 45230 Adon »: the code with the rest of La
  // Poste's last line. The code is checked as a code alone is; the CEDEX goes after the locality.
  // (« Cédex », with its accent, is the same word.)
  const line = /^(\d{5})(?:\s+((?!C[EÉ]DEX\b)[\p{L}'’-]+(?:\s+(?!C[EÉ]DEX\b)[\p{L}'’-]+)*))?(?:\s+(C[EÉ]DEX(?:\s+\d{1,2})?))?$/iu.exec(raw);
  if (line && (line[2] || line[3])) {
    const [, code, place = '', cedex] = line as unknown as [string, string, string | undefined, string | undefined];
    if (commune.codesPostaux.includes(code) || postalCodeFits(code, commune.departement) || !own) {
      const mention = cedex ? cedex.toUpperCase().replace('É', 'E').replace(/\s+/g, ' ') : undefined;
      return place.trim() ? { code, localite: `${place.trim()}${mention ? ` ${mention}` : ''}` } : { code, cedex: mention! };
    }
    return { code: '', problem: `code postal « ${raw} » : ${code} n'est pas un code du département ${commune.departement} de la commune ; ${instead} ; corrigez la ligne` };
  }
  // The letter O typed for a zero (« 75OO4 »): the code the writer meant, said as repaired.
  const typed = /^[\dOo]{5}$/.test(raw) && /[Oo]/.test(raw) ? raw.replace(/[Oo]/g, '0') : undefined;
  if (typed && (commune.codesPostaux.includes(typed) || postalCodeFits(typed, commune.departement))) {
    return { code: typed, repaired: `code postal « ${raw} » lu ${typed} (la lettre O pour un zéro)` };
  }
  const { code, repaired } = repairPostalCode(raw);
  if (!/^\d{5}$/.test(code)) return { code: '', problem: `code postal « ${raw} » mal formé (5 chiffres attendus) : ${instead} ; corrigez la ligne` };
  // A commune the reference gives no postal code (a handful): nothing to check the code against.
  if (commune.codesPostaux.includes(code) || postalCodeFits(code, commune.departement) || !own) {
    return repaired ? { code, repaired: `code postal ${raw} complété en ${code} (zéro initial perdu)` } : { code };
  }
  const read = repaired ? ` (lu ${code})` : '';
  return { code: '', problem: `code postal « ${raw} »${read} : pas un code du département ${commune.departement} de la commune ; ${instead} ; corrigez la ligne` };
}

/** Same repair for département codes ("1" → "01"). */
export function normalizeDepartement(code: string): string {
  const c = code.trim().toUpperCase();
  return /^\d$/.test(c) ? `0${c}` : c;
}
