import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

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

interface RawCommune {
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

export class CommuneReference {
  readonly departements = new Map<string, Departement>();
  readonly regions = new Map<string, Region>();
  private loaded: { communes: Map<string, Commune>; formerCodes: Map<string, string>; arrondissements: Map<string, Arrondissement> } | undefined;
  private byPostalCode: Map<string, Commune[]> | undefined;

  /**
   * Départements and régions are small and read at once; the 35,000 communes (8 MB of JSON, some
   * 60 MB while parsed) only when something asks for one: the tracker, given a département
   * column, never does.
   */
  constructor(raw: { departements: Departement[]; regions: Region[] }, private readonly rawCommunes: () => RawCommune[]) {
    for (const d of raw.departements) this.departements.set(d.code, d);
    for (const r of raw.regions) this.regions.set(r.code, r);
  }

  get communes(): Map<string, Commune> {
    return this.load().communes;
  }

  /**
   * The municipal arrondissements of Paris, Lyon and Marseille (75101…, 69381…, 13201…): each has
   * its town hall in the directory, but letters go to the commune's (75056, 69123, 13055).
   */
  arrondissement(code: string): { nom: string; commune: Commune } | undefined {
    const a = this.load().arrondissements.get(code);
    const commune = a && this.communes.get(a.commune);
    return a && commune ? { nom: a.nom, commune } : undefined;
  }

  /** Codes that no longer designate a current commune (merged, delegated) → the current commune. */
  get formerCodes(): Map<string, string> {
    return this.load().formerCodes;
  }

  private load(): { communes: Map<string, Commune>; formerCodes: Map<string, string>; arrondissements: Map<string, Arrondissement> } {
    if (this.loaded) return this.loaded;
    const communes = new Map<string, Commune>();
    const formerCodes = new Map<string, string>();
    const arrondissements = new Map<string, Arrondissement>();
    const raw = this.rawCommunes();
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
    return (this.loaded = { communes, formerCodes, arrondissements });
  }

  private byDepartement: Map<string, Commune[]> | undefined;

  /** Indexed once: a national campaign asks for each of its 101 départements. */
  communesOf(departement: string): Commune[] {
    if (!this.byDepartement) {
      this.byDepartement = new Map();
      for (const c of this.communes.values()) {
        const list = this.byDepartement.get(c.departement);
        if (list) list.push(c);
        else this.byDepartement.set(c.departement, [c]);
      }
    }
    return [...(this.byDepartement.get(departement) ?? [])];
  }

  departementsOf(region: string): Departement[] {
    return [...this.departements.values()].filter((d) => d.region === region);
  }

  /** Communes served by a postal code (several communes often share one). */
  communesByPostalCode(postalCode: string): Commune[] {
    if (!this.byPostalCode) {
      this.byPostalCode = new Map();
      for (const c of this.communes.values()) {
        for (const cp of c.codesPostaux) {
          const list = this.byPostalCode.get(cp);
          if (list) list.push(c);
          else this.byPostalCode.set(cp, [c]);
        }
      }
    }
    return this.byPostalCode.get(postalCode) ?? [];
  }
}

let cached: CommuneReference | undefined;

/**
 * Loaded once per process (the communes when first needed): the national file is 8 MB of JSON. Read rather than require()d, so
 * that the raw array is not kept in the module cache next to the indexed copy.
 */
export function communeReference(): CommuneReference {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const read = <T>(name: string) => JSON.parse(readFileSync(require.resolve(`@etalab/decoupage-administratif/data/${name}.json`), 'utf8')) as T;
    cached = new CommuneReference({ departements: read<Departement[]>('departements'), regions: read<Region[]>('regions') }, () => read<RawCommune[]>('communes'));
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

/** A postal code that lost its leading zero ("1400" → "01400"): same cause, same repair. */
export function repairPostalCode(code: string): { code: string; repaired: boolean } {
  const c = code.trim();
  return /^\d{4}$/.test(c) ? { code: `0${c}`, repaired: true } : { code: c, repaired: false };
}

/** Same repair for département codes ("1" → "01"). */
export function normalizeDepartement(code: string): string {
  const c = code.trim().toUpperCase();
  return /^\d$/.test(c) ? `0${c}` : c;
}
