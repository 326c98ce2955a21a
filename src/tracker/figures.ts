import type { Campaign } from '../campaign/load.js';
import type { Figures as TemplateFigures } from '../campaign/context.js';
import type { CommuneReference } from '../data/cog.js';
import { aggregate, dayOf, type Figures } from './aggregate.js';
import { readSignups, type SignupResult, type SignupSource } from './signups.js';
import { campaignZone, METROPOLE_ZONE, regionZone } from '../data/zones.js';
import { frenchDay } from '../text/format.js';
import { ZoneDays } from './zone.js';

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
 * The latest date it is where the campaign's volunteers and its platform may be: in each of its
 * départements' zones, and in Paris (platforms write their dates on Paris's clock). A date written
 * without an offset is one of those clocks: a sign-up dated tomorrow on all of them is in the
 * future; one dated today in La Réunion, while it is still yesterday in Paris, is not.
 */
export function campaignToday(campaign: { region: { code: string } | undefined; departements: ReadonlyArray<{ regionInfo: { code: string } }> }, now: Date): number {
  const zones = new Set([METROPOLE_ZONE, campaignZone(campaign), ...campaign.departements.map((d) => regionZone(d.regionInfo.code))]);
  return Math.max(...[...zones].map((tz) => new ZoneDays(tz).dayAt(now.getTime())));
}

/** Set-aside reason of a volunteer signed up after the date the letters bear (campagne.date). */
export const AFTER_LETTER_DATE = 'inscrit après la date des lettres (campagne.date)';

/**
 * `asOf` (the letters' date, campagne.date): the figure a letter gives « à ce jour » counts the
 * volunteers signed up by that day, never more; those after it are set aside in their file's
 * account, and said by file.
 */
export async function track(campaign: Campaign, ref: CommuneReference, options: { files?: string[]; from?: string; to?: string; now?: Date; asOf?: string } = {}): Promise<Tracked | undefined> {
  const source = signupSource(campaign) ?? (options.files?.length ? { fichiers: options.files, colonnes: {} } : undefined);
  if (!source) return undefined;
  // The clock is read here, at the edge, when the caller did not give it.
  const today = campaignToday(campaign, options.now ?? new Date());
  const { from, to, asOf } = options;
  const letterDay = asOf ? dayOf(asOf) : undefined;
  const byLetter = letterDay !== undefined && (to === undefined || letterDay < dayOf(to));
  const last = byLetter ? letterDay : to ? dayOf(to) : undefined;
  const period = { ...(from ? { from: dayOf(from) } : {}), ...(last !== undefined ? { to: last } : {}), ...(byLetter ? { reason: AFTER_LETTER_DATE } : {}) };
  const read = await readSignups(campaign, source, ref, options.files?.length ? options.files : source.fichiers, today, period);
  const names = new Map([...ref.departements.values()].map((d) => [d.code, d.nom]));
  const deps = campaign.region ? ref.departementsOf(campaign.region.code).map((d) => d.code) : campaign.departements.map((d) => d.code);
  const figures = aggregate(read.records, names, { period, departements: deps });
  if (byLetter) {
    // Nobody of the région by the letters' date, some of it after it: the letters would say 0. (Rows
    // of other régions only are the wrong files: check.ts says that, not this.)
    const r = read.records;
    let later = 0;
    if (figures.total === 0) for (let i = 0; i < r.size; i++) if (r.day[i]! > letterDay && r.inRegion[i] && !r.excluded[i]) later++;
    if (later > 0) {
      read.problems.error(
        'volontaires-zero',
        `inscriptions : aucun volontaire de la région inscrit au ${frenchDay(asOf!)}, date des lettres (campagne.date) ; ${later > 1 ? `${later} inscriptions de la région sont postérieures` : 'une inscription de la région est postérieure'} : les lettres diraient « pas moins de 0 volontaire » ; datez-les du jour où leur chiffre est vrai`,
        { file: 'campagne.yaml', field: 'campagne.date' },
        'file',
      );
    }
    for (const { account, line } of read.apresPeriode) {
      const n = account.ecartes[AFTER_LETTER_DATE] ?? 0;
      const who = n > 1 ? `${n} volontaires inscrits` : 'un volontaire inscrit';
      read.problems.warning(
        'inscriptions-apres-lettre',
        `inscriptions : ${who} après le ${frenchDay(asOf!)}, date des lettres (campagne.date) : ${n > 1 ? 'ils ne sont pas comptés' : 'il n’est pas compté'} dans le nombre de volontaires que les lettres donnent « à ce jour » ; pour les compter, datez les lettres d'aujourd'hui`,
        { file: account.fichier, line },
      );
    }
  }
  return { figures, read };
}

/** What templates see as `volontaires`: the région total, each département's, and the date. */
export function templateFigures(figures: Figures, fallbackDate: string): TemplateFigures {
  return {
    region: figures.total,
    departement: Object.fromEntries(figures.departements.map((d) => [d.code, d.total])),
    date: figures.date ?? fallbackDate,
  };
}
