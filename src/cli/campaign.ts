import { readFileSync } from 'node:fs';
import { readyCampaign, type CheckOptions, type ReadyCampaign } from '../campaign/check.js';

/**
 * How the commands check a campaign: with the letters' own reading of its fonts, logo and
 * signatures, so that a bad image is reported by `check` and stops every producing command.
 * The check itself knows nothing of letters; the CLI joins them here.
 */
export function checkOptions(departements: string[] = []): CheckOptions {
  return {
    departements,
    // Loaded when a campaign is checked, not when relais starts. The campaign's own fonts are
    // opened with the font engine, as the letters will open them; the shipped ones are relais's own
    // files, known good: only their bytes are read (their character map), not fontkit (0.1 s).
    assets: async (campaign) => {
      if (campaign.config.polices) return { fonts: (await (await import('../letters/assets.js')).loadAssets(campaign)).fonts };
      const [{ readCampaignImages }, { shippedFontPath }] = await Promise.all([import('../letters/images.js'), import('../letters/font-files.js')]);
      await readCampaignImages(campaign);
      return { fonts: { regular: readFileSync(shippedFontPath('regular')), bold: readFileSync(shippedFontPath('bold')) } };
    },
  };
}

/** The checked campaign and its plan, or the error that says why nothing can be produced. */
export function ready(dir: string, departements: string[] = []): Promise<ReadyCampaign> {
  return readyCampaign(dir, checkOptions(departements));
}
