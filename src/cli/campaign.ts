import { readyCampaign, type CheckOptions, type ReadyCampaign } from '../campaign/check.js';

/**
 * How the commands check a campaign: with the letters' own reading of its fonts, logo and
 * signatures, so that a bad image is reported by `check` and stops every producing command.
 * The check itself knows nothing of letters; the CLI joins them here.
 */
export function checkOptions(departements: string[] = []): CheckOptions {
  return {
    departements,
    // Loaded when a campaign is checked, not when relais starts (fonts, pdfkit's image reader).
    assets: async (campaign) => (await import('../letters/assets.js')).loadAssets(campaign),
  };
}

/** The checked campaign and its plan, or the error that says why nothing can be produced. */
export function ready(dir: string, departements: string[] = []): Promise<ReadyCampaign> {
  return readyCampaign(dir, checkOptions(departements));
}
