import { normalizeDepartement, normalizeInsee, repairInsee } from './cog.js';
import { cell, matchColumns, normalizeHeader, totalCell, type ColumnSpec } from './columns.js';

/**
 * The Répertoire national des élus (RNE) as data.gouv.fr publishes it. The format changes almost
 * every year: the current export is `;`-separated UTF-8 with full INSEE codes; the 2020 one was a
 * tab-separated ISO-8859-1 file whose first line is a report title, with the commune code split
 * from the département code. Both are recognised from their header, not from a version number.
 */
export const RNE_COLUMNS: ColumnSpec[] = [
  { field: 'departement', label: 'Code du département', required: true, aliases: ['code du departement*', 'code departement*'] },
  {
    field: 'commune',
    label: 'Code de la commune',
    required: true,
    aliases: ['code de la commune', 'code insee de la commune', 'code commune', 'code insee commune', 'code insee'],
  },
  { field: 'libelle', label: 'Libellé de la commune', required: false, aliases: ['libelle de la commune', 'libelle commune'] },
  { field: 'nom', label: "Nom de l'élu", required: true, aliases: ['nom de l elu', 'nom'] },
  { field: 'prenom', label: "Prénom de l'élu", required: true, aliases: ['prenom de l elu', 'prenom'] },
  { field: 'sexe', label: 'Code sexe', required: true, aliases: ['code sexe', 'sexe'] },
  // « Libellé de fonction » in the 2014–2019 files of all municipal councillors.
  { field: 'fonction', label: 'Libellé de la fonction', required: false, aliases: ['libelle de la fonction', 'libelle de fonction', 'fonction'] },
];

export function isRneHeader(cells: string[]): boolean {
  const names = cells.map(normalizeHeader);
  return names.some((n) => n.startsWith('nom de l elu')) && names.some((n) => n === 'code sexe');
}

/** Electoral codes some RNE years use for overseas départements. */
const OVERSEAS_ELECTORAL: Record<string, string> = { ZA: '971', ZB: '972', ZC: '973', ZD: '974', ZS: '975', ZM: '976' };

/**
 * The full INSEE code from the RNE columns: either a full code (possibly missing its leading
 * zero) or, as in 2020, the département code plus the commune's own number.
 */
export function rneInseeCode(departement: string, commune: string): string {
  const raw = commune.trim().toUpperCase();
  if (raw.length >= 4) return normalizeInsee(raw);
  const dep = OVERSEAS_ELECTORAL[departement.trim().toUpperCase()] ?? normalizeDepartement(departement);
  if (!raw) return '';
  return dep.length === 3 ? dep + raw.padStart(2, '0').slice(-2) : dep + raw.padStart(3, '0');
}

export interface MayorRecord {
  line: number;
  insee: string;
  departement: string;
  libelle: string;
  nom: string;
  prenom: string;
  sexe: string;
  fonction: string;
  /** Repairs made while reading (French, for a warning naming the line). */
  reparations: string[];
  /** The cell that makes this row a spreadsheet's « Total » row (no commune code, « Total … » written): as written. */
  total?: string;
  /** With `total`: what its commune code cell holds (a count, « 3 »), as written. */
  totalCode?: string;
}


export function rneColumns(header: string[], overrides: Record<string, string> = {}) {
  return matchColumns(header, RNE_COLUMNS, overrides);
}

/**
 * @param known is this a code of the reference? A « Total » row's count under « Code de la
 * commune » (« Total;;;;3 ») would otherwise make a 2020-style commune number (« TOTAL003 »).
 */
export function toMayor(values: string[], line: number, indexes: Map<string, number>, known?: (code: string) => boolean): MayorRecord {
  const departement = cell(values, indexes, 'departement');
  const commune = cell(values, indexes, 'commune');
  // A full code that lost its leading zero is a spreadsheet's doing; the 2020 split code is the format.
  const repaired = commune.trim().length >= 4 && repairInsee(commune).repaired;
  const insee = rneInseeCode(departement, commune);
  // The code as composed, not the cell: « 3 » beside a département « Total » is no commune's number.
  const total = totalCell(values, insee, known);
  return {
    line,
    departement,
    insee,
    reparations: repaired ? [`code INSEE ${commune.trim()} complété en ${insee} (zéro initial perdu)`] : [],
    libelle: cell(values, indexes, 'libelle'),
    nom: cell(values, indexes, 'nom'),
    prenom: cell(values, indexes, 'prenom'),
    // As written: a message quotes what the agent will search for in the file (« Mme »).
    sexe: cell(values, indexes, 'sexe').trim(),
    fonction: cell(values, indexes, 'fonction'),
    ...(total === undefined ? {} : { total, totalCode: commune }),
  };
}
