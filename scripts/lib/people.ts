/**
 * Fictional people and town-hall contacts on the real communes, generated deterministically
 * (seeded PRNG): the same script always writes the same bytes, so the sample data can be
 * regenerated and diffed. Emails use the reserved `.example` top-level domain only.
 */
import type { Commune } from '../../src/data/cog.js';
import { slug } from '../../src/text/french.js';

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_F = ['Marie', 'Nathalie', 'Isabelle', 'Sylvie', 'Catherine', 'Martine', 'Christine', 'Françoise', 'Valérie', 'Sandrine', 'Véronique', 'Brigitte', 'Élisabeth', 'Chantal', 'Annick', 'Hélène', 'Monique', 'Agnès', 'Patricia', 'Céline', 'Maëlle', 'Noëlle'];
const FIRST_M = ['Jean', 'Philippe', 'Michel', 'Alain', 'Patrick', 'Bernard', 'Christian', 'Daniel', 'Éric', 'Pascal', 'Thierry', 'Gérard', 'Jacques', 'Dominique', 'Didier', 'Olivier', 'François', 'Joël', 'Hervé', 'Loïc', 'Jean-Pierre', 'Jean-Luc', 'Stéphane', 'Gaëtan'];
const LAST = ['MARTIN', 'BERNARD', 'THOMAS', 'PETIT', 'ROBERT', 'RICHARD', 'DURAND', 'DUBOIS', 'MOREAU', 'LAURENT', 'SIMON', 'MICHEL', 'LEFÈVRE', 'LEROY', 'ROUX', 'DAVID', 'BERTRAND', 'MOREL', 'FOURNIER', 'GIRARD', 'BONNET', 'DUPONT', 'LAMBERT', 'FONTAINE', 'ROUSSEAU', 'VINCENT', 'MULLER', 'LEFEBVRE', 'FAURE', 'ANDRÉ', 'MERCIER', 'BLANC', 'GUÉRIN', 'BOYER', 'GARNIER', 'CHEVALIER', 'FRANÇOIS', 'LEGRAND', 'GAUTHIER', 'PERRIN', 'ROBIN', 'CLÉMENT', 'MORIN', 'NICOLAS', 'HENRY', 'ROUSSEL', 'MATHIEU', 'GAUTIER', 'MASSON', 'MARCHAND', "D'AUBIGNÉ", 'LE GOFF', 'BŒUF', 'PÉRICHON'];
const PROFESSIONS: Array<[string, string]> = [
  ['10', 'Agriculteurs exploitants'],
  ['23', "Chefs d'entreprise de 10 salariés ou plus"],
  ['33', 'Cadres de la fonction publique'],
  ['43', 'Professions intermédiaires de la santé et du travail social'],
  ['54', "Employés administratifs d'entreprise"],
  ['74', 'Anciens cadres'],
  ['78', 'Anciens employés et ouvriers'],
];
const STREETS = ["1 place de l'Hôtel de Ville", '2 place de la Mairie', '1 rue de la Mairie', '3 place de l’Église', '12 rue Nationale', '5 Grande Rue', '1 place du Général de Gaulle', '4 rue de la République', 'Le Bourg'];

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
const two = (n: number) => String(n).padStart(2, '0');

export interface GeneratedRows {
  mayors: string[][];
  contacts: string[][];
}

export const RNE_HEADER = [
  'Code du département', 'Libellé du département', 'Code de la collectivité à statut particulier', 'Libellé de la collectivité à statut particulier',
  'Code de la commune', 'Libellé de la commune', "Nom de l'élu", "Prénom de l'élu", 'Code sexe', 'Date de naissance',
  'Code de la catégorie socio-professionnelle', 'Libellé de la catégorie socio-professionnelle', 'Date de début du mandat', 'Date de début de la fonction',
];

export const CONTACT_HEADER = ['code_insee_commune', 'nom', 'adresse_courriel', 'telephone', 'complement1', 'complement2', 'numero_voie', 'service_distribution', 'code_postal', 'nom_commune'];

export function generate(communes: Commune[], departementNames: Map<string, string>, chefsLieux: Set<string>, seed: number): GeneratedRows {
  const rand = prng(seed);
  const mayors: string[][] = [];
  const contacts: string[][] = [];
  let cedex = 0;
  for (const c of communes) {
    const woman = rand() < 0.22;
    const first = pick(rand, woman ? FIRST_F : FIRST_M);
    const birth = `${two(1 + Math.floor(rand() * 28))}/${two(1 + Math.floor(rand() * 12))}/${1940 + Math.floor(rand() * 45)}`;
    const [cspCode, cspLabel] = pick(rand, PROFESSIONS);
    const mandate = rand() < 0.7 ? '23/03/2014' : '28/03/2014';
    mayors.push([c.departement, departementNames.get(c.departement) ?? '', '', '', c.code, c.nom, pick(rand, LAST), first, woman ? 'F' : 'M', birth, cspCode, cspLabel, mandate, mandate]);

    const postal = c.codesPostaux[0] ?? '';
    const withEmail = rand() >= 0.08;
    const email = withEmail ? `${rand() < 0.5 ? 'mairie' : 'accueil'}@${slug(c.nom)}.example` : '';
    const phone = `02 ${two(Math.floor(rand() * 100))} ${two(Math.floor(rand() * 100))} ${two(Math.floor(rand() * 100))} ${two(Math.floor(rand() * 100))}`;
    let street = pick(rand, STREETS);
    let complement1 = c.population > 10000 ? 'Hôtel de Ville' : '';
    let distribution = c.population > 3000 && rand() < 0.3 ? `BP ${1 + Math.floor(rand() * 60)}` : '';
    let code = postal;
    let locality = c.nom;
    // The chefs-lieux receive their mail through a CEDEX, as large town halls do.
    if (chefsLieux.has(c.code)) {
      cedex++;
      street = "Place de l'Hôtel de Ville";
      complement1 = 'Hôtel de Ville';
      distribution = `CS ${40000 + cedex * 17}`;
      code = `${c.departement}0${two(20 + cedex)}`.slice(0, 5);
      locality = `${c.nom} CEDEX 1`;
    }
    contacts.push([c.code, `Mairie - ${c.nom}`, email, phone, complement1, '', street, distribution, code, locality]);
  }
  return { mayors, contacts };
}

/** CSV as data.gouv.fr writes it: `;`, fields quoted only when they must be. */
export function toCsv(header: string[], rows: string[][]): string {
  const quote = (v: string) => (/[;"\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [header, ...rows].map((r) => r.map(quote).join(';')).join('\n') + '\n';
}
