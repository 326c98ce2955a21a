import { normalizeDepartement } from '../data/cog.js';
import type { ProblemList } from '../problems.js';

/**
 * The publications of campagne.yaml as loaded: each `departement:` written as in the files
 * (« 1 », « 2a ») and one of the campaign's, and the lines of their fields, kept as numbers for
 * the checks made after loading (publications.ts) to name.
 */
export function publicationLines(
  publications: Array<{ departement?: string | undefined }>,
  departements: Array<{ code: string }>,
  lineAt: (path: PropertyKey[]) => number | undefined,
  problems: ProblemList,
  file: string,
): Map<string, number> {
  const lines = new Map<string, number>();
  for (const [i, p] of publications.entries()) {
    for (const key of Object.keys(p)) {
      const line = lineAt(['publications', i, key]);
      if (line !== undefined) lines.set(`publications.${i}.${key}`, line);
    }
    if (p.departement === undefined) continue;
    p.departement = normalizeDepartement(p.departement);
    if (!departements.some((d) => d.code === p.departement)) {
      const line = lines.get(`publications.${i}.departement`);
      problems.error(
        'configuration',
        `publication n° ${i + 1} : le département ${p.departement} n'est pas l'un de ceux de la campagne (${departements.map((d) => d.code).join(', ')})`,
        { file, field: `publications.${i}.departement`, ...(line === undefined ? {} : { line }) },
        'file',
      );
    }
  }
  return lines;
}
