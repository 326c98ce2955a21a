import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { annuaireEnv, DATA_MODIFIED, RNE_FILE, sampleRecords, sampleRneRows, startAnnuaire, townHall, type AnnuaireServer } from './servers/annuaire.js';

/**
 * `relais fetch` against a local stand-in of the DILA directory API and of data.gouv.fr
 * (tests/servers/annuaire.ts): paging, a 429 with Retry-After, a 503, the files and the
 * provenance it writes, the changes it reports on the next fetch, and the bad answers — a
 * truncated JSON, an HTML page, no network — after which the previous files must be intact.
 */
interface FetchDoc {
  ok: boolean;
  annuaire: { mairies: number; communes: number; fiches_recues: number; ecartees: Record<string, number>; rejetees: number; rejets: Array<{ fiche: number; id: string; raison: string }>; date_des_donnees: string | null };
  rne: { fichier: string; date_des_donnees: string | null; lignes_lues: number; gardees: number; autres_departements: number; rejetees: number };
  changements: {
    mairies: { ajoutees: Array<{ insee: string }>; retirees: Array<{ insee: string }>; courriels: Array<{ insee: string; avant: string; apres: string }> } | null;
    maires: { changes: Array<{ insee: string; avant: string; apres: string }>; ajoutes: unknown[]; retires: unknown[] } | null;
  };
  ecrits: string[];
  sources_a_declarer: { maires?: { fichier: string; actuel: string | null }; mairies?: { fichier: string; actuel: string | null } } | null;
  campagne_prete: boolean;
  error?: { message: string };
}

let server: AnnuaireServer;
/** A campaign after one successful fetch: each failure test starts from a copy of it. */
let fetched: string;
let first: Awaited<ReturnType<typeof relaisJson<FetchDoc>>>;

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(join(dir, 'data')).map((f) => [f, readFileSync(join(dir, 'data', f), 'utf8')]));
}

function copyOf(dir: string): string {
  const copy = tempDir();
  cpSync(dir, copy, { recursive: true });
  return copy;
}

/**
 * A campaign that has never fetched: the sample, whose town halls come from the préfecture's own
 * list instead of the sample directory export (data/annuaire-mairies.json, the name fetch writes).
 */
function notFetchedYet(): string {
  const dir = sampleCampaign();
  rmSync(join(dir, 'data', 'annuaire-mairies.json'));
  const yaml = join(dir, 'campagne.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^ {2}mairies: .*$/m, '  mairies: data/mairies.csv'));
  return dir;
}

function reset(): void {
  server.records = sampleRecords();
  server.rne.rows = sampleRneRows();
  for (const queue of Object.values(server.script)) queue.length = 0;
}

beforeAll(async () => {
  server = await startAnnuaire();
  // The first fetch meets a rate limit and a server error on its way: both are waited out.
  server.script.records.push({ status: 429, headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0' }, body: JSON.stringify({ error_code: 'TooManyRequests', message: 'Too many requests' }) });
  server.script.records.push({ status: 503, body: '{"error_code":"ServiceUnavailable"}' });
  fetched = notFetchedYet();
  first = await relaisJson<FetchDoc>(['-C', fetched, 'fetch'], { env: annuaireEnv(server) });
});

afterAll(async () => {
  await server?.close();
});

describe('relais fetch: the first download', () => {
  it('pages through the directory with limit and offset, waiting out a 429 and a 503', () => {
    expect(first.code, first.stderr).toBe(0);
    const records = server.log.filter((l) => l.kind === 'records');
    expect(records.map((r) => r.status)).toEqual([429, 503, 200, 200, 200]);
    const pages = records.filter((r) => r.status === 200).map((r) => new URL(r.url, 'http://x').searchParams);
    expect(pages.map((p) => [p.get('limit'), p.get('offset')])).toEqual([
      ['100', '0'],
      ['100', '0'],
      ['100', '100'],
    ]);
    expect(pages.map((p) => p.get('where'))).toEqual([
      'startswith(code_insee_commune, "37") AND (pivot LIKE "mairie" OR pivot LIKE "paris_mairie" OR pivot LIKE "paris_mairie_arrondissement" OR pivot LIKE "mairie_com")',
      'startswith(code_insee_commune, "45") AND (pivot LIKE "mairie" OR pivot LIKE "paris_mairie" OR pivot LIKE "paris_mairie_arrondissement" OR pivot LIKE "mairie_com")',
      'startswith(code_insee_commune, "45") AND (pivot LIKE "mairie" OR pivot LIKE "paris_mairie" OR pivot LIKE "paris_mairie_arrondissement" OR pivot LIKE "mairie_com")',
    ]);
    expect(first.stderr).toMatch(/trop de requêtes \(429\) .* nouvel essai dans 1 s/);
    expect(first.stderr).toMatch(/erreur du serveur \(503\)/);
  });

  it('keeps the town halls of the campaign and accounts for every other record', () => {
    // 130 + 1 mairie déléguée in the Loiret, 20 in Indre-et-Loire; a "mairie_mobile" set aside; a cut code rejected.
    // Ten of the codes are former communes (45003 is now 45240, 45057 and 45106 are 45191…): as
    // in relais check, each counts for the commune that replaced it, hence 146 communes.
    expect(first.json.annuaire).toMatchObject({ fiches_recues: 153, mairies: 151, communes: 146, ecartees: { mairie_mobile: 1 }, rejetees: 1, date_des_donnees: DATA_MODIFIED });
    // Each rejection says why, as relais check would.
    expect(first.json.annuaire.rejets).toEqual([{ fiche: expect.any(Number), id: 'id-sans-code', raison: 'code INSEE « 450 » invalide' }]);
    const written = JSON.parse(readFileSync(join(fetched, 'data', 'annuaire-mairies.json'), 'utf8')) as Array<Record<string, unknown>>;
    expect(written).toHaveLength(151);
    // The API's own export shape: nested fields stay JSON text.
    const orleans = written.find((r) => r.code_insee_commune === '45001');
    expect(typeof orleans?.pivot).toBe('string');
    expect(JSON.parse(String(orleans?.pivot))).toEqual([{ type_service_local: 'mairie', code_insee_commune: ['45001'] }]);
    expect(written.some((r) => r.code_insee_commune === '18033' || r.code_insee_commune === '450')).toBe(false);
  });

  it('writes the mayors of the campaign only, from the dated file behind the stable link', () => {
    expect(first.json.rne).toMatchObject({ fichier: 'elus-maires-mai.csv', date_des_donnees: '2025-12-23T10:42:11', lignes_lues: 152, gardees: 150, autres_departements: 2, rejetees: 0 });
    const csv = readFileSync(join(fetched, 'data', 'rne-maires.csv'), 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^\uFEFFCode du département;.*;Code sexe;/);
    expect(csv).toContain(';45001;Commune 1 du Loiret;NOM1;Prénom1;F;');
    expect(csv).not.toContain('BERRICHON');
    expect(server.log.filter((l) => l.kind === 'rne').map((l) => l.status)).toEqual([302, 200]);
  });

  it('records the provenance the Licence Ouverte asks for: source, address, file name, date, licence', () => {
    const provenance = JSON.parse(readFileSync(join(fetched, 'data', 'provenance.json'), 'utf8')) as { telecharge_le: string; sources: Array<Record<string, unknown>> };
    expect(Date.parse(provenance.telecharge_le)).not.toBeNaN();
    const [annuaire, rne] = provenance.sources;
    expect(annuaire).toMatchObject({ fichier: 'data/annuaire-mairies.json', url: server.base, date_des_donnees: DATA_MODIFIED, licence: expect.stringContaining('Licence Ouverte') });
    expect(String(annuaire?.producteur)).toContain('DILA');
    expect(String(annuaire?.mention)).toContain('service-public.fr');
    expect(rne).toMatchObject({ fichier: 'data/rne-maires.csv', fichier_source: 'elus-maires-mai.csv', url: server.rneUrl, date_des_donnees: '2025-12-23T10:42:11' });
    expect(String(rne?.url_du_fichier)).toContain(RNE_FILE);
    expect(String(rne?.filtre)).toContain('37, 45');
    const md = readFileSync(join(fetched, 'data', 'PROVENANCE.md'), 'utf8');
    expect(md).toContain('À citer : Source : DILA, service-public.fr');
    expect(md).toContain('elus-maires-mai.csv du 2025-12-23');
  });

  it('says it is the first fetch and which sources campagne.yaml should name, without editing it', () => {
    expect(first.json.changements).toEqual({ mairies: null, maires: null });
    expect(first.json.sources_a_declarer).toEqual({ maires: { fichier: 'data/rne-maires.csv', actuel: 'data/maires.csv' }, mairies: { fichier: 'data/annuaire-mairies.json', actuel: 'data/mairies.csv' } });
    expect(first.json.campagne_prete).toBe(false);
    expect(readFileSync(join(fetched, 'campagne.yaml'), 'utf8')).toContain('maires: data/maires.csv');
    expect(first.json.ecrits).toEqual(['data/annuaire-mairies.json', 'data/rne-maires.csv', 'data/PROVENANCE.md', 'data/provenance.json']);
  });
});

describe('relais fetch: the campaign reads what it wrote', () => {
  it('relais check reads data/rne-maires.csv once campagne.yaml names it', async () => {
    const dir = copyOf(fetched);
    const yaml = join(dir, 'campagne.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('maires: data/maires.csv', 'maires: data/rne-maires.csv'));
    const { json } = await relaisJson<{ errors: Array<{ kind: string; file?: string }>; departements: Array<{ code: string; maires: number }> }>(['-C', dir, 'check']);
    expect(json.errors.filter((e) => e.file === 'data/rne-maires.csv' && ['fichier-illisible', 'colonne-manquante', 'fichier-vide'].includes(e.kind))).toEqual([]);
    // The stand-in's mayors sit on codes 45001–45130 and 37001–37020; those that are real communes are joined.
    expect(json.departements.find((d) => d.code === '45')?.maires).toBeGreaterThan(100);
    expect(json.departements.find((d) => d.code === '37')?.maires).toBeGreaterThan(15);
  });
});

describe('relais fetch: what changed since the previous fetch', () => {
  function changeTheWorld(): void {
    reset();
    server.records = server.records.filter((r) => r.code_insee_commune !== '45010');
    server.records.push(townHall('45131', 'Commune nouvelle', 'nouvelle@loiret.example.fr'));
    const changed = server.records.find((r) => r.id === 'id-mairie-45020');
    if (changed) changed.adresse_courriel = 'accueil@commune20.example.fr';
    server.rne.rows = server.rne.rows.map((row) => (row.includes(';45030;') ? row.replace(';NOM30;Prénom30;M;', ';DURAND;Claire;F;') : row));
  }

  it('--dry-run reports town halls added and removed, emails and mayors changed, and writes nothing', async () => {
    const dir = copyOf(fetched);
    const before = snapshot(dir);
    changeTheWorld();
    const { code, json } = await relaisJson<FetchDoc>(['-C', dir, 'fetch', '--dry-run'], { env: annuaireEnv(server) });
    expect(code).toBe(0);
    expect(json.changements.mairies?.ajoutees.map((m) => m.insee)).toEqual(['45131']);
    expect(json.changements.mairies?.retirees.map((m) => m.insee)).toEqual(['45010']);
    expect(json.changements.mairies?.courriels).toEqual([{ insee: '45020', nom: 'Mairie - Commune 20 du Loiret', avant: 'mairie20@loiret.example.fr', apres: 'accueil@commune20.example.fr' }]);
    expect(json.changements.maires?.changes).toEqual([{ insee: '45030', commune: 'Commune 30 du Loiret', avant: 'Prénom30 NOM30 (M)', apres: 'Claire DURAND (F)' }]);
    expect(json.ecrits).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('prints the changes in French with counts and examples, then replaces the files', async () => {
    const dir = copyOf(fetched);
    changeTheWorld();
    const { code, stdout } = await relais(['-C', dir, 'fetch'], { env: annuaireEnv(server) });
    expect(code).toBe(0);
    expect(stdout).toMatch(/ ; 1 fiche rejetée — n° \d+, id id-sans-code : code INSEE « 450 » invalide\n/);
    expect(stdout).toContain('Mairies : 1 ajoutée, 1 retirée, 1 courriel changé');
    expect(stdout).toContain('+ 45131 Mairie - Commune nouvelle (nouvelle@loiret.example.fr)');
    expect(stdout).toContain('45020 Mairie - Commune 20 du Loiret : mairie20@loiret.example.fr → accueil@commune20.example.fr');
    expect(stdout).toContain('45030 Commune 30 du Loiret : Prénom30 NOM30 (M) → Claire DURAND (F)');
    expect(stdout).toContain('mettez dans campagne.yaml, sous « sources: » (relais ne le modifie pas) :\n  sources:\n    maires: data/rne-maires.csv  # au lieu de data/maires.csv\n    mairies: data/annuaire-mairies.json  # au lieu de data/mairies.csv\n');
    expect(readFileSync(join(dir, 'data', 'rne-maires.csv'), 'utf8')).toContain(';DURAND;Claire;F;');
    // Unchanged the next time.
    const again = await relaisJson<FetchDoc>(['-C', dir, 'fetch'], { env: annuaireEnv(server) });
    expect(again.json.changements.mairies).toEqual({ ajoutees: [], retirees: [], courriels: [] });
    expect(again.json.changements.maires).toEqual({ changes: [], ajoutes: [], retires: [] });
  });
});

describe('relais fetch: an unreadable previous fetch', () => {
  it('is replaced, with a word that there was nothing to compare it with', async () => {
    const dir = copyOf(fetched);
    writeFileSync(join(dir, 'data', 'annuaire-mairies.json'), '[{"id": "coupé');
    reset();
    const { code, stdout } = await relais(['-C', dir, 'fetch'], { env: annuaireEnv(server) });
    expect(code).toBe(0);
    expect(stdout).toContain('Mairies : fichier précédent illisible, rien à comparer.');
    expect(stdout).toContain('Maires : aucun changement.');
    expect(JSON.parse(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8'))).toHaveLength(151);
  });
});

describe('relais fetch: bad answers leave the previous files untouched', () => {
  async function failing(env: Record<string, string>, setup: () => void = () => undefined) {
    const dir = copyOf(fetched);
    const before = snapshot(dir);
    reset();
    setup();
    const result = await relaisJson<FetchDoc>(['-C', dir, 'fetch'], { env: { ...annuaireEnv(server), ...env } });
    expect(result.code).toBe(1);
    expect(result.json.ok).toBe(false);
    expect(result.stderr).not.toMatch(/erreur inattendue/);
    // Nothing written, no temporary file left behind.
    expect(snapshot(dir)).toEqual(before);
    return result;
  }

  it('a truncated JSON page', async () => {
    const { stderr } = await failing({}, () => server.script.records.push({ body: '{"total_count": 133, "results": [{"id": "id-mairie-45001", "nom": "Mairie - Comm' }));
    expect(stderr).toMatch(/Annuaire de l'administration : la réponse de http:\/\/127\.0\.0\.1:\d+\/api\/explore\/v2\.1\/catalog\/datasets\/api-lannuaire-administration\/records\?.* n'est pas un JSON lisible \(réponse tronquée\)/);
    expect(stderr).toContain('les fichiers précédents sont conservés');
  });

  it('JSON of another shape than the records endpoint’s', async () => {
    const { stderr } = await failing({}, () => server.script.records.push({ body: '{"error_code": "ODSQLError", "results": "?"}' }));
    expect(stderr).toMatch(/réponse inattendue de .*records.* \(« total_count » et « results » attendus\)/);
  });

  it('a département without a single town hall (a failed query, not news)', async () => {
    const { stderr } = await failing({}, () => {
      server.records = server.records.filter((r) => !String(r.code_insee_commune).startsWith('37'));
    });
    expect(stderr).toMatch(/aucune mairie reçue pour le département 37 /);
  });

  it('a mayors file without the mayors of a département', async () => {
    const { stderr } = await failing({}, () => {
      server.rne.rows = server.rne.rows.filter((row) => !row.startsWith('45;'));
    });
    expect(stderr).toMatch(/Répertoire national des élus : aucun maire pour le département 45 dans elus-maires-mai\.csv/);
  });

  it('an HTML page instead of JSON', async () => {
    const { stderr } = await failing({}, () => server.script.records.push({ headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html><body>Maintenance en cours</body></html>' }));
    expect(stderr).toMatch(/a répondu par une page HTML au lieu de données JSON/);
  });

  it('an HTML page instead of the mayors file', async () => {
    const { stderr } = await failing({}, () => server.script.rne.push({ headers: { 'content-type': 'text/html' }, body: '<html><body>Erreur 404</body></html>' }));
    expect(stderr).toMatch(/Répertoire national des élus : .*elus-maires-mai\.csv a répondu par une page HTML au lieu du fichier CSV des maires/);
  });

  it('a file that is not the RNE mayors export', async () => {
    const { stderr } = await failing({}, () => server.script.rne.push({ headers: { 'content-type': 'text/csv' }, body: 'code;nom\n45001;X\n' }));
    expect(stderr).toMatch(/n'est pas un export des maires du RNE/);
  });

  it('no network: connection refused', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const { stderr, json } = await failing({ RELAIS_ANNUAIRE_API_URL: `http://127.0.0.1:${closed}/api/explore/v2.1` });
    expect(stderr).toMatch(new RegExp(`connexion refusée par 127\\.0\\.0\\.1:${closed}`));
    expect(json.error?.message).toContain(`http://127.0.0.1:${closed}/api/explore/v2.1/catalog/datasets/api-lannuaire-administration/records`);
  });

  it('no network: the name does not resolve', async () => {
    const { stderr } = await failing({ RELAIS_RNE_URL: 'http://relais-test.invalid/elus-maires-mai.csv' });
    expect(stderr).toMatch(/adresse relais-test\.invalid introuvable \(DNS\)/);
  });

  it('a rate limit longer than relais waits: the time to try again, nothing written', async () => {
    const { stderr } = await failing({}, () => server.script.records.push({ status: 429, headers: { 'retry-after': '3600' }, body: '{}' }));
    expect(stderr).toMatch(/demande d'attendre \(trop de requêtes \(429\)\) jusqu'au .* ; relancez « relais fetch » après cette heure/);
  });

  it('a server that keeps failing: bounded retries, then a French error', async () => {
    const { stderr } = await failing({}, () => {
      for (let i = 0; i < 4; i++) server.script.records.push({ status: 502, body: '<html>Bad Gateway</html>', headers: { 'content-type': 'text/html' } });
    });
    expect(stderr).toMatch(/erreur du serveur \(502\), encore après 4 tentatives/);
    expect(server.script.records).toHaveLength(0);
  });
});

describe('relais fetch: a file that cannot be replaced', () => {
  it('puts back the files already replaced, leaves no temporary file, and says which file failed', async () => {
    const dir = copyOf(fetched);
    const keep = ['annuaire-mairies.json', 'rne-maires.csv', 'provenance.json'].map((f) => [f, readFileSync(join(dir, 'data', f), 'utf8')] as const);
    // PROVENANCE.md is renamed third: the directory list and the mayors are already in place then.
    rmSync(join(dir, 'data', 'PROVENANCE.md'));
    mkdirSync(join(dir, 'data', 'PROVENANCE.md'));
    writeFileSync(join(dir, 'data', 'PROVENANCE.md', 'occupé'), '');
    reset();
    changeTheWorldForWrites();
    const { code, stderr } = await relais(['-C', dir, 'fetch'], { env: annuaireEnv(server) });
    expect(code).toBe(1);
    expect(stderr).toMatch(/impossible d'écrire .*PROVENANCE\.md .* les fichiers précédents sont conservés/);
    for (const [f, text] of keep) expect(readFileSync(join(dir, 'data', f), 'utf8'), f).toBe(text);
    expect(readdirSync(join(dir, 'data')).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});

function changeTheWorldForWrites(): void {
  server.records = server.records.filter((r) => r.code_insee_commune !== '45011');
  server.rne.rows = server.rne.rows.filter((row) => !row.includes(';45011;'));
}

describe('relais fetch: past the records endpoint cap', () => {
  it('a département with more than 10,000 matching records is fetched through the export endpoint', async () => {
    const dir = copyOf(fetched);
    reset();
    const from = server.log.length;
    // What the records endpoint says of a département too big to page through (offset + limit ≤ 10,000).
    server.script.records.push({ body: JSON.stringify({ total_count: 12_000, results: [] }) });
    // The export must hold the 12,000 records announced (a shorter one is refused as cut): the
    // département's 20 town halls, and other services of the département that relais sets aside.
    const townHalls = server.records.filter((r) => String(r.code_insee_commune).startsWith('37'));
    const others = Array.from({ length: 12_000 - townHalls.length }, (_, i) => townHall(`37${String(1 + (i % 20)).padStart(3, '0')}`, `Service ${i}`, '', { type: 'ccas', id: `id-ccas-${i}` }));
    server.script.exports.push({ body: JSON.stringify([...townHalls, ...others]) });
    const { code, json, stderr } = await relaisJson<FetchDoc>(['-C', dir, 'fetch'], { env: annuaireEnv(server) });
    expect(code, stderr).toBe(0);
    const exports = server.log.slice(from).filter((l) => l.kind === 'exports');
    expect(exports.map((l) => new URL(l.url, 'http://x').searchParams.get('where'))).toEqual(['startswith(code_insee_commune, "37") AND (pivot LIKE "mairie" OR pivot LIKE "paris_mairie" OR pivot LIKE "paris_mairie_arrondissement" OR pivot LIKE "mairie_com")']);
    expect(json.annuaire).toMatchObject({ mairies: 151, communes: 146 });
  });
});

describe('relais fetch: a cut connection is retried', () => {
  it('a body cut in the middle, then a whole one', async () => {
    const dir = copyOf(fetched);
    reset();
    server.script.rne.push({ cut: true, headers: { 'content-type': 'text/csv' }, body: `${'x'.repeat(4000)}` });
    const { code, json, stderr } = await relaisJson<FetchDoc>(['-C', dir, 'fetch'], { env: annuaireEnv(server) });
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/a coupé la connexion avant la fin de la réponse \(réponse tronquée\)/);
    expect(json.rne.gardees).toBe(150);
    expect(existsSync(join(dir, 'data', 'rne-maires.csv'))).toBe(true);
  });
});

describe('relais fetch: settings', () => {
  it('refuses a base address with credentials, without showing them', async () => {
    const dir = sampleCampaign();
    const { code, stderr } = await relais(['-C', dir, 'fetch'], { env: { ...annuaireEnv(server), RELAIS_ANNUAIRE_API_URL: 'https://agent:s3cret@proxy.example/api' } });
    expect(code).toBe(2);
    expect(stderr).toContain('RELAIS_ANNUAIRE_API_URL : l\'adresse ne doit pas contenir d\'identifiant ni de mot de passe');
    expect(stderr).not.toContain('s3cret');
  });

  it('has French help', async () => {
    const { code, stdout } = await relais(['fetch', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('télécharge les mairies');
    expect(stdout).toContain('--dry-run');
  });
});

