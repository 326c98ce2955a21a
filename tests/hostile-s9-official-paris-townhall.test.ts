import { describe, expect, it } from 'vitest';
import { campaignWith, RNE_HEADER, rneRow, PARIS_YAML } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';

/**
 * Paris's town halls, as the DILA directory types them. In the « Base de données locales »,
 * Paris's Hôtel de Ville is not a `mairie` record: its pivot's `type_service_local` is
 * `paris_mairie`, and the arrondissements' town halls are `paris_mairie_arrondissement`
 * (`mairie_com` is the overseas collectivities'). Sources:
 * - the DILA's list of local-service types with their labels, copied in public code:
 *   `'paris_mairie' => "Mairie de Paris, Hôtel de Ville"`, `'paris_mairie_arrondissement' =>
 *   "Mairie de Paris, mairie d'arrondissement"`, `'mairie_com' => "Mairie des collectivités
 *   d'outre-mer"` (find_string « paris_mairie », file id 25285036389; the same codes in the
 *   lists of ids 24766930509, 47277143267, 3950669100, 7370025806);
 * - a script reading the JSON archive itself (`2024-12-04_060019-data.gouv_local.json`) that
 *   gathers « mairies » as `["mairie", "paris_mairie", "paris_mairie_arrondissement",
 *   "mairie_com"]` (find_string id 9507350890);
 * - older readers of the XML archive, which find Paris's files as `75/paris_mairie-75056-01.xml`
 *   and `paris_mairie_arrondissement-<code>-01` (ids 44341462390, 16153220002), and an app that
 *   offers `paris_mairie`, `paris_mairie_arrondissement` in place of `mairie` for Paris
 *   (id 27361770661).
 * The records below have the data.gouv.fr file's shape (`{"service": [...]}`, real arrays, dates
 * `JJ/MM/AAAA hh:mm:ss`, `statut_de_diffusion: "true"`, as in the real « Mairie - Sandillon »
 * record kept in a data-inclusion test fixture, find_string « "type_service_local": "mairie" »,
 * file id 48805247410); the addresses are illustrative, the emails fictitious.
 *
 * relais recognises the town hall by `type_service_local === 'mairie'` only
 * (src/data/directory.ts classifyRecord / otherService / otherServicesOnly): Paris's Hôtel de
 * Ville and its arrondissements' town halls are counted « autre service (CCAS, police
 * municipale…) », check then says « aucune mairie des départements de la campagne (75) parmi 2
 * fiches — est-ce l'export du bon département ? » (untrue: it is) and « Paris (75056) : aucune
 * ligne dans le fichier des mairies, la lettre partira par courrier » (untrue: there is one). In a
 * campaign of several départements (Île-de-France), only the second is said: Paris's letter
 * silently goes by post.
 */

function record(id: string, nom: string, type: string, insee: string, voie: string, cp: string, email: string): Record<string, unknown> {
  return {
    id,
    nom,
    pivot: [{ type_service_local: type, code_insee_commune: [insee] }],
    code_insee_commune: insee,
    categorie: 'SL',
    siren: null,
    date_modification: '08/03/2021 14:14:36',
    statut_de_diffusion: 'true',
    adresse: [
      { type_adresse: 'Adresse', complement1: '', complement2: '', numero_voie: voie, service_distribution: '', code_postal: cp, nom_commune: 'Paris', pays: '', continent: '', longitude: '', latitude: '' },
    ],
    adresse_courriel: [email],
    telephone: [{ valeur: '01 02 03 04 05', description: '' }],
    site_internet: [{ libelle: '', valeur: 'https://www.paris.fr' }],
    hierarchie: [],
  };
}

interface Check {
  fichiers: Array<{ source: string; lus: number; utilises: number; ecartes: Record<string, number>; rejetes: number }>;
  errors: Array<{ kind: string; message: string }>;
  warnings: Array<{ kind: string; message: string }>;
}

describe("Paris's town halls as the directory types them (paris_mairie, paris_mairie_arrondissement)", () => {
  it("the Hôtel de Ville is Paris's town hall; the arrondissements' are set aside as arrondissements", async () => {
    const dir = campaignWith({
      maires: [RNE_HEADER, rneRow('75', '75056', 'Paris', 'NOMDEXEMPLE', 'Prénom', 'F')].join('\n') + '\n',
      mairies: JSON.stringify({
        service: [
          record('p-hdv', 'Mairie de Paris', 'paris_mairie', '75056', "Place de l'Hôtel-de-Ville", '75004', 'hotel-de-ville@paris.example'),
          record('p-05', 'Mairie du 5e arrondissement', 'paris_mairie_arrondissement', '75105', '21 place du Panthéon', '75005', 'mairie05@paris.example'),
        ],
      }),
      mairiesName: 'annuaire-paris.json',
      yaml: PARIS_YAML,
    });
    const { json } = await relaisJson<Check>(['-C', dir, 'check']);
    // Today: « aucune mairie des départements de la campagne (75) parmi 2 fiches — est-ce
    // l'export du bon département ? ».
    expect(json.errors.map((e) => e.message)).toEqual([]);
    const mairies = json.fichiers.find((f) => f.source === 'mairies')!;
    // Today: utilises 0, ecartes { 'autre service (CCAS, police municipale…)': 2 }.
    expect(mairies).toMatchObject({ lus: 2, utilises: 1, rejetes: 0 });
    expect(mairies.ecartes).toEqual({ 'arrondissement municipal (Paris, Lyon, Marseille)': 1 });
    expect(json.warnings.map((w) => w.message).join('\n')).not.toMatch(/aucune ligne dans le fichier des mairies/);

    const preview = await relaisJson<{ courriel: { destinataire?: string } }>(['-C', dir, 'preview', '75056', '--channel', 'courriel']);
    expect(preview.json.courriel.destinataire).toBe('hotel-de-ville@paris.example');
    const letter = await relais(['-C', dir, 'preview', '75056', '--channel', 'lettre']);
    expect(letter.stdout).toContain("PLACE DE L'HOTEL-DE-VILLE");
  });
});
