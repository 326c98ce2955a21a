/**
 * The town halls of the sample written as the DILA directory publishes them (the API's JSON
 * export: an array of records, nested fields as arrays): fictitious values on the real communes,
 * several services per commune — the mairie, often a CCAS, a police municipale in the larger
 * towns, a mairie déléguée for each former commune of a commune nouvelle — and, for the town
 * halls that receive their mail through a BP or a CEDEX, a postal address distinct from the
 * building's. The town-hall values are the flat generator's own (people.ts), so the letters are
 * the same whichever format the sample uses; the other services draw from their own PRNG.
 */
import type { Commune } from '../../src/data/cog.js';
import { slug } from '../../src/text/french.js';
import { prng } from './people.js';

type Json = Record<string, unknown>;

/** A deterministic identifier shaped like the directory's (a UUID). */
function uuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function address(type: 'Adresse' | 'Adresse postale', a: { complement1?: string; voie?: string; distribution?: string; codePostal: string; localite: string }): Json {
  return {
    type_adresse: type,
    complement1: a.complement1 ?? '',
    complement2: '',
    numero_voie: a.voie ?? '',
    service_distribution: a.distribution ?? '',
    code_postal: a.codePostal,
    nom_commune: a.localite,
    pays: 'France',
    longitude: '',
    latitude: '',
  };
}

function service(rand: () => number, type: string, code: string, nom: string, fields: Json): Json {
  return {
    id: uuid(rand),
    nom,
    pivot: [{ type_service_local: type, code_insee_commune: [code] }],
    code_insee_commune: code,
    date_modification: `2020-0${1 + Math.floor(rand() * 3)}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}T10:00:00`,
    ...fields,
  };
}

/**
 * @param contacts rows of people.ts's generator: code, nom, email, phone, complement1,
 *   complement2, street, distribution, postal code, locality.
 * @param delegated former commune codes (communes déléguées) by current commune.
 */
const OTHER_TYPES: Array<[string, string]> = [
  ['bibliotheque', 'Médiathèque'],
  ['centre_social', 'Centre social'],
  ['maison_sante', 'Maison de santé'],
  ['ecole', 'École publique'],
  ['creche', 'Crèche municipale'],
];

/**
 * @param extra other services per commune beyond the sample's (the national benchmark file adds
 *   some, so that town halls are a minority of its records, as in the real directory).
 */
export function directoryRecords(communes: Commune[], contacts: string[][], delegated: Map<string, string[]>, seed: number, extra = 0): Json[] {
  const rand = prng(seed);
  const records: Json[] = [];
  communes.forEach((c, i) => {
    const [, nom = '', email = '', phone = '', complement1 = '', , street = '', distribution = '', code = '', locality = ''] = contacts[i] ?? [];
    const postal = c.codesPostaux[0] ?? '';
    const building = address('Adresse', { complement1, voie: street, codePostal: postal, localite: c.nom });
    const distinct = distribution !== '' || code !== postal || locality !== c.nom;
    const adresse = distinct ? [building, address('Adresse postale', { complement1, voie: street, distribution, codePostal: code, localite: locality })] : [building];
    const site = `https://www.${slug(c.nom)}.example`;
    const mairie = service(rand, 'mairie', c.code, nom, {
      adresse,
      adresse_courriel: email ? [email] : [],
      telephone: [{ valeur: phone, description: '' }],
      site_internet: [{ valeur: site, description: '' }],
    });
    const others: Json[] = [];
    for (const old of delegated.get(c.code) ?? []) {
      others.push(
        service(rand, 'mairie', old, `Mairie déléguée - ${c.nom} - ${old}`, {
          adresse: [address('Adresse', { voie: '1 place de la Mairie', codePostal: postal, localite: c.nom })],
          adresse_courriel: [`deleguee-${old}@${slug(c.nom)}.example`],
          telephone: [],
          site_internet: [],
        }),
      );
    }
    if (rand() < 0.4) {
      others.push(
        service(rand, 'ccas', c.code, `Centre communal d'action sociale - ${c.nom}`, {
          adresse: [building],
          adresse_courriel: [`ccas@${slug(c.nom)}.example`],
          telephone: [{ valeur: phone, description: 'Accueil' }],
          site_internet: [],
        }),
      );
    }
    if (c.population > 3000) {
      others.push(
        service(rand, 'police_municipale', c.code, `Police municipale - ${c.nom}`, {
          adresse: [address('Adresse', { voie: '2 rue de la Mairie', codePostal: postal, localite: c.nom })],
          adresse_courriel: [`police@${slug(c.nom)}.example`],
          telephone: [],
          site_internet: [],
        }),
      );
    }
    for (let k = 0; k < extra; k++) {
      const [type, label] = OTHER_TYPES[Math.floor(rand() * OTHER_TYPES.length)]!;
      others.push(
        service(rand, type, c.code, `${label} - ${c.nom}`, {
          adresse: [address('Adresse', { voie: `${1 + k} rue des Écoles`, codePostal: postal, localite: c.nom })],
          adresse_courriel: [`${type}@${slug(c.nom)}.example`],
          telephone: [{ valeur: phone, description: '' }],
          site_internet: [],
        }),
      );
    }
    // The directory has no order to rely on: some services come before their town hall.
    if (others.length > 0 && rand() < 0.5) records.push(...others, mairie);
    else records.push(mairie, ...others);
  });
  return records;
}

/** One record per line, as a readable diff of the sample needs (and a reader must not rely on). */
export function toJsonArray(records: Json[]): string {
  return `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`;
}
