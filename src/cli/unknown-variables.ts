import { distance } from 'fastest-levenshtein';
import { knownVariables } from '../settings.js';

/** Variables of relais's own tests, benchmarks and documentation tools. */
const DEVELOPMENT = /^RELAIS_(TEST|FUZZ|DOCS|BENCH)_/;

/**
 * « RELAIS_SMTP_PASWORD » would leave the password unset without a word: every RELAIS_* variable
 * relais does not read is named, with the nearest one it knows. Loaded when a command acts, not
 * for --version.
 */
export function unknownVariables(env: Record<string, string | undefined>): string[] {
  const known = knownVariables();
  const out: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('RELAIS_') || DEVELOPMENT.test(name) || known.includes(name)) continue;
    const near = known.map((k) => ({ k, d: distance(name, k) })).sort((a, b) => a.d - b.d)[0];
    out.push(`${name} n'est pas une variable de relais : elle est sans effet${near && near.d <= 3 ? ` (vouliez-vous dire ${near.k} ?)` : ''}`);
  }
  return out;
}
