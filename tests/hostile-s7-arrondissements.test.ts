import { describe, expect, it } from 'vitest';
import { campaignWith, RNE_HEADER, rneRow, PARIS_YAML } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * Paris, Lyon and Marseille: the COG (@etalab/decoupage-administratif, type
 * "arrondissement-municipal") knows 75101…75120, 69381…69389, 13201…13216. The DILA directory
 * publishes a town hall for each arrondissement besides the city's; a national or Paris export
 * therefore carries them. relais calls each one « code INSEE 75101 inconnu du Code officiel
 * géographique » — untrue — and counts it « rejeté » (a broken record) where it is a known kind
 * of record set aside, like a mairie déléguée (src/campaign/contacts-source.ts and
 * src/campaign/communes.ts look the code up among the communes only).
 */

function townHall(id: string, nom: string, insee: string, email: string): Record<string, unknown> {
  return {
    id,
    nom,
    pivot: [{ type_service_local: 'mairie', code_insee_commune: [insee] }],
    code_insee_commune: insee,
    date_modification: '12/03/2024 10:00:00',
    adresse: [{ type_adresse: 'Adresse', complement1: '', complement2: '', numero_voie: "Place de l'Hôtel de Ville", service_distribution: '', code_postal: '75004', nom_commune: 'Paris', pays: 'France' }],
    adresse_courriel: [email],
    telephone: [],
  };
}

interface Check {
  fichiers: Array<{ source: string; lus: number; utilises: number; ecartes: Record<string, number>; rejetes: number }>;
  errors: Array<{ message: string }>;
  warnings: Array<{ message: string }>;
}

describe('Paris: the directory has a town hall per arrondissement', () => {
  it('the arrondissements\u2019 town halls are set aside as such, not rejected as « inconnu du Code officiel géographique »', async () => {
    const dir = campaignWith({
      maires: [RNE_HEADER, rneRow('75', '75056', 'Paris', 'HIDALGO', 'Anne', 'F')].join('\n') + '\n',
      mairies: JSON.stringify([
        townHall('a', 'Mairie de Paris', '75056', 'hdv@paris.example'),
        townHall('b', 'Mairie du 1er arrondissement', '75101', 'm1@paris.example'),
        townHall('c', 'Mairie du 4e arrondissement', '75104', 'm4@paris.example'),
      ]),
      mairiesName: 'annuaire-paris.json',
      yaml: PARIS_YAML,
    });
    const { json } = await relaisJson<Check>(['-C', dir, 'check']);
    expect(json.errors).toEqual([]);
    const mairies = json.fichiers.find((f) => f.source === 'mairies')!;
    expect(mairies.lus).toBe(3);
    expect(mairies.utilises).toBe(1);
    // Today: 2 rejected, with a warning each that the code is unknown to the COG.
    expect(mairies.rejetes).toBe(0);
    expect(Object.values(mairies.ecartes).reduce((a, b) => a + b, 0)).toBe(2);
    expect(json.warnings.map((w) => w.message).join('\n')).not.toMatch(/75101 inconnu du Code officiel/);
  });
});

describe('an RNE row of a municipal arrondissement', () => {
  it('is set aside as such, with a warning that names the commune the letters go to, not rejected as unknown', async () => {
    const dir = campaignWith({
      maires: [RNE_HEADER, rneRow('75', '75056', 'Paris', 'HIDALGO', 'Anne', 'F'), rneRow('75', '75104', 'Paris 4e Arrondissement', 'GIRARD', 'Ariel', 'M')].join('\n') + '\n',
      mairies: JSON.stringify([townHall('a', 'Mairie de Paris', '75056', 'hdv@paris.example')]),
      mairiesName: 'annuaire-paris.json',
      yaml: PARIS_YAML,
    });
    const { json } = await relaisJson<Check>(['-C', dir, 'check']);
    expect(json.errors).toEqual([]);
    const maires = json.fichiers.find((f) => f.source === 'maires')!;
    expect(maires).toMatchObject({ lus: 2, utilises: 1, rejetes: 0, ecartes: { 'arrondissement municipal (Paris, Lyon, Marseille)': 1 } });
    expect(json.warnings.map((w) => w.message)).toContain("fichier des maires : 75104 est Paris 4e Arrondissement, un arrondissement municipal : les lettres vont à la mairie et au maire de Paris (75056) ; ligne écartée");
  });
});

describe('an arrondissement row outside the campaign', () => {
  it('is judged by its commune\u2019s département like any row: an error with « hors_campagne: erreur », set aside as another département with « ignorer »', async () => {
    const maires = [RNE_HEADER, rneRow('45', '45001', 'Adon', 'DUBOIS', 'Jean', 'M'), rneRow('75', '75104', 'Paris 4e Arrondissement', 'GIRARD', 'Ariel', 'M')].join('\n') + '\n';
    const strict = await relaisJson<Check>(['-C', campaignWith({ maires, yaml: (y) => y.replace('hors_campagne: ignorer', 'hors_campagne: erreur') }), 'check']);
    expect(strict.json.errors.map((e) => e.message)).toEqual([expect.stringContaining("Paris (75056) n'est pas dans les départements de la campagne")]);
    expect(strict.json.warnings.map((w) => w.message).join('\n')).not.toContain('arrondissement municipal');
    const lenient = await relaisJson<Check>(['-C', campaignWith({ maires }), 'check']);
    expect(lenient.json.errors).toEqual([]);
    expect(lenient.json.fichiers.find((f) => f.source === 'maires')).toMatchObject({ lus: 2, utilises: 1, rejetes: 0, ecartes: { 'autre département': 1 } });
  });
});
