import type { Campaign } from '../campaign/load.js';
import type { Figures as TemplateFigures } from '../campaign/context.js';
import type { CommuneReference } from '../data/cog.js';
import { aggregate, dayOf, type Figures } from './aggregate.js';
import { readSignups, type SignupResult, type SignupSource } from './signups.js';

/** The campaign's sign-up sources from campagne.yaml, in the order they were exported. */
export function signupSource(campaign: Campaign): SignupSource | undefined {
  const s = campaign.config.sources.inscriptions;
  if (s === undefined) return undefined;
  if (typeof s === 'string') return { fichiers: [s], colonnes: {} };
  if (Array.isArray(s)) return { fichiers: s, colonnes: {} };
  return { fichiers: typeof s.fichiers === 'string' ? [s.fichiers] : s.fichiers, colonnes: s.colonnes ?? {} };
}

export interface Tracked {
  figures: Figures;
  read: SignupResult;
}

/**
 * Today's date in the French time zone furthest ahead (Wallis-et-Futuna, UTC+12): a sign-up made
 * this morning overseas is not "in the future" for a server in Paris.
 */
export function latestFrenchDay(now: Date): number {
  return dayOf(new Date(now.getTime() + 12 * 3_600_000).toISOString());
}

export async function track(campaign: Campaign, ref: CommuneReference, options: { files?: string[]; from?: string; to?: string; now?: Date } = {}): Promise<Tracked | undefined> {
  const source = signupSource(campaign) ?? (options.files?.length ? { fichiers: options.files, colonnes: {} } : undefined);
  if (!source) return undefined;
  // The clock is read here, at the edge, when the caller did not give it.
  const today = latestFrenchDay(options.now ?? new Date());
  const { from, to } = options;
  const period = { ...(from ? { from: dayOf(from) } : {}), ...(to ? { to: dayOf(to) } : {}) };
  const read = await readSignups(campaign, source, ref, options.files?.length ? options.files : source.fichiers, today, period);
  const names = new Map([...ref.departements.values()].map((d) => [d.code, d.nom]));
  const deps = campaign.region ? ref.departementsOf(campaign.region.code).map((d) => d.code) : campaign.departements.map((d) => d.code);
  return { figures: aggregate(read.records, names, { period, departements: deps }), read };
}

/** What templates see as `volontaires`: the région total, each département's, and the date. */
export function templateFigures(figures: Figures, fallbackDate: string): TemplateFigures {
  return {
    region: figures.total,
    departement: Object.fromEntries(figures.departements.map((d) => [d.code, d.total])),
    date: figures.date ?? fallbackDate,
  };
}
