import { readFile } from 'node:fs/promises';
import { RelaisError } from '../errors.js';
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
  } catch {
    throw new RelaisError(`image introuvable : ${path}`, { file: 'campagne.yaml', field });
  }
  const png = data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff;
  if (!png && !jpeg) throw new RelaisError(`${path} n'est pas une image PNG ou JPEG`, { file: 'campagne.yaml', field });
  return data;
}

export async function loadAssets(campaign: Campaign): Promise<LetterAssets> {
  const c = campaign.config;
  const p = c.polices;
  const fonts = p
    ? loadFonts({
        regular: campaignPath(campaign, p.normale),
        ...(p.grasse ? { bold: campaignPath(campaign, p.grasse) } : {}),
        ...(p.italique ? { italic: campaignPath(campaign, p.italique) } : {}),
        shown: { regular: p.normale, ...(p.grasse ? { bold: p.grasse } : {}), ...(p.italique ? { italic: p.italique } : {}) },
      })
    : loadFonts();
  const logo = c.logo ? await readImage(campaign, c.logo, 'logo') : undefined;
  const ars = c.ars.signataire.signature ? await readImage(campaign, c.ars.signataire.signature, 'ars.signataire.signature') : undefined;
  const prefets = new Map<string, Buffer | undefined>();
  for (const d of campaign.departements) {
    prefets.set(d.code, d.prefet.signature ? await readImage(campaign, d.prefet.signature, `departements.${d.code}.prefet.signature`) : undefined);
  }
  return { fonts, logo, signatures: { ars, prefets } };
}
