import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCampaign, type CheckResult } from '../src/campaign/check.js';
import { sampleCampaign } from './helpers/campaign.js';
import { relais, relaisJson, ROOT } from './helpers/cli.js';
import { readPdf } from './helpers/pdf.js';
import { annuaireEnv, asApiRecord, startAnnuaire, type AnnuaireServer, type Record_ } from './servers/annuaire.js';

/**
 * From download to letter: `relais fetch` against the local stand-in serving the sample
 * campaign's own data (its directory export in the API's shape, its RNE file), campagne.yaml
 * pointed at the fetched files, then `relais check`, `relais letters` and `relais send`. The fetched files must
 * give the campaign exactly what the given export gave it: the same town hall per commune, the
 * same email, the same address block.
 */
let server: AnnuaireServer;
let dir: string;
let given: CheckResult;
let fetchOut: Awaited<ReturnType<typeof relais>>;

/** Amilly's town hall: its letters go to a post-office box in another locality than the building's. */
const AMILLY = '45004';
const POSTAL = { type_adresse: 'Adresse postale', complement1: 'Service du courrier', complement2: '', numero_voie: '', service_distribution: 'BP 4242', code_postal: '45207', nom_commune: 'Montargis Cedex', pays: 'France' };

const summary = (r: CheckResult, code: string) => {
  const x = r.recipients.find((y) => y.commune.code === code);
  return x && { maire: x.maire && `${x.maire.prenom} ${x.maire.nom} ${x.maire.sexe}`, courriel: x.contact?.courriel ?? null, telephone: x.contact?.telephone ?? null, adresse: x.adresse };
};

beforeAll(async () => {
  server = await startAnnuaire();
  const sample = JSON.parse(readFileSync(join(ROOT, 'data', 'annuaire-mairies.json'), 'utf8')) as Record_[];
  server.records = sample.map((r) => {
    if (r.code_insee_commune !== AMILLY || !String(r.nom).startsWith('Mairie - ')) return asApiRecord(r);
    const building = (r.adresse as Record_[]).find((a) => a.type_adresse === 'Adresse');
    return asApiRecord({ ...r, adresse: [building, POSTAL] });
  });
  server.rne.rows = readFileSync(join(ROOT, 'data', 'maires.csv'), 'utf8').split(/\r?\n/).slice(1).filter(Boolean);
  given = await checkCampaign(sampleCampaign());
  // The sample already names data/annuaire-mairies.json: the fetch replaces the given export.
  dir = sampleCampaign();
  fetchOut = await relais(['-C', dir, 'fetch'], { env: annuaireEnv(server) });
});

afterAll(async () => {
  await server?.close();
});

describe('relais fetch, then check, letters and send on what it fetched', () => {
  it('says the one sources: line still to set, and that the town halls did not change from the given export', () => {
    expect(fetchOut.code, fetchOut.stderr).toBe(0);
    expect(fetchOut.stdout).toContain('  sources:\n    maires: data/rne-maires.csv  # au lieu de data/maires.csv\n(« mairies: data/annuaire-mairies.json » y est déjà.)');
    // The sample's export (arrays, ISO dates) and the API's answer (JSON text, dates day first)
    // are read by the same reader: one town hall and one email per commune, in both. Amilly's
    // postal address changed, which is not a change of email.
    expect(fetchOut.stdout).toContain('Mairies : aucun changement.');
    expect(fetchOut.stdout).toContain('Maires : fichier précédent absent, rien à comparer.');
  });

  it('relais check passes on the fetched files, each record accounted for, and says when the campaign is ready', async () => {
    const yaml = join(dir, 'campagne.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('maires: data/maires.csv', 'maires: data/rne-maires.csv'));
    const { code, json, stderr } = await relaisJson<{ ok: boolean; errors: unknown[]; recipients: number; departements: unknown[]; fichiers: Array<Record<string, unknown>> }>(['-C', dir, 'check']);
    expect(code, stderr).toBe(0);
    expect(json.ok).toBe(true);
    expect(json.errors).toEqual([]);
    expect(json.recipients).toBe(597);
    expect(json.departements).toEqual(given.report.departements);
    const records = server.records.filter((r) => /^(37|45)/.test(String(r.code_insee_commune)) && String(r.pivot).includes('"mairie"'));
    const delegated = records.filter((r) => /d[ée]l[ée]gu[ée]e|annexe/i.test(String(r.nom))).length;
    expect(delegated).toBeGreaterThan(0);
    expect(json.fichiers.find((f) => f.fichier === 'data/rne-maires.csv')).toEqual({ fichier: 'data/rne-maires.csv', source: 'maires', format: 'RNE (CSV)', lus: 597, utilises: 597, ecartes: {}, rejetes: 0 });
    expect(json.fichiers.find((f) => f.fichier === 'data/annuaire-mairies.json')).toEqual({
      fichier: 'data/annuaire-mairies.json',
      source: 'mairies',
      format: 'annuaire DILA (JSON)',
      lus: records.length,
      utilises: 597,
      ecartes: { 'mairie déléguée ou annexe': delegated },
      rejetes: 0,
    });

    // Commune by commune: the mayor, the town hall's email, phone and address block are those of the given files.
    const fetched = await checkCampaign(dir);
    const codes = given.recipients.map((r) => r.commune.code);
    expect(fetched.recipients.map((r) => r.commune.code)).toEqual(codes);
    for (const code of codes.filter((c) => c !== AMILLY)) expect(summary(fetched, code), code).toEqual(summary(given, code));
    expect(summary(fetched, AMILLY)?.courriel).toBe(summary(given, AMILLY)?.courriel);

    const again = await relais(['-C', dir, 'fetch', '--dry-run'], { env: annuaireEnv(server) });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('campagne.yaml lit déjà ces fichiers (sources.maires : data/rne-maires.csv, sources.mairies : data/annuaire-mairies.json) : la campagne est prête');
    const doc = await relaisJson<{ sources_a_declarer: unknown; campagne_prete: boolean; annuaire: Record<string, unknown> }>(['-C', dir, 'fetch', '--dry-run'], { env: annuaireEnv(server) });
    expect(doc.json).toMatchObject({ sources_a_declarer: null, campagne_prete: true });
    // The fetch counts communes as the check does: a mairie déléguée under its former commune's
    // code belongs to the commune nouvelle, not to a commune of its own.
    expect(doc.json.annuaire).toMatchObject({ mairies: records.length, communes: 597, rejetees: 0 });
  });

  it('relais letters --commune writes the letter to the postal address of the fetched record', async () => {
    const { code, json, stderr } = await relaisJson<{ lettres: string[] }>(['-C', dir, 'letters', '--commune', AMILLY]);
    expect(code, stderr).toBe(0);
    expect(json.lettres).toHaveLength(1);
    const pdf = await readPdf(join(dir, json.lettres[0]!));
    const page = pdf.text[0]!;
    // The address block as printed, line by line: the postal address of the record, not the building's.
    expect(page).toContain("MAIRIE D'AMILLY\nMONSIEUR LE MAIRE\nSERVICE DU COURRIER\nBP 4242\n45207 MONTARGIS CEDEX\n");
    // The building's street is not where letters go.
    expect(page).not.toContain('RUE DE LA REPUBLIQUE');
    expect(summary(await checkCampaign(dir), AMILLY)?.adresse).toEqual(expect.arrayContaining(['BP 4242', '45207 MONTARGIS CEDEX']));
  });

  it('relais send mails the town hall at the address of the fetched record, the one the given export had', async () => {
    const { code, json, stderr } = await relaisJson<{ sent: number; byPost: number }>(['-C', dir, 'send', '--commune', `${AMILLY},45234`, '--yes']);
    expect(code, stderr).toBe(0);
    expect(json).toMatchObject({ sent: 2, byPost: 0 });
    for (const [insee, file] of [[AMILLY, '45004-amilly.eml'], ['45234', '45234-orleans.eml']] as const) {
      const eml = readFileSync(join(dir, 'out', 'outbox', '45', file), 'utf8');
      expect(eml).toMatch(new RegExp(`^To: ${summary(given, insee)!.courriel!.replace(/\./g, '\\.')}\\r?$`, 'm'));
    }
  });
});
