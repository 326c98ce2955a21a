import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MayorRecord } from '../src/data/rne.js';
import { RelaisError } from '../src/errors.js';
import { chooseTownHall, classifyRecord, nested, type TownHallRecord } from '../src/data/directory.js';
import { OUTSIDE, selectTownHalls } from '../src/sources/annuaire.js';
import { diffMayors, diffTownHalls } from '../src/sources/diff.js';
import { getWithRetry, jsonBody, serverWaitMs, shownUrl, type HttpClient, type HttpResponse } from '../src/sources/http.js';
import { publicationDate } from '../src/sources/maires.js';

/**
 * The rules behind `relais fetch`, without a network: reading the directory's nested fields in
 * both published shapes, accounting for every record, the waits of the retry loop, the date of
 * the RNE file, and the comparison of two fetches.
 */
describe('directory records, read as relais check reads them', () => {
  it('reads nested fields as the API gives them (JSON text) and as data.gouv.fr dumps them (arrays)', () => {
    expect(nested('[{"type_service_local": "mairie", "code_insee_commune": ["45234"]}]')).toEqual({ ok: true, value: [{ type_service_local: 'mairie', code_insee_commune: ['45234'] }] });
    expect(nested([{ valeur: '02 38 79 22 22' }])).toEqual({ ok: true, value: [{ valeur: '02 38 79 22 22' }] });
    expect(nested('{"valeur": "x"}')).toEqual({ ok: true, value: [{ valeur: 'x' }] });
    // Plain text is one value (an email); JSON cut short is said, not taken for nothing.
    expect(nested('pas du JSON')).toEqual({ ok: true, value: ['pas du JSON'] });
    expect(nested('[{"valeur": "x"')).toMatchObject({ ok: false, error: expect.stringContaining('JSON illisible') });
    expect(nested(null)).toEqual({ ok: true, value: [] });
  });

  it('keeps the town halls of the départements, sets the rest aside with a reason, rejects a bad code', () => {
    const dump = (insee: string, type: string, nom = `Mairie - ${insee}`) => ({ id: `${type}-${nom}`, nom, code_insee_commune: insee, pivot: [{ type_service_local: type, code_insee_commune: [insee] }], adresse_courriel: [`${insee}@example.fr`] });
    const s = selectTownHalls([dump('45234', 'mairie'), dump('45234', 'mairie', 'Mairie déléguée - Saint-Marceau'), dump('45234', 'ccas'), dump('18033', 'mairie'), dump('450', 'mairie'), dump('4523', 'mairie')], ['45']);
    // Both town-hall records of Orléans are written; the commune's own is the one compared.
    expect(s.records.map((r) => r.nom)).toEqual(['Mairie - 45234', 'Mairie déléguée - Saint-Marceau']);
    expect([...s.townHalls.values()]).toEqual([{ insee: '45234', nom: 'Mairie - 45234', email: '45234@example.fr' }]);
    // 4523 lost its leading zero: 04523 is in the Alpes-de-Haute-Provence, not in the campaign.
    expect(s.setAside).toEqual({ ccas: 1, [OUTSIDE]: 2 });
    expect(s.rejected).toEqual([{ index: 5, id: 'mairie-Mairie - 450', reason: 'code INSEE « 450 » invalide' }]);
  });

  it('one town hall per code, the main one before a délégation, other services and rejections counted', () => {
    const rec = (type: string, nom: string, fields: Record<string, unknown> = {}) => ({ id: `id-${nom}`, nom, pivot: [{ type_service_local: type, code_insee_commune: ['45234'] }], code_insee_commune: '45234', ...fields });
    const s = selectTownHalls([rec('mairie', 'Mairie déléguée - La Source'), rec('mairie', 'Mairie - Orléans', { adresse_courriel: '["mairie@orleans.example"]' }), rec('ccas', 'CCAS - Orléans'), { nom: 'sans pivot', code_insee_commune: '45234' }], ['45']);
    expect([...s.townHalls.keys()]).toEqual(['45234']);
    expect(s.townHalls.get('45234')).toEqual({ insee: '45234', nom: 'Mairie - Orléans', email: 'mairie@orleans.example' });
    expect(s.setAside).toEqual({ ccas: 1 });
    expect(s.rejected).toEqual([{ index: 4, id: '', reason: expect.stringContaining('pivot') }]);
    // Neither pivot nor commune: a national service of the State, another service, not a broken record.
    expect(selectTownHalls([{ id: 'sps', nom: 'Bureau de la synthèse et des programmes soutien - SPS', pivot: null, code_insee_commune: null }], ['45']).setAside).toEqual({ 'service national (ni pivot ni commune)': 1 });
  });

  it("Paris's Hôtel de Ville is its town hall; the arrondissements' town halls (Paris's by their type, Lyon's by their code) are set aside as such", () => {
    const hall = (type: string, code: string, nom: string) => ({ id: nom, nom, code_insee_commune: code, pivot: [{ type_service_local: type, code_insee_commune: [code] }], adresse_courriel: [`${code}@example.fr`] });
    const s = selectTownHalls(
      [hall('paris_mairie', '75056', 'Mairie de Paris'), hall('paris_mairie_arrondissement', '75105', 'Mairie du 5e'), hall('paris_mairie_arrondissement', '75056', 'Mairie du 6e'), hall('mairie', '69381', 'Mairie du 1er arrondissement de Lyon')],
      ['75', '69'],
      (insee) => insee,
      (insee) => insee === '75105' || insee === '69381',
    );
    expect([...s.townHalls.keys()]).toEqual(['75056']);
    expect(s.townHalls.get('75056')?.nom).toBe('Mairie de Paris');
    expect(s.setAside).toEqual({ 'arrondissement municipal (Paris, Lyon, Marseille)': 3 });
  });

  it('a mairie déléguée under its former commune’s code counts for the commune nouvelle, after its main town hall', () => {
    const hall = (code: string, nom: string) => ({ id: nom, nom, code_insee_commune: code, pivot: [{ type_service_local: 'mairie', code_insee_commune: [code] }], adresse_courriel: [`${code}@example.fr`] });
    const current = (code: string) => (code === '45106' ? '45191' : code);
    const s = selectTownHalls([hall('45106', 'Mairie déléguée - Ancienne'), hall('45191', 'Mairie - Nouvelle')], ['45'], current);
    expect(s.records).toHaveLength(2);
    expect([...s.townHalls.entries()]).toEqual([['45191', { insee: '45191', nom: 'Mairie - Nouvelle', email: '45191@example.fr' }]]);
    // Two main town halls, one under the former code: the commune's own is chosen.
    const t = selectTownHalls([hall('45106', 'Mairie - Ancienne'), hall('45191', 'Mairie - Nouvelle')], ['45'], current);
    expect(t.townHalls.get('45191')?.nom).toBe('Mairie - Nouvelle');
  });

  it('compares the email a letter goes to: the first valid one of a list, « Nom <adresse> » read as the address', () => {
    const hall = (courriel: unknown) => ({ id: 'x', nom: 'Mairie - Orléans', code_insee_commune: '45234', pivot: '[{"type_service_local":"mairie","code_insee_commune":["45234"]}]', adresse_courriel: courriel });
    expect(selectTownHalls([hall('pas une adresse; Mairie <accueil@orleans.example>; autre@orleans.example')], ['45']).townHalls.get('45234')?.email).toBe('accueil@orleans.example');
    expect(selectTownHalls([hall('["mailto:Mairie@Orleans.example"]')], ['45']).townHalls.get('45234')?.email).toBe('Mairie@Orleans.example');
    expect(selectTownHalls([hall('')], ['45']).townHalls.get('45234')?.email).toBe('');
  });

  it('between two main town halls of a commune, the most recently modified, dates read day first', () => {
    const hall = (id: string, date: string) => ({ id, nom: `Mairie - ${id}`, code_insee_commune: '45234', pivot: [{ type_service_local: 'mairie', code_insee_commune: ['45234'] }], date_modification: date });
    // As text, "01/10/2026" sorts before "15/03/2024": the directory's dates must be read as dates.
    const s = selectTownHalls([hall('ancienne', '15/03/2024 09:00:00'), hall('recente', '01/10/2026 08:00:00')], ['45']);
    expect(s.townHalls.get('45234')?.nom).toBe('Mairie - recente');
    const verdicts = [hall('ancienne', '15/03/2024 09:00:00'), hall('recente', '01/10/2026 08:00:00')].map((h) => classifyRecord(h)) as Array<{ kind: 'mairie'; townHall: TownHallRecord }>;
    expect(chooseTownHall(verdicts.map((v) => ({ townHall: v.townHall, own: true })))).toMatchObject({ chosen: { townHall: { id: 'recente', dateModification: '2026-10-01T08:00:00' } }, why: 'la plus récemment modifiée' });
  });

  it('accounts for every record: kept + set aside + rejected = read', () => {
    const record = fc.record({
      id: fc.string({ maxLength: 4 }),
      nom: fc.constantFrom('Mairie - A', 'Mairie déléguée - B', 'CCAS'),
      code_insee_commune: fc.constantFrom('45234', '37261', '2A004', '97101', '450', '', null),
      pivot: fc.oneof(fc.constant(null), fc.constant('pas du JSON'), fc.constant('[{"type_service_local": "mairie"'), fc.array(fc.record({ type_service_local: fc.constantFrom('mairie', 'ccas', 'police_municipale'), code_insee_commune: fc.array(fc.constantFrom('45234', '37261', '4523'), { maxLength: 2 }) }), { maxLength: 2 }).map((a) => JSON.stringify(a))),
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), (records) => {
        const s = selectTownHalls(records, ['45', '2A']);
        const aside = Object.values(s.setAside).reduce((a, b) => a + b, 0);
        expect(s.records.length + aside + s.rejected.length).toBe(records.length);
        expect([...s.townHalls.keys()].every((insee) => insee.startsWith('45') || insee.startsWith('2A'))).toBe(true);
        // Every commune kept has its town hall chosen, and only those.
        expect(new Set(s.records.map((r) => classifyRecord(r)).map((v) => (v.kind === 'mairie' ? v.townHall.insee : '?')))).toEqual(new Set(s.townHalls.keys()));
      }),
    );
  });

  it('finds the latest modification among "dd/mm/yyyy hh:mm:ss" dates', () => {
    const hall = (insee: string, date: string) => ({ id: insee, nom: 'Mairie', code_insee_commune: insee, pivot: [{ type_service_local: 'mairie', code_insee_commune: [insee] }], date_modification: date });
    expect(selectTownHalls([hall('45001', '22/12/2023 10:38:56'), hall('45002', '03/01/2024 08:00:00'), hall('45003', 'hier')], ['45']).latestModification).toBe('2024-01-03T08:00:00');
    expect(selectTownHalls([], ['45']).latestModification).toBeNull();
  });
});

describe('retries', () => {
  function scripted(answers: Array<number | { status: number; headers?: Record<string, string> }>): HttpClient & { calls: number } {
    const client = {
      calls: 0,
      get(url: string): Promise<HttpResponse> {
        const a = answers[client.calls++] ?? 200;
        const { status, headers = {} } = typeof a === 'number' ? { status: a } : a;
        return Promise.resolve({ status, headers: new Headers(headers), url, body: new TextEncoder().encode('{"message": "Invalid value for where API parameter"}') });
      },
    };
    return client;
  }

  it('backs off exponentially, takes Retry-After when given, and stops at the attempt limit', async () => {
    const waits: number[] = [];
    const client = scripted([503, { status: 429, headers: { 'retry-after': '7' } }, 500, 200]);
    const res = await getWithRetry(client, 'https://api.example/records', 'application/json', 'Annuaire', { attempts: 4, baseMs: 100, maxWaitMs: 60_000, sleep: async (ms) => void waits.push(ms) });
    expect(res.status).toBe(200);
    expect(waits).toEqual([100, 7000, 400]);

    const never = scripted([503, 503, 503, 503, 200]);
    await expect(getWithRetry(never, 'https://api.example/records', 'application/json', 'Annuaire', { attempts: 4, baseMs: 1, maxWaitMs: 1000, sleep: async () => undefined })).rejects.toThrow(/encore après 4 tentatives/);
    expect(never.calls).toBe(4);
  });

  it('does not retry a refusal that will not change, and shows the API’s reason', async () => {
    const client = scripted([400]);
    const err = await getWithRetry(client, 'https://api.example/records?where=x', 'application/json', 'Annuaire', { attempts: 4, baseMs: 1, maxWaitMs: 1000, sleep: async () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RelaisError);
    expect((err as Error).message).toBe('Annuaire : https://api.example/records?where=x a répondu 400 : Invalid value for where API parameter ; rien n\'a été écrit, les fichiers précédents sont conservés');
    expect(client.calls).toBe(1);
  });

  it('reads Retry-After in seconds or as a date, and the quota reset only for a 429', () => {
    const now = Date.parse('2026-11-30T10:00:00Z');
    expect(serverWaitMs(new Headers({ 'retry-after': '30' }), now)).toBe(30_000);
    expect(serverWaitMs(new Headers({ 'retry-after': 'Mon, 30 Nov 2026 10:01:00 GMT' }), now)).toBe(60_000);
    expect(serverWaitMs(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 90) }), now, 429)).toBe(90_000);
    expect(serverWaitMs(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 90) }), now, 503)).toBeUndefined();
    expect(serverWaitMs(new Headers(), now)).toBeUndefined();
  });
});

describe('answers that are not the expected JSON', () => {
  const response = (body: Uint8Array, type = 'application/json'): HttpResponse => ({ status: 200, headers: new Headers({ 'content-type': type }), url: 'https://api.example/records?where=startswith(code_insee_commune%2C%20%2245%22)', body });

  it('turn into a French RelaisError that names the address and never quotes the body', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom('application/json', 'text/html', 'text/plain'), (bytes, type) => {
        const body = new Uint8Array([...new TextEncoder().encode('{"secret-looking": "'), ...bytes]);
        try {
          jsonBody(response(body, type), 'Annuaire');
        } catch (err) {
          expect(err).toBeInstanceOf(RelaisError);
          expect((err as Error).message).toContain('https://api.example/records?where=startswith(code_insee_commune, "45")');
          expect((err as Error).message).not.toContain('secret-looking');
          return;
        }
        // Only a body that is JSON after all may pass.
        expect(type).not.toBe('text/html');
      }),
    );
  });

  it('tell a truncated document from an HTML page', () => {
    expect(() => jsonBody(response(new TextEncoder().encode('{"total_count": 3, "results": [{"id": "a"')), 'Annuaire')).toThrow(/n'est pas un JSON lisible \(réponse tronquée\)/);
    expect(() => jsonBody(response(new TextEncoder().encode('\uFEFF  <!DOCTYPE html><title>Maintenance</title>'), 'application/json'), 'Annuaire')).toThrow(/page HTML au lieu de données JSON/);
  });
});

describe('the RNE file and the comparison of two fetches', () => {
  it('dates the file from its dated folder on static.data.gouv.fr, else from Last-Modified', () => {
    expect(publicationDate('https://static.data.gouv.fr/resources/repertoire-national-des-elus-1/20251223-104211/elus-maires-mai.csv', null)).toBe('2025-12-23T10:42:11');
    expect(publicationDate('https://miroir.example/elus-maires-mai.csv', 'Tue, 23 Dec 2025 10:42:11 GMT')).toBe('2025-12-23T10:42:11.000Z');
    expect(publicationDate('https://miroir.example/elus-maires-mai.csv', null)).toBeNull();
  });

  const mayor = (insee: string, nom: string, prenom: string, sexe: string): MayorRecord => ({ line: 2, insee, departement: insee.slice(0, 2), libelle: `Commune ${insee}`, nom, prenom, sexe, fonction: '', reparations: [] });

  it('sees a change of sex or name, not a change of case', () => {
    const before = new Map([
      ['45001', mayor('45001', 'DUPONT', 'Camille', 'M')],
      ['45002', mayor('45002', 'Martin', 'Léa', 'F')],
      ['45003', mayor('45003', 'PETIT', 'Jean', 'M')],
    ]);
    const after = new Map([
      ['45001', mayor('45001', 'DUPONT', 'Camille', 'F')],
      ['45002', mayor('45002', 'MARTIN', 'LÉA', 'F')],
      ['45004', mayor('45004', 'GRAND', 'Inès', 'F')],
    ]);
    expect(diffMayors(before, after)).toEqual({
      changes: [{ insee: '45001', commune: 'Commune 45001', avant: 'Camille DUPONT (M)', apres: 'Camille DUPONT (F)' }],
      ajoutes: [{ insee: '45004', commune: 'Commune 45004', apres: 'Inès GRAND (F)' }],
      retires: [{ insee: '45003', commune: 'Commune 45003', avant: 'Jean PETIT (M)' }],
    });
  });

  it('compares emails without regard to case, and an email that appears is a change', () => {
    const hall = (insee: string, email: string) => ({ insee, nom: `Mairie - ${insee}`, email });
    const d = diffTownHalls(new Map([['45001', hall('45001', 'Mairie@Ville.fr')], ['45002', hall('45002', '')]]), new Map([['45001', hall('45001', 'mairie@ville.fr')], ['45002', hall('45002', 'accueil@ville2.fr')]]));
    expect(d).toEqual({ ajoutees: [], retirees: [], courriels: [{ insee: '45002', nom: 'Mairie - 45002', avant: '', apres: 'accueil@ville2.fr' }] });
  });
});

describe('shownUrl: the address as shown or written in provenance.json', () => {
  it('masks the values of credential parameters and keeps the others as written', () => {
    const shown = shownUrl('https://miroir.example.fr/elus-maires.csv?apikey=cle-secrete-0123456789&where=startswith(code%2C%2245%22)&X-Amz-Signature=abcdef0123456789#haut');
    expect(shown).toBe('https://miroir.example.fr/elus-maires.csv?apikey=***&where=startswith(code%2C%2245%22)&X-Amz-Signature=***#haut');
    expect(shownUrl('https://api.example.fr/records?where=x&limit=100')).toBe('https://api.example.fr/records?where=x&limit=100');
  });
});
