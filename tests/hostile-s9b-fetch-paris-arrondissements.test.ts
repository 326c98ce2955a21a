import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignWith, rneRow, RNE_HEADER, PARIS_YAML } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';
import { annuaireEnv, startAnnuaire, townHall, type AnnuaireServer } from './servers/annuaire.js';

/**
 * `relais fetch` for a campaign of Paris (75), now that it asks the directory for Paris's town-hall
 * types too (`paris_mairie`, `paris_mairie_arrondissement`): the API gives the Hôtel de Ville and
 * the twenty arrondissements' town halls. `relais check` reads that same file as one commune, Paris,
 * whose letter goes to the Hôtel de Ville, and sets the twenty aside « arrondissement municipal
 * (Paris, Lyon, Marseille) ». `relais fetch` says « 21 mairies pour 21 communes » and lists twenty
 * « Mairies ajoutées » (« + 75101 Mairie - Paris 1e arrondissement (mairie1@paris.example) »…)
 * that no letter or email will ever use — and, at the next fetch, every change of an
 * arrondissement's address as a change of the campaign. README: « Les comptes de `fetch` suivent
 * la même règle » as check; « les fiches de l'arrondissement municipal […] sont écartées et
 * comptées comme telles : les lettres vont à la mairie de la commune ».
 *
 * Likely cause: selectTownHalls (src/sources/annuaire.ts) keeps every town-hall record of the
 * départements as its own commune; it never looks at `townHall.arrondissement` (the type) nor at
 * the COG's municipal arrondissements, as readDirectory (src/campaign/contacts-source.ts) does.
 */
interface FetchDoc {
  ok: boolean;
  annuaire: { mairies: number; communes: number; fiches_recues: number; ecartees: Record<string, number>; rejetees: number };
  changements: { mairies: { ajoutees: Array<{ insee: string }> } | null };
}

let server: AnnuaireServer;
beforeAll(async () => {
  server = await startAnnuaire();
  server.records = [
    townHall('75056', 'Paris', 'hotel-de-ville@paris.example', { type: 'paris_mairie', id: 'p-hdv' }),
    ...Array.from({ length: 20 }, (_, i) => townHall(`751${String(i + 1).padStart(2, '0')}`, `Paris ${i + 1}e arrondissement`, `mairie${i + 1}@paris.example`, { type: 'paris_mairie_arrondissement' })),
  ];
  server.rne.rows = [rneRow('75', '75056', 'Paris', 'NOMDEXEMPLE', 'Prénom', 'F')];
});
afterAll(() => server.close());

describe("relais fetch for Paris: the Hôtel de Ville and the arrondissements' town halls", () => {
  it('counts one town hall for one commune, as check does, and sets the arrondissements aside', async () => {
    const dir = campaignWith({ maires: `${RNE_HEADER}\n${rneRow('75', '75056', 'Paris', 'NOMDEXEMPLE', 'Prénom', 'F')}\n`, yaml: PARIS_YAML });
    // data/annuaire-mairies.json is the sample's export (Centre-Val de Loire): fetch compares with it.
    const { code, json } = await relaisJson<FetchDoc>(['-C', dir, 'fetch'], { env: annuaireEnv(server) });
    expect(code).toBe(0);
    expect(json.annuaire.fiches_recues).toBe(21);
    // Today: { mairies: 21, communes: 21 } and no arrondissement set aside.
    expect({ mairies: json.annuaire.mairies, communes: json.annuaire.communes }, 'Paris is one commune').toEqual({ mairies: 1, communes: 1 });
    expect(json.annuaire.ecartees).toMatchObject({ 'arrondissement municipal (Paris, Lyon, Marseille)': 20 });
    // Today: 75056 and the twenty arrondissements, 75101 to 75120.
    expect(json.changements.mairies, 'compared with the export already in data/').not.toBeNull();
    expect(json.changements.mairies!.ajoutees.map((m) => m.insee), 'town halls no letter will use, announced as added').toEqual(['75056']);
  });
});
