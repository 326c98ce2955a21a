import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newAccount } from '../src/campaign/accounting.js';
import type { TownHallContact } from '../src/campaign/contacts-source.js';
import { readDirectory } from '../src/campaign/directory-read.js';
import { communeReference } from '../src/data/cog.js';
import { classifyRecord, NATIONAL_SERVICE, RECORD_MEMBERS, TOWN_HALL_TYPES, townHallVerdict } from '../src/data/directory.js';
import { nativeItems, pivotOfOtherServices, type DirectoryItem } from '../src/data/directory-files.js';
import { JsonRecordSplitter } from '../src/data/json-records.js';
import { nativeScanner, type NativeScanResult } from '../src/data/native-scan.js';
import { ProblemList } from '../src/problems.js';
import { fuzzRuns, tallyFor } from './helpers/fuzz.js';

/**
 * The directory's native scanner (native/directory-scan.c) against the JavaScript reader it stands
 * in for: where it answers, the reader of the records learns exactly what it learns from the
 * JavaScript reader; where the file is out of the ordinary, it answers « fallback » and the
 * JavaScript reader reads the file.
 */
const tally = tallyFor('native-scan');
const native = nativeScanner();

/** The JavaScript reader's records of a whole document (what directory-files.ts gives without the scanner), or its error. */
function jsItems(bytes: Buffer): { items: DirectoryItem[]; error?: string } {
  const splitter = new JsonRecordSplitter({ key: 'pivot', read: pivotOfOtherServices });
  const items: DirectoryItem[] = [];
  const take = (list: ReturnType<JsonRecordSplitter['push']>) => {
    for (const i of list) items.push('skimmed' in i ? { index: i.index, line: i.line, otherService: { count: i.count } } : i);
  };
  try {
    let body = bytes;
    if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) body = body.subarray(3);
    take(splitter.push(body));
    take(splitter.end());
    return { items };
  } catch (err) {
    return { items, error: (err as Error).message };
  }
}

/** The scanner's answer (undefined only when it could not be made, out of memory). */
function answer(result: NativeScanResult): NonNullable<NativeScanResult> {
  if (result === undefined) throw new Error('le lecteur natif n’a pas pu faire sa réponse');
  return result;
}

function scan(bytes: Buffer): NonNullable<NativeScanResult> {
  return answer(native!.scanBuffer(bytes, RECORD_MEMBERS, TOWN_HALL_TYPES));
}

/** A record's name or id as directory-read.ts reads them. */
const field = (v: unknown, key: string) => {
  const f = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return typeof f === 'string' ? f.trim() : '';
};

/**
 * What a reader of the directory (directory-read.ts) learns of each record: another service,
 * counted (skimmed, or read whole and so classified: the scanner reads whole a pivot that merely
 * holds the word « mairie »), a rejection and why, or its verdict and names.
 */
function outcomes(items: DirectoryItem[]): unknown[] {
  return items.flatMap((item): unknown[] => {
    if (item.otherService) return Array.from({ length: item.otherService.count }, (_, k) => ({ index: item.index + k, other: true }));
    if (item.error !== undefined) return [{ index: item.index, line: item.line, error: item.error }];
    // As directory-read.ts reads them: a plain town hall by its fields, any other record whole.
    const verdict = item.fields ? townHallVerdict(item.fields) : classifyRecord(item.value);
    if (verdict.kind === 'autre-service' && verdict.type !== NATIONAL_SERVICE) return [{ index: item.index, other: true }];
    const names = item.fields ?? { nom: field(item.value, 'nom'), id: field(item.value, 'id') };
    return [{ index: item.index, line: item.line, verdict, nom: names.nom, id: names.id }];
  });
}

const service = (type: string, extra: Record<string, unknown> = {}) => ({
  id: `id-${type}`,
  nom: `${type} - Orléans`,
  pivot: [{ type_service_local: type, code_insee_commune: ['45234'] }],
  code_insee_commune: '45234',
  date_modification: '22/12/2023 10:38:56',
  adresse: [{ type_adresse: 'Adresse postale', complement1: '', numero_voie: '1 place de l’Étape', code_postal: '45000', nom_commune: 'Orléans', pays: 'France', latitude: '47.9', longitude: '1.9' }],
  adresse_courriel: ['mairie@orleans.example'],
  telephone: [{ valeur: '02 38 79 22 22', description: '' }],
  plage_ouverture: [{ nom_jour_debut: 'Lundi', valeur_heure_debut_1: '08:30:00' }],
  site_internet: [{ valeur: 'https://www.orleans.example', description: '' }],
  ...extra,
});

/** Records as the published files hold them, and as hand edits and other exports leave them. */
const palette = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(service('mairie'), service('ccas'), service('ecole'), service('police_municipale'), service('mairie', { nom: 'Mairie déléguée - La Source' })) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      // The API's export: nested fields as JSON text.
      { ...service('ccas'), pivot: JSON.stringify(service('ccas').pivot) },
      { ...service('mairie'), pivot: JSON.stringify(service('mairie').pivot), adresse: JSON.stringify(service('mairie').adresse) },
      // Older APIs wrap each record.
      { fields: service('mairie') },
      { record: { fields: service('ccas') } },
      // A « mairie » that is no town-hall type, an escape in a key or a value, a second pivot.
      service('ccas', { nom: 'CCAS - près de la mairie', pivot: [{ type_service_local: 'ccas', commentaire: 'voir la mairie' }] }),
      JSON.parse('{"nom":"Mairie - Tours","pivo\\u0074":[{"type_service_local":"mairie","code_insee_commune":["37261"]}],"code_insee_commune":"37261"}') as unknown,
      service('mairie', { nom: 'Mairie \u2013 « Saint-Jean-de-Braye »\\', id: 'a"b' }),
      { ...service('ccas'), pivot: [{ type_service_local: 'ccas' }], pivot2: 1 },
      { pivot: [], nom: 'Service national' },
      { nom: 'sans pivot', code_insee_commune: '45234' },
      {},
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** A stray quote, brace or byte where a hand edit leaves one. */
const damage = fc.constantFrom('"', '{', '}', ']', ',', '\\', '\u0001', 'x', '\n');

const documents = fc
  .record({
    records: fc.array(fc.tuple(palette, fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.tuple(fc.nat(), damage) })), { maxLength: 10 }),
    root: fc.constantFrom('array', 'service', 'results', 'records', 'other-key', 'object-after'),
    indent: fc.constantFrom(undefined, 1, '\t'),
    bom: fc.boolean(),
    crlf: fc.boolean(),
  })
  .map(({ records, root, indent, bom, crlf }) => {
    const parts = records.map(([r, hurt]) => {
      let text = JSON.stringify(r, null, indent) ?? 'null';
      if (hurt) {
        const at = hurt[0] % (text.length + 1);
        text = text.slice(0, at) + hurt[1] + text.slice(at);
      }
      return text;
    });
    let list = `[\n${parts.join(',\n')}\n]`;
    if (root === 'array') list = `${list}\n`;
    else if (root === 'other-key') list = `{"meta": {"total": ${records.length}}, "service": ${list}}`;
    else if (root === 'object-after') list = `{"service": ${list}, "total": ${records.length}}`;
    else list = `{"${root}": ${list}}\n`;
    if (crlf) list = list.replace(/\n/g, '\r\n');
    const undamaged = records.every(([r, hurt]) => hurt === undefined && !!r && typeof r === 'object' && !Array.isArray(r));
    return { bytes: Buffer.from(bom ? `\ufeff${list}` : list), usual: undamaged && ['array', 'service', 'results', 'records'].includes(root) };
  });

describe('the native scanner of the directory (native/directory-scan.c)', () => {
  it('is built by npm run build (python3, make and g++ are on these machines)', () => {
    expect(native).toBeDefined();
  });

  it('where it answers, a reader learns of every record what the JavaScript reader says; a usual export is never left to JavaScript (property)', () => {
    let n = 0;
    let answered = 0;
    let fellBack = 0;
    fc.assert(
      fc.property(documents, ({ bytes, usual }) => {
        n++;
        const js = jsItems(bytes);
        const nat = scan(bytes);
        expect('errno' in nat).toBe(false);
        if ('items' in nat) {
          answered++;
          // Nothing it answers for is an error of the JavaScript reader's: those it leaves to it.
          expect(js.error).toBeUndefined();
          expect(js.items.some((i) => i.error !== undefined)).toBe(false);
          expect(outcomes([...nativeItems(nat)].flat())).toEqual(outcomes(js.items));
        } else {
          fellBack++;
          expect(usual).toBe(false);
        }
      }),
      fuzzRuns(1500),
    );
    // Both sides reached, or the property proves little.
    expect(answered).toBeGreaterThan(n / 4);
    expect(fellBack).toBeGreaterThan(n / 20);
    tally.push(['export lu par le lecteur natif comme par JavaScript', n]);
  });

  it('hands over a plain town hall as its fields, another record with the members the readers read, and one whose key is written with an escape whole', () => {
    const notPlain = { ...service('mairie'), adresse: JSON.stringify(service('mairie').adresse) };
    const escaped = '{"nom":"Mairie - Tours","pivo\\u0074":[{"type_service_local":"mairie","code_insee_commune":["37261"]}],"code_insee_commune":"37261"}';
    const bytes = Buffer.from(`[${JSON.stringify(service('mairie'))},\n${JSON.stringify(notPlain)},\n${escaped}]`);
    const nat = scan(bytes);
    if (!('items' in nat)) throw new Error('le lecteur natif a renvoyé à JavaScript un export ordinaire');
    const [plain, stripped, whole] = [...nativeItems(nat)].flat();
    expect(plain!.value).toBeUndefined();
    expect(plain!.fields).toEqual({
      ownInsee: '45234',
      type: 'mairie',
      codes: ['45234'],
      nom: 'mairie - Orléans',
      id: 'id-mairie',
      date: '22/12/2023 10:38:56',
      adresse: { type: 'Adresse postale', complement1: '', complement2: '', voie: '1 place de l’Étape', distribution: '', codePostal: '45000', localite: 'Orléans' },
      courriels: ['mairie@orleans.example'],
      telephone: '02 38 79 22 22',
      illisibles: [],
    });
    expect(townHallVerdict(plain!.fields!)).toEqual(classifyRecord(service('mairie')));
    const { plage_ouverture: _p, site_internet: _s, ...read } = notPlain;
    expect(stripped!.value).toEqual(read);
    expect(Object.keys(stripped!.value as object).every((k) => RECORD_MEMBERS.includes(k))).toBe(true);
    expect(whole!.value).toEqual(JSON.parse(escaped));
    expect(classifyRecord(whole!.value).kind).toBe('mairie');
  });

  it('reads a plain town hall\'s fields as classifyRecord reads them: blanks, escapes, lists and addresses (property)', () => {
    // Mostly what plain records hold, sometimes what makes a record not plain (blanks at an end,
    // escapes, other types), so that both sides are reached.
    const plain = fc.constantFrom('', 'Orléans', 'É', 'œuvre', 'Adresse', 'ADRESSE postale', 'postale', 'Adresse géopostale', 'adresse', '45234', '4523', '2A004', '37261', '01400', '1400', 'mairie@orleans.example', '02 38 79 22 22', '22/12/2023 10:38:56', 'Mairie annexe - X');
    const odd = fc.oneof(fc.constantFrom(' Orléans', 'Orléans\u00a0', '\u2009x', 'x\ufeff', 'a"b', 'a\\b', 'adresse ', null, 42, ['x'], { valeur: 'x' }), fc.string({ maxLength: 6 }));
    const value = fc.oneof({ weight: 25, arbitrary: plain }, { weight: 1, arbitrary: odd });
    const entry = fc.record({ type_service_local: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('mairie', 'mairie_com', 'paris_mairie_arrondissement', 'ccas') }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom(' mairie', 'Mairie'), value) }), code_insee_commune: fc.oneof(value, fc.array(value, { maxLength: 3 })) }, { requiredKeys: [] });
    const address = fc.record({ type_adresse: value, complement1: value, numero_voie: value, code_postal: value, nom_commune: value, pays: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] });
    const record = fc.record(
      {
        id: value,
        nom: value,
        code_insee_commune: value,
        date_modification: value,
        pivot: fc.array(entry, { minLength: 1, maxLength: 3 }),
        adresse: fc.oneof(fc.array(address, { maxLength: 3 }), value),
        adresse_courriel: fc.oneof(fc.array(value, { maxLength: 3 }), value),
        telephone: fc.oneof(fc.array(fc.oneof(fc.record({ valeur: value, description: value }, { requiredKeys: [] }), value), { maxLength: 3 }), value),
        horaires: fc.jsonValue({ maxDepth: 2 }),
      },
      { requiredKeys: ['pivot'] },
    );
    let packed = 0;
    fc.assert(
      fc.property(record, (r) => {
        const nat = scan(Buffer.from(`[${JSON.stringify(r)}]`));
        if (!('items' in nat)) throw new Error('le lecteur natif a renvoyé à JavaScript un export ordinaire');
        const [item] = [...nativeItems(nat)].flat();
        // Packed or handed over whole, the record says what classifyRecord says of it.
        packed += item!.fields ? 1 : 0;
        expect(outcomes([item!])).toEqual([{ index: 1, line: 1, verdict: classifyRecord(r), nom: field(r, 'nom'), id: field(r, 'id') }].map((o) => (o.verdict.kind === 'autre-service' && o.verdict.type !== NATIONAL_SERVICE ? { index: 1, other: true } : o)));
      }),
      fuzzRuns(3000),
    );
    expect(packed).toBeGreaterThan(100);
    tally.push(['mairie simple lue par ses champs comme classifyRecord la lit', packed]);
  });

  it('classifyRecord reads no member of a record but those the scanner hands over', () => {
    const records = [service('mairie'), service('ccas'), { ...service('mairie'), pivot: JSON.stringify(service('mairie').pivot) }, service('mairie', { adresse: '{broken' }), { nom: 'sans pivot' }, { pivot: [] }, { fields: service('mairie') }];
    for (const record of records) {
      const read = new Set<string>();
      const watched = new Proxy(record as Record<string, unknown>, {
        get: (target, key) => {
          if (typeof key === 'string') read.add(key);
          return target[key as string];
        },
        has: (target, key) => {
          if (typeof key === 'string') read.add(key);
          return key in target;
        },
      });
      classifyRecord(watched);
      field(watched, 'nom');
      field(watched, 'id');
      expect([...read].filter((k) => !RECORD_MEMBERS.includes(k))).toEqual([]);
    }
  });

  it('reads a file as it reads its bytes, on a thread of its own; a file it cannot open is an errno for JavaScript to say', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relais-native-'));
    const path = join(dir, 'annuaire.json');
    // Larger than one read of the scanner (4 MB): records cut between two reads.
    const body = Array.from({ length: 12_000 }, (_, i) => JSON.stringify(service(i % 3 ? 'ccas' : 'mairie', { id: `id-${i}` }))).join(',\n');
    writeFileSync(path, `{"service": [\n${body}\n]}`);
    const bytes = readFileSync(path);
    expect(bytes.length).toBeGreaterThan(4 << 20);
    const fromFile = answer(await native!.scanFile(path, RECORD_MEMBERS, TOWN_HALL_TYPES));
    const fromBytes = scan(bytes);
    if (!('items' in fromFile) || !('items' in fromBytes)) throw new Error('le lecteur natif a renvoyé à JavaScript un export ordinaire');
    expect([...fromFile.items]).toEqual([...fromBytes.items]);
    expect(fromFile.records.equals(fromBytes.records)).toBe(true);
    expect(outcomes([...nativeItems(fromFile)].flat())).toEqual(outcomes(jsItems(bytes).items));
    expect(await native!.scanFile(join(dir, 'absent.json'), RECORD_MEMBERS, TOWN_HALL_TYPES)).toEqual({ errno: 2 });
  });

  it('refuses what it is called with wrongly as JavaScript would, without crashing the process', () => {
    const members = ['id'];
    Object.defineProperty(members, 0, { get: () => { throw new Error('getter'); } });
    expect(() => native!.scanBuffer(Buffer.from('[{"id":1}]'), members, TOWN_HALL_TYPES)).toThrow('getter');
    expect(() => native!.scanFile(join(tmpdir(), 'a.json'), members, TOWN_HALL_TYPES)).toThrow('getter');
    // A path that a NUL byte cuts short would open another file.
    expect(() => native!.scanFile(`${join(import.meta.dirname, '..', 'data', 'annuaire-mairies.json')}\0/etc/passwd`, RECORD_MEMBERS, TOWN_HALL_TYPES)).toThrow('octet nul');
  });

  it('the sample directory gives the same town halls, accounts and warnings read by it or by JavaScript', async () => {
    const bytes = readFileSync(join(import.meta.dirname, '..', 'data', 'annuaire-mairies.json'));
    const ref = communeReference();
    const campaign = { departements: [{ code: '37', nom: 'Indre-et-Loire' }, { code: '45', nom: 'Loiret' }] } as Parameters<typeof readDirectory>[0];
    const read = async (items: DirectoryItem[]) => {
      const problems = new ProblemList();
      const account = newAccount('annuaire.json', 'mairies', 'annuaire DILA (JSON)');
      const contacts = new Map<string, TownHallContact>();
      const rejected = new Map<string, number>();
      async function* batches() {
        yield items;
      }
      const complete = await readDirectory(campaign, ref, problems, batches(), 'annuaire.json', account, contacts, rejected);
      return { complete, account, contacts: [...contacts], rejected: [...rejected], problems: problems.items };
    };
    const nat = scan(bytes);
    if (!('items' in nat)) throw new Error('le lecteur natif a renvoyé à JavaScript l’annuaire d’exemple');
    const byNative = await read([...nativeItems(nat)].flat());
    expect(byNative.contacts.length).toBeGreaterThan(100);
    expect(byNative).toEqual(await read(jsItems(bytes).items));
  });
});
