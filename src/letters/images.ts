import { readFile } from 'node:fs/promises';
import { RelaisError, systemReason } from '../errors.js';
import { checkImage, imageKind, ImageProblem } from './image-check.js';
import { campaignPath, type Campaign } from '../campaign/load.js';

/**
 * The campaign's images (logo, signatures), read and decoded as the letters will print them.
 * Apart from the fonts (assets.ts): `relais check` reads these without loading the font engine.
 */
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

export async function readCampaignImages(campaign: Campaign): Promise<{ logo: Buffer | undefined; signatures: { ars: Buffer | undefined; prefets: Map<string, Buffer | undefined> } }> {
  const c = campaign.config;
  const logo = c.logo ? await readImage(campaign, c.logo, 'logo') : undefined;
  const ars = c.ars.signataire.signature ? await readImage(campaign, c.ars.signataire.signature, 'ars.signataire.signature') : undefined;
  const prefets = new Map<string, Buffer | undefined>();
  for (const d of campaign.departements) {
    prefets.set(d.code, d.prefet.signature ? await readImage(campaign, d.prefet.signature, `departements.${d.code}.prefet.signature`) : undefined);
  }
  return { logo, signatures: { ars, prefets } };
}
