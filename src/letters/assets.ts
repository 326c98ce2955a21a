import type { Campaign } from '../campaign/load.js';
import { campaignFontChoice } from './font-files.js';
import { loadFonts, type FontFiles } from './fonts.js';
import { readCampaignImages } from './images.js';

export { readImage } from './images.js';

/**
 * The campaign's files that go into every letter: fonts, logo, signature images. Each is read
 * and checked once, before the first letter is written.
 */
export interface LetterAssets {
  fonts: FontFiles;
  logo: Buffer | undefined;
  signatures: { ars: Buffer | undefined; prefets: Map<string, Buffer | undefined> };
}

/** The campaign's own fonts (`polices:`), else the free ones relais ships. */
export function campaignFonts(campaign: Campaign): FontFiles {
  return loadFonts(campaignFontChoice(campaign));
}

export async function loadAssets(campaign: Campaign): Promise<LetterAssets> {
  const fonts = campaignFonts(campaign);
  const { logo, signatures } = await readCampaignImages(campaign);
  return { fonts, logo, signatures };
}
