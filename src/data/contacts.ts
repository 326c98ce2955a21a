import { normalizeInsee } from './cog.js';
import { cell, matchColumns, normalizeHeader, type ColumnSpec } from './columns.js';

/**
 * Town-hall contacts: email and postal address. Not in the RNE: they come from the service-public
 * directory (column names below are its own) or from the préfecture's list, whose columns can be
 * mapped in campagne.yaml (`sources.mairies.colonnes`).
 */
export const CONTACT_COLUMNS: ColumnSpec[] = [
  { field: 'insee', label: 'code INSEE', required: true, aliases: ['code insee commune', 'code insee', 'insee', 'code commune', 'codgeo'] },
  { field: 'courriel', label: 'adresse électronique', required: true, aliases: ['adresse courriel', 'courriel', 'email', 'e mail', 'mail', 'adresse mail', 'adresse email'] },
  { field: 'complement1', label: "complément d'adresse 1", required: false, aliases: ['complement1', 'complement 1', 'complement'] },
  { field: 'complement2', label: "complément d'adresse 2", required: false, aliases: ['complement2', 'complement 2'] },
  { field: 'voie', label: 'numéro et voie', required: false, aliases: ['numero voie', 'adresse', 'voie', 'adresse ligne 1'] },
  { field: 'distribution', label: 'service de distribution', required: false, aliases: ['service distribution', 'bp', 'boite postale'] },
  { field: 'code_postal', label: 'code postal', required: false, aliases: ['code postal', 'cp'] },
  { field: 'localite', label: 'localité', required: false, aliases: ['nom commune', 'localite', 'libelle acheminement', 'ville', 'commune'] },
];

export function isContactHeader(cells: string[]): boolean {
  const names = cells.map(normalizeHeader);
  return names.some((n) => CONTACT_COLUMNS[0]!.aliases.includes(n));
}

export interface ContactRecord {
  line: number;
  insee: string;
  courriel: string;
  complement1: string;
  complement2: string;
  voie: string;
  distribution: string;
  codePostal: string;
  localite: string;
}

export function contactColumns(header: string[], overrides: Record<string, string> = {}) {
  return matchColumns(header, CONTACT_COLUMNS, overrides);
}

export function toContact(values: string[], line: number, indexes: Map<string, number>): ContactRecord {
  return {
    line,
    insee: normalizeInsee(cell(values, indexes, 'insee')),
    courriel: cell(values, indexes, 'courriel'),
    complement1: cell(values, indexes, 'complement1'),
    complement2: cell(values, indexes, 'complement2'),
    voie: cell(values, indexes, 'voie'),
    distribution: cell(values, indexes, 'distribution'),
    codePostal: cell(values, indexes, 'code_postal'),
    localite: cell(values, indexes, 'localite'),
  };
}

/**
 * Deliberately plain: one @, a local part and a dotted domain without spaces. Stricter rules
 * reject addresses that mail servers accept; the SMTP server has the last word.
 */
export function isValidEmail(email: string): boolean {
  return /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]{2,}$/u.test(email) && !email.includes('..');
}
