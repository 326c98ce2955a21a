/**
 * Fictional volunteer sign-ups for the sample campaign: about 2,200 people in Centre-Val de Loire
 * (and a few from elsewhere) between 26 March and 10 April 2020, as two daily exports of the
 * platform that overlap (each export holds everything since the start). Deterministic.
 */
import type { Commune } from '../../src/data/cog.js';
import { prng } from './people.js';

const PROFESSIONS: Array<[string, string, number]> = [
  ['Infirmier', 'soignant', 30],
  ['Aide-soignant', 'soignant', 22],
  ['Médecin', 'soignant', 8],
  ['Masseur-kinésithérapeute', 'soignant', 5],
  ['Sage-femme', 'soignant', 2],
  ['Pharmacien', 'soignant', 2],
  ['Psychologue', 'soignant', 3],
  ['Étudiant en soins infirmiers', 'étudiant', 10],
  ['Étudiant en médecine', 'étudiant', 4],
  ['Secrétaire médical', 'administratif', 6],
  ['Agent administratif', 'administratif', 3],
  ['Agent de service hospitalier', 'technique', 4],
  ['Technicien de laboratoire', 'technique', 1],
];
const WEIGHTS: Record<string, number> = { '18': 12, '28': 17, '36': 8, '37': 24, '41': 13, '45': 26 };
const ELSEWHERE = ['75001', '92100', '72000', '86000', '89000'];

export const SIGNUP_HEADER = ['id', 'date_inscription', 'departement', 'code_postal', 'metier', 'categorie', 'statut'];

function weighted<T>(rand: () => number, items: Array<[T, number]>): T {
  const total = items.reduce((n, [, w]) => n + w, 0);
  let x = rand() * total;
  for (const [item, w] of items) if ((x -= w) < 0) return item;
  return items[items.length - 1]![0];
}

export function generateSignups(communesByDep: Map<string, Commune[]>, seed = 26_03_2020): { early: string[][]; latest: string[][] } {
  const rand = prng(seed);
  const start = Date.UTC(2020, 2, 26);
  const days = 16;
  const rows: Array<{ row: string[]; day: number }> = [];
  for (let i = 0; i < 2200; i++) {
    // Many sign-ups at the launch, fewer each day after.
    const day = Math.min(days - 1, Math.floor(-Math.log(1 - rand() * 0.97) * 5));
    const time = new Date(start + day * 86_400_000 + Math.floor(rand() * 14 * 3_600_000) + 7 * 3_600_000);
    const outside = rand() < 0.012;
    const dep = outside ? '' : weighted(rand, Object.entries(WEIGHTS));
    const commune = outside ? undefined : communesByDep.get(dep)![Math.floor(rand() * communesByDep.get(dep)!.length)]!;
    const cp = outside ? ELSEWHERE[Math.floor(rand() * ELSEWHERE.length)]! : commune!.codesPostaux[0]!;
    const [metier, categorie] = weighted(rand, PROFESSIONS.map(([m, c, w]) => [[m, c] as const, w]));
    // One in ten exports leaves the département empty: it is found from the postal code.
    const depColumn = outside || rand() < 0.1 ? '' : dep;
    const statut = rand() < 0.01 ? 'désinscrit' : 'inscrit';
    rows.push({ row: [`V${String(100000 + i)}`, time.toISOString().slice(0, 16).replace('T', ' '), depColumn, cp, metier, categorie, statut], day });
  }
  rows.sort((a, b) => a.row[1]!.localeCompare(b.row[1]!));
  // The export of 8 April holds the sign-ups up to then; a few volunteers changed their
  // département or withdrew before the export of 10 April.
  const early = rows.filter((r) => r.day <= 13).map((r) => [...r.row]);
  for (const r of early) {
    if (rand() < 0.004 && r[2]) r[2] = r[2] === '45' ? '37' : '45';
  }
  return { early, latest: rows.map((r) => r.row) };
}
