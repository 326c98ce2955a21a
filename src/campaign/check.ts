import { communeReference } from '../data/cog.js';
import { ProblemList, type Problem } from '../problems.js';
import { loadCampaign, type Campaign } from './load.js';
import { buildRecipients, type Recipient } from './recipients.js';

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
  errors: Problem[];
  warnings: Problem[];
}

export interface CheckResult {
  report: CheckReport;
  campaign: Campaign | undefined;
  recipients: Recipient[];
}

export async function checkCampaign(dir: string, options: { departements?: string[] } = {}): Promise<CheckResult> {
  const { campaign, problems } = await loadCampaign(dir);
  let recipients: Recipient[] = [];
  let outside = 0;
  if (campaign) {
    const unknown = (options.departements ?? []).filter((d) => !campaign.departements.some((c) => c.code === d));
    for (const d of unknown) problems.error('option', `le département ${d} ne fait pas partie de la campagne`, { field: '--dep' }, 'file');
    const joined = await buildRecipients(campaign, communeReference(), problems, options.departements);
    recipients = joined.recipients;
    outside = joined.outside;
  }
  return { report: summarize(dir, campaign, recipients, outside, problems), campaign, recipients };
}

function summarize(dir: string, campaign: Campaign | undefined, recipients: Recipient[], outside: number, problems: ProblemList): CheckReport {
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
    (a.scope === b.scope ? 0 : a.scope === 'file' ? -1 : 1) || (a.file ?? '~').localeCompare(b.file ?? '~') || (a.line ?? 0) - (b.line ?? 0);
  const errors = problems.errors.sort(order);
  return {
    ok: errors.length === 0,
    campagne: dir,
    titre: campaign?.config.campagne.titre,
    recipients: recipients.length,
    departements: [...byDep.values()],
    horsCampagne: outside,
    errors,
    warnings: problems.warnings.sort(order),
  };
}
