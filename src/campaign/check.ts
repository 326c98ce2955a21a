import { communeReference } from '../data/cog.js';
import { RelaisError, UsageError } from '../errors.js';
import { templateFigures, track } from '../tracker/figures.js';
import { ProblemList, problemCount, type Problem } from '../problems.js';
import { countOf } from '../text/format.js';
import { CAMPAIGN_FILE, loadCampaign, type Campaign } from './load.js';
import { buildRecipients, type Recipient } from './recipients.js';
import type { FileAccount } from './accounting.js';
import { figuresFromConfig, type Figures } from './context.js';
import type { TemplateSet } from '../text/templates.js';
import { loadTemplates } from './messages.js';
import { planCampaign, type Plan } from './plan.js';
import { campaignVideo } from '../media/facts.js';
import { checkDrawable, type LetterFontBytes } from './drawable.js';
import { checkPublicationDates, checkPublicationTexts } from './publications.js';

/**
 * `relais check` as a use case: load, join, validate; return everything found, act on nothing.
 * Later stages (templates, channels) add their own checks to the same list.
 */
export interface DepartementSummary {
  code: string;
  nom: string;
  communes: number;
  maires: number;
  parCourriel: number;
  parCourrier: number;
}

export interface CheckReport {
  ok: boolean;
  campagne: string;
  titre: string | undefined;
  recipients: number;
  departements: DepartementSummary[];
  /** Rows of communes outside the campaign, skipped on purpose (`hors_campagne: ignorer`). */
  horsCampagne: number;
  /** Every data file: rows read, used, set aside (by reason) and rejected. */
  fichiers: FileAccount[];
  errors: Problem[];
  warnings: Problem[];
  /**
   * How many errors and warnings there are: past a thousand of a kind in a file, `errors` and
   * `warnings` end with a summary line (`more`) standing for the rest, so their length undercounts.
   */
  totals: { errors: number; warnings: number };
}

export interface CheckResult {
  report: CheckReport;
  campaign: Campaign | undefined;
  recipients: Recipient[];
  templates: TemplateSet | undefined;
  figures: Figures | undefined;
  /** Every text rendered, every path decided; undefined when some text cannot be rendered. */
  plan: Plan | undefined;
}

export interface CheckOptions {
  departements?: string[];
  /**
   * Reads the campaign's fonts, logo and signatures as the letters will, so that a bad file shows
   * now. Handed in by the caller: the check knows nothing of how letters are drawn.
   */
  assets?: (campaign: Campaign) => Promise<{ fonts?: LetterFontBytes | undefined } | undefined>;
}

export async function checkCampaign(dir: string, options: CheckOptions = {}): Promise<CheckResult> {
  const { campaign, problems } = await loadCampaign(dir);
  let recipients: Recipient[] = [];
  let outside = 0;
  let fichiers: FileAccount[] = [];
  let templates: TemplateSet | undefined;
  let figures: Figures | undefined;
  let plan: Plan | undefined;
  if (campaign) {
    // A mistyped option, not an error of the campaign: « relais check » without it would not show it.
    const unknown = (options.departements ?? []).filter((d) => !campaign.departements.some((c) => c.code === d));
    if (unknown.length > 0) throw unknownDepartements(unknown, campaign);
    const joined = await buildRecipients(campaign, communeReference(), problems, options.departements);
    recipients = joined.recipients;
    outside = joined.outside;
    fichiers = joined.fichiers;
    // Fonts, logo and signatures are read as the letters will read them: a bad file shows now.
    let letterFonts: LetterFontBytes | undefined;
    try {
      letterFonts = (await options.assets?.(campaign))?.fonts;
    } catch (err) {
      if (!(err instanceof RelaisError)) throw err;
      problems.error('fichier-illisible', err.message, err.location, 'file');
    }
    templates = await loadTemplates(campaign, problems);
    figures = figuresFromConfig(campaign);
    // The figure of the letter comes from the sign-ups when the campaign has them.
    // As of the letters' date: « à ce jour » counts no sign-up made after it.
    const tracked = await track(campaign, communeReference(), { asOf: campaign.config.campagne.date });
    if (tracked) {
      for (const p of tracked.read.problems.items) problems.add(p);
      fichiers.push(...(tracked.read.fichiers ?? []));
      figures = templateFigures(tracked.figures, campaign.config.campagne.date);
      // Before every letter says « pas moins de 0 volontaire » (a wrong file, a wrong région).
      // (Nobody by the letters' date but some after it: said by track, with that date.)
      if (tracked.figures.total === 0 && !tracked.read.problems.items.some((p) => p.kind === 'volontaires-zero')) {
        const signups = fichiers.filter((f) => f.source === 'inscriptions');
        const said = `inscriptions : aucun volontaire compté dans la région (${signups.map((f) => `${f.fichier} : ${f.lus} ${f.lus > 1 ? 'lignes lues' : 'ligne lue'}`).join(', ') || 'aucun fichier lu'})`;
        // Rows read and not one of the région: the wrong files (another région's, the sample's), and
        // every letter would say « pas moins de 0 volontaire ». No row at all: a campaign just open.
        if (signups.some((f) => f.lus > 0)) problems.error('volontaires-zero', `${said} : ce ne sont sans doute pas les exports de cette région ; donnez les bons fichiers sous sources.inscriptions de campagne.yaml, ou retirez-les et écrivez le nombre (campagne.volontaires)`, { file: CAMPAIGN_FILE, field: 'sources.inscriptions' }, 'file');
        else problems.warning('volontaires-zero', `${said} : les lettres et les messages qui citent ce nombre diront 0 ; vérifiez les fichiers d'inscriptions et la région de campagne.yaml`, { file: CAMPAIGN_FILE, field: 'sources.inscriptions' });
      }
    }
    if (templates) {
      // Every text of every recipient, rendered once: what the producing commands then read.
      const planned = planCampaign({ campaign, recipients, templates, figures, video: campaignVideo(campaign) });
      for (const p of planned.problems) problems.add(p);
      plan = planned.plan;
      // A character the letters' fonts cannot draw stops `letters`: said now, with where it is.
      if (plan && letterFonts) checkDrawable(plan, letterFonts, problems, templates.fileOf('lettre'));
      if (plan) checkPublicationTexts(campaign, plan, problems);
    }
    checkPublicationDates(campaign, problems, new Date());
    // The media, by content, against each network a publication puts them on.
    const { checkCampaignMedia } = await import('../media/declared.js');
    await checkCampaignMedia(campaign, problems);
  }
  return { report: summarize(dir, campaign, recipients, outside, fichiers, problems), campaign, recipients, templates, figures, plan };
}

/** `--dep` naming départements the campaign has not: a usage error that lists those it has. */
export function unknownDepartements(codes: string[], campaign: Campaign): UsageError {
  const has = campaign.departements.map((d) => `${d.code} (${d.nom})`).join(', ');
  return new UsageError(`--dep ${codes.join(', ')} : ${codes.length > 1 ? 'ces départements ne font' : 'ce département ne fait'} pas partie de la campagne, qui a : ${has}`);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function summarize(dir: string, campaign: Campaign | undefined, recipients: Recipient[], outside: number, fichiers: FileAccount[], problems: ProblemList): CheckReport {
  const byDep = new Map<string, DepartementSummary>();
  for (const r of recipients) {
    const s = byDep.get(r.departement.code) ?? { code: r.departement.code, nom: r.departement.nom, communes: 0, maires: 0, parCourriel: 0, parCourrier: 0 };
    s.communes++;
    if (r.maire) s.maires++;
    if (r.contact?.courriel) s.parCourriel++;
    else s.parCourrier++;
    byDep.set(s.code, s);
  }
  // File-level problems first, then rows in file order: the order people fix things in.
  const order = (a: Problem, b: Problem) =>
    (a.scope === b.scope ? 0 : a.scope === 'file' ? -1 : 1) || compare(a.file ?? '~', b.file ?? '~') || (a.line ?? 0) - (b.line ?? 0);
  const errors = problems.errors.sort(order);
  const warnings = problems.warnings.sort(order);
  return {
    ok: errors.length === 0,
    campagne: dir,
    titre: campaign?.config.campagne.titre,
    recipients: recipients.length,
    departements: [...byDep.values()],
    horsCampagne: outside,
    fichiers,
    errors,
    warnings,
    totals: { errors: problemCount(errors), warnings: problemCount(warnings) },
  };
}

export interface ReadyCampaign {
  campaign: Campaign;
  recipients: Recipient[];
  templates: TemplateSet;
  figures: Figures | undefined;
  plan: Plan;
  report: CheckReport;
}

/**
 * What every producing command starts with: the whole check. Nothing is generated or sent from
 * a campaign with errors; the user is pointed at `relais check` for the full list.
 */
export async function readyCampaign(dir: string, options: CheckOptions = {}): Promise<ReadyCampaign> {
  const result = await checkCampaign(dir, options);
  const { report, campaign, templates, plan } = result;
  if (!report.ok || !campaign || !templates || !plan) {
    const first = report.errors[0];
    throw new RelaisError(
      `la campagne contient ${countOf(report.totals.errors, 'erreur')} : rien n'a été produit (« relais check » les détaille)`,
      first ? { ...(first.file ? { file: first.file } : {}), ...(first.line === undefined ? {} : { line: first.line }) } : {},
      { details: { errors: report.errors } },
    );
  }
  return { campaign, recipients: result.recipients, templates, figures: result.figures, plan, report };
}
