import { readFile } from 'node:fs/promises';
import { RelaisError, systemReason } from '../errors.js';
import { checkImage, imageKind, ImageProblem } from './image-check.js';
import { campaignPath, type Campaign } from '../campaign/load.js';
import { loadFonts, type FontFiles } from './fonts.js';

/**
 * The campaign's files that go into every letter: fonts, logo, signature images. Each is read
 * and checked once, before the first letter is written.
 */
export interface LetterAssets {
  fonts: FontFiles;
  logo: Buffer | undefined;
  signatures: { ars: Buffer | undefined; prefets: Map<string, Buffer | undefined> };
}

export async function readImage(campaign: Campaign, path: string, field: string): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(campaignPath(campaign, path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RelaisError(`image introuvable : ${path}`, { file: 'campagne.yaml', field });
    throw new RelaisError(`image illisible : ${path} (${systemReason(err) ?? code})`, { file: 'campagne.yaml', field }, { cause: err });
  }
  // Decoded now, as the letters will decode it: a cut or damaged image is a problem for `check`.
  try {
    checkImage(data);
  } catch (err) {
    if (!(err instanceof ImageProblem)) throw err;
    const what = imageKind(data) ? `${path} : ${err.message}` : `${path} n'est pas une image PNG ou JPEG`;
    throw new RelaisError(what, { file: 'campagne.yaml', field });
  }
  return data;
}

/** The campaign's own fonts (`polices:`), else the free ones relais ships. */
export function campaignFonts(campaign: Campaign): FontFiles {
  const p = campaign.config.polices;
  return p
    ? loadFonts({
        regular: campaignPath(campaign, p.normale),
        ...(p.grasse ? { bold: campaignPath(campaign, p.grasse) } : {}),
        ...(p.italique ? { italic: campaignPath(campaign, p.italique) } : {}),
        shown: { regular: p.normale, ...(p.grasse ? { bold: p.grasse } : {}), ...(p.italique ? { italic: p.italique } : {}) },
      })
    : loadFonts();
}

export async function loadAssets(campaign: Campaign): Promise<LetterAssets> {
  const c = campaign.config;
  const fonts = campaignFonts(campaign);
  const logo = c.logo ? await readImage(campaign, c.logo, 'logo') : undefined;
  const ars = c.ars.signataire.signature ? await readImage(campaign, c.ars.signataire.signature, 'ars.signataire.signature') : undefined;
  const prefets = new Map<string, Buffer | undefined>();
  for (const d of campaign.departements) {
    prefets.set(d.code, d.prefet.signature ? await readImage(campaign, d.prefet.signature, `departements.${d.code}.prefet.signature`) : undefined);
  }
  return { fonts, logo, signatures: { ars, prefets } };
}
