import { communesSource } from './cog.js';

/**
 * The year of the reference relais reads (communes as on 1 January of it), as the package's
 * README gives it for each version (its table of « millésimes »). The package is pinned in
 * package.json; tests/cog.test.ts fails when its version is not in this table.
 */
export const COG_YEARS: Record<string, number> = { '6.0.0': 2026 };

let year: { value: number | undefined } | undefined;

/** The year of the installed reference, if known (read once: messages name it for every unknown code). */
export function cogYear(): number | undefined {
  year ??= { value: COG_YEARS[communesSource().source.version] };
  return year.value;
}
