import { createRequire } from 'node:module';

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
