import { createRequire } from 'node:module';
import { campaignPath, type Campaign } from '../campaign/load.js';

/**
 * Where the fonts relais ships are (Source Sans 3, from npm): apart from fonts.ts, which opens
 * them with the font engine, so that `relais check` can read their character map without it.
 */
const SHIPPED = {
  regular: '@expo-google-fonts/source-sans-3/400Regular/SourceSans3_400Regular.ttf',
  bold: '@expo-google-fonts/source-sans-3/700Bold/SourceSans3_700Bold.ttf',
  italic: '@expo-google-fonts/source-sans-3/400Regular_Italic/SourceSans3_400Regular_Italic.ttf',
};

const require = createRequire(import.meta.url);

export function shippedFontPath(style: keyof typeof SHIPPED): string {
  return require.resolve(SHIPPED[style]);
}

export type FontStyle = keyof typeof SHIPPED;

/** The campaign's own font files (paths, and their names as written in campagne.yaml), if any. */
export interface FontChoice {
  regular?: string;
  bold?: string;
  italic?: string;
  shown?: Partial<Record<FontStyle, string>>;
}

/** The campaign's own fonts (`polices:`), else none: relais's own. */
export function campaignFontChoice(campaign: Campaign): FontChoice {
  const p = campaign.config.polices;
  if (!p) return {};
  return {
    regular: campaignPath(campaign, p.normale),
    ...(p.grasse ? { bold: campaignPath(campaign, p.grasse) } : {}),
    ...(p.italique ? { italic: campaignPath(campaign, p.italique) } : {}),
    shown: { regular: p.normale, ...(p.grasse ? { bold: p.grasse } : {}), ...(p.italique ? { italic: p.italique } : {}) },
  };
}

/**
 * Which file each style is drawn from, and its name for the report and the letters' manifest:
 * bold and italic default to the campaign's regular font, and all three to relais's own. Decided
 * without opening the files, so that a command whose letters are all up to date does not load the
 * font engine (fontkit and its dictionaries: a tenth of a second) only to name them.
 */
export function fontSources(custom: FontChoice = {}): Record<FontStyle, { path: string; shown: string }> {
  const pick = (style: FontStyle) => {
    const path = custom[style] ?? custom.regular ?? shippedFontPath(style);
    const shown = custom.shown?.[style] ?? ((custom[style] ?? custom.regular) ? path : `Source Sans 3 (${style})`);
    return { path, shown };
  };
  return { regular: pick('regular'), bold: pick('bold'), italic: pick('italic') };
}

/** The fonts as a letter's content key names them (what the user gave, or the shipped ones). */
export function fontNames(sources: ReturnType<typeof fontSources>): Record<FontStyle, string> {
  return { regular: sources.regular.shown, bold: sources.bold.shown, italic: sources.italic.shown };
}
