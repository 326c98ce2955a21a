import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * The API's dataset `api-lannuaire-administration` is the whole « Annuaire de l'administration »:
 * local services (`categorie` « SL », a `pivot` naming their type and communes) and the State's
 * national services (ministries' offices, bureaux…), which have no pivot and no commune at all:
 * `pivot: null`, `code_insee_commune: null`. A real one, kept in a public test next to a real
 * town-hall record of the same export (« Mairie - Coise-Saint-Jean-Pied-Gauthier », 73089, its
 * SIRET and site): `{ nom: "Bureau de la synthèse et des programmes soutien - SPS", pivot: null,
 * code_insee_commune: null, siret: null, siren: null, site_internet: '[{"libelle": "",
 * "valeur": "https://travail-emploi.gouv.fr"}]', adresse_courriel: null }` (find_string
 * « "type_service_local": "mairie" », file id 68619651674, `other_service`: « skips records whose
 * service type is not a collectivité »). Another project's importer of the same data counts the
 * categories « SL », « SIL » and « SI » and keeps the first two (file id 70303704946,
 * `test_filtre_conserve_sl_et_sil`). relais's own README counts « l'annuaire national (127 000
 * fiches, 34 969 mairies) » and says a national export is « une entrée normale ».
 *
 * relais rejects such a record — « fiche … rejetée : fiche sans « pivot » : impossible de savoir
 * quel service elle décrit », counted in « rejetés » with a warning — although nothing is wrong
 * with it: it is a service that is not a town hall, like a CCAS, and says so (no pivot, no
 * commune). A national export of the API carries thousands of them: thousands of « rejetés » and
 * of warnings that hide the real ones. Likely cause: src/data/directory.ts classifyRecord returns
 * `rejet` for an empty pivot whatever the rest of the record; contacts-source.ts then counts it
 * rejected unless its code is another département's (it has none).
 */
interface Report {
  errors: Array<{ kind: string; message: string }>;
  warnings: Array<{ kind: string; message: string; line?: number }>;
  fichiers: Array<{ fichier: string; source: string; lus: number; utilises: number; ecartes: Record<string, number>; rejetes: number }>;
}

/** The national service's record as published (see above), field for field. */
const NATIONAL_SERVICE = {
  id: '2',
  siret: null,
  siren: null,
  nom: 'Bureau de la synthèse et des programmes soutien - SPS',
  pivot: null,
  code_insee_commune: null,
  site_internet: '[{"libelle": "", "valeur": "https://travail-emploi.gouv.fr"}]',
  adresse_courriel: null,
};

describe("a national export of the API's directory", () => {
  it("a national service's record (no pivot, no commune) is set aside as another service, not rejected", async () => {
    const dir = sampleCampaign();
    const path = join(dir, 'data', 'annuaire-mairies.json');
    // The API's JSON export: nested fields as JSON text, national services among the local ones.
    const local = (JSON.parse(readFileSync(path, 'utf8')) as Array<Record<string, unknown>>).map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v !== null && typeof v === 'object' ? JSON.stringify(v) : v])),
    );
    writeFileSync(path, JSON.stringify([...local.slice(0, 100), NATIONAL_SERVICE, ...local.slice(100)]));

    const { json } = await relaisJson<Report>(['-C', dir, 'check']);
    expect(json.errors).toEqual([]);
    const mairies = json.fichiers.find((f) => f.source === 'mairies')!;
    expect(mairies).toMatchObject({ lus: local.length + 1, utilises: 597 });
    // Today: rejetes 1, and « fiche n° 101 « Bureau de la synthèse et des programmes soutien -
    // SPS » (id 2) rejetée : fiche sans « pivot » : impossible de savoir quel service elle décrit ».
    expect(mairies.rejetes).toBe(0);
    expect(json.warnings.filter((w) => w.kind === 'fiche-rejetee').map((w) => w.message)).toEqual([]);
    const aside = Object.values(mairies.ecartes).reduce((a, b) => a + b, 0);
    expect(aside).toBe(local.length + 1 - 597);
  });
});
