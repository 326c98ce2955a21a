import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyRecord, otherServicesOnly, TOWN_HALL_TYPES } from '../src/data/directory.js';
import { pivotOfOtherServices } from '../src/data/directory-files.js';
import { JsonRecordSplitter, type JsonItem } from '../src/data/json-records.js';
import { WALK_INVALID, WALK_MORE, walked, walkObject } from '../src/data/json-skim.js';
import { fuzzRuns, tallyFor } from './helpers/fuzz.js';

const tally = tallyFor('json-skim');

const KEY = Buffer.from('pivot');
const memberText = (buf: Buffer, start: number, end: number) => buf.toString('utf8', start, end);

/** What JSON.parse says of the bytes: the object, or undefined when they are no JSON object. */
function parsedObject(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Bytes that break JSON in the ways files get broken: quotes, escapes, controls, cut UTF-8, stray structure. */
const noise = fc.constantFrom(
  '"', '\\', '\\u', '\\u00e9', '\\x', '{', '}', '[', ']', ',', ':', ' ', '\n', '\t', '\r', '\u0001', '\u00a0', '\ufeff',
  'é', '0', '-', '01', '1.', '.5', '1e', '1e+', 'tru', 'true', 'nul', 'null', 'false', 'NaN', 'pivot', '"pivot":', 'mairie',
).map((s) => Buffer.from(s));
const rawByte = fc.integer({ min: 0, max: 255 }).map((b) => Buffer.from([b]));

/** An object as exports write it (a pivot often among its members), then damaged at a few places. */
const objects = fc
  .tuple(
    fc.dictionary(fc.oneof(fc.constantFrom('pivot', 'nom', 'adresse', 'id'), fc.string({ maxLength: 4 })), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
    fc.constantFrom(undefined, 0, 1, '\t'),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 2 }), fc.oneof(noise, rawByte)), { maxLength: 3 }),
  )
  .map(([object, indent, damages]) => {
    let bytes = Buffer.from(JSON.stringify(object, null, indent));
    for (const [at, remove, insert] of damages) {
      const i = at % (bytes.length + 1);
      bytes = Buffer.concat([bytes.subarray(0, i), insert, bytes.subarray(Math.min(bytes.length, i + remove))]);
    }
    return bytes;
  });

describe('a record walked as JSON.parse reads it (json-skim.ts)', () => {
  it('well-formed exactly when JSON.parse takes it, with the same last « pivot », and never done before its end (property)', () => {
    let n = 0;
    let broken = 0;
    fc.assert(
      fc.property(objects, (bytes) => {
        if (bytes[0] !== 0x7b) return;
        n++;
        const parsed = parsedObject(bytes);
        const end = walkObject(bytes, 0, bytes.length, KEY, memberText);
        if (parsed === undefined) {
          broken++;
          // Not an object JSON.parse takes: never walked as one (and no `}` before the end made it one).
          if (end >= 0) expect(/^[ \t\r\n]*$/.test(bytes.toString('latin1', end))).toBe(false);
          return;
        }
        expect(end).toBeGreaterThan(0);
        expect(/^[ \t\r\n]*$/.test(bytes.toString('latin1', end))).toBe(true);
        expect(walked.lines).toBe(bytes.subarray(0, end).filter((b) => b === 0x0a).length);
        if (walked.skimmed) expect(JSON.parse(walked.value as string)).toEqual(parsed.pivot);
        // Not skimmed with a pivot: only where a key written with an escape might have spelled it.
        else if (Object.hasOwn(parsed, 'pivot')) expect(bytes.includes(0x5c)).toBe(true);
        if (!bytes.includes(0x5c)) expect(walked.skimmed).toBe(Object.hasOwn(parsed, 'pivot'));
        // Cut anywhere before its closing brace, it asks for more: never an error, never done.
        for (const cut of [1, Math.floor(end / 3), Math.floor(end / 2), end - 1]) {
          if (cut > 0 && cut < end) expect(walkObject(bytes, 0, cut, KEY, memberText)).toBe(WALK_MORE);
        }
      }),
      fuzzRuns(3000),
    );
    // The generator must reach both sides, or the property proves little.
    expect(broken).toBeGreaterThan(n / 10);
    expect(n - broken).toBeGreaterThan(n / 10);
    tally.push(['fiche JSON parcourue comme JSON.parse la lit (abîmée ou non)', n]);
  });

  it('a key written with an escape that spells « pivot » (the last, for JSON.parse) is never skimmed past', () => {
    const text = '{"pivot":[{"type_service_local":"ccas"}],"pivo\\u0074":[{"type_service_local":"mairie","code_insee_commune":["45234"]}],"code_insee_commune":"45234"}';
    expect(classifyRecord(JSON.parse(text)).kind).toBe('mairie');
    const bytes = Buffer.from(`[${text}]`);
    const splitter = new JsonRecordSplitter({ key: 'pivot', read: pivotOfOtherServices });
    const items = [...splitter.push(bytes), ...splitter.end()];
    expect(items).toHaveLength(1);
    expect('value' in items[0]! && classifyRecord(items[0].value).kind).toBe('mairie');
  });

  it('what JSON.parse refuses is refused at the byte that breaks it, whatever follows', () => {
    const cases = ['{"a":01}', '{"a":1.}', '{"a":"\u0001"}', '{"a":"\\x"}', '{"a":tru}', '{"a" 1}', '{"a":1,}', '{"a":[1,]}', '{,}', '{"a":1]', '{"a":"\\u12G4"}', '{"a":1 "b":2}', '{"a":\u00a01}'];
    for (const text of cases) {
      const bytes = Buffer.from(`${text}\n, {"pivot": [] }`);
      expect(parsedObject(Buffer.from(text)), text).toBeUndefined();
      expect(walkObject(bytes, 0, bytes.length, KEY, memberText), text).toBe(WALK_INVALID);
    }
  });

  it('every town-hall type holds « mairie »: the word the pivot\'s fast path looks for (a type without it would be taken for another service)', () => {
    expect(TOWN_HALL_TYPES.length).toBeGreaterThan(0);
    for (const type of TOWN_HALL_TYPES) {
      expect(type).toContain('mairie');
      const bytes = Buffer.from(JSON.stringify([{ type_service_local: type, code_insee_commune: ['75056'] }]));
      expect(pivotOfOtherServices(bytes, 0, bytes.length)).toBeUndefined();
    }
  });

  it('a pivot is read from its bytes as otherService reads it parsed (property)', () => {
    const entry = fc.oneof(
      fc.record({ type_service_local: fc.constantFrom('mairie', ' mairie ', 'ccas', 'Mairie', 'mairie_mobile', '', 'ecole'), code_insee_commune: fc.array(fc.constantFrom('45234', '37261')) }, { requiredKeys: [] }),
      fc.jsonValue({ maxDepth: 1 }),
    );
    const list = fc.array(entry, { maxLength: 3 });
    // As JSON text too, as the API's JSON export writes nested fields (sometimes cut short).
    const asText = fc.tuple(fc.oneof(list, entry), fc.nat({ max: 3 })).map(([v, cut]) => JSON.stringify(v).slice(0, cut ? -cut : undefined));
    const pivots = fc.oneof(list, asText, fc.jsonValue({ maxDepth: 2 }));
    fc.assert(
      fc.property(pivots, fc.constantFrom(undefined, 1), fc.boolean(), (pivot, indent, escaped) => {
        let text = JSON.stringify(pivot, null, indent);
        // An escape can spell « mairie » without its letters: read as JSON.parse reads it.
        if (escaped) text = text.replace(/mairie/g, '\\u006dairie');
        const bytes = Buffer.from(`xx${text}yy`);
        // What classifyRecord says of a record with this pivot, whatever else it holds.
        const verdict = classifyRecord({ nom: 'X', pivot: JSON.parse(text), code_insee_commune: '45234' }).kind;
        expect(pivotOfOtherServices(bytes, 2, bytes.length - 2)).toBe(verdict === 'autre-service' ? true : undefined);
      }),
      fuzzRuns(2000),
    );
  });
});

describe('records skimmed by their pivot (JsonRecordSplitter with a skim)', () => {
  const service = (type: string) => ({ id: 'x', nom: `${type} - Orléans`, pivot: [{ type_service_local: type, code_insee_commune: ['45234'] }], code_insee_commune: '45234', adresse_courriel: ['x@mairie-orleans.example'] });
  const palette = fc.oneof(
    fc.constantFrom(service('mairie'), service('ccas'), service('ecole'), { ...service('ccas'), pivot: JSON.stringify(service('ccas').pivot) }, { ...service('mairie'), pivot: JSON.stringify(service('mairie').pivot) }, { fields: service('ccas') }, { nom: 'sans pivot' }, 42, 'texte', null),
    fc.jsonValue({ maxDepth: 2 }),
  );
  const damaged = (bytes: Buffer, at: number) => Buffer.concat([bytes.subarray(0, at % (bytes.length + 1)), Buffer.from('"'), bytes.subarray(at % (bytes.length + 1))]);

  it('give the same records as a splitter without it, each other service skimmed (property)', () => {
    let n = 0;
    let skimmed = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(palette, fc.option(fc.nat(), { nil: undefined })), { maxLength: 8 }),
        fc.constantFrom(undefined, 1, '\t'),
        fc.integer({ min: 1, max: 96 }),
        (records, indent, size) => {
          n++;
          // Some records damaged by a stray quote, as a hand edit leaves them.
          const parts = records.map(([r, at]) => {
            const b = Buffer.from(JSON.stringify(r, null, indent) ?? 'null');
            return at === undefined ? b : damaged(b, at);
          });
          const bytes = Buffer.concat([Buffer.from('{"service": [\n'), ...parts.flatMap((p, i) => (i ? [Buffer.from(',\n'), p] : [p])), Buffer.from('\n]}')]);
          const run = (splitter: JsonRecordSplitter): { items: JsonItem[]; error?: string } => {
            const items: JsonItem[] = [];
            try {
              for (let i = 0; i < bytes.length; i += size) items.push(...splitter.push(bytes.subarray(i, i + size)));
              items.push(...splitter.end());
              return { items };
            } catch (err) {
              return { items, error: (err as Error).message };
            }
          };
          const plain = run(new JsonRecordSplitter());
          const skim = run(new JsonRecordSplitter({ key: 'pivot', read: pivotOfOtherServices }));
          expect(skim.error).toEqual(plain.error);
          if (plain.error) return;
          // A run of skimmed records stands for `count` of them in a row, from its index and line.
          const skimmedRecords = skim.items.flatMap((s): Array<JsonItem & { first: boolean }> => ('skimmed' in s ? Array.from({ length: s.count }, (_, k) => ({ ...s, index: s.index + k, first: k === 0 })) : [{ ...s, first: true }]));
          expect(skimmedRecords.length).toBe(plain.items.length);
          plain.items.forEach((p, i) => {
            const { first, ...s } = skimmedRecords[i]!;
            expect(s.index).toBe(p.index);
            if (first) expect(s.line).toBe(p.line);
            const other = 'value' in p && !!p.value && typeof p.value === 'object' && !Array.isArray(p.value) && (p.value as { pivot?: unknown }).pivot !== undefined && otherServicesOnly((p.value as { pivot: unknown }).pivot);
            if ('skimmed' in s) {
              skimmed++;
              expect(other).toBe(true);
              expect(classifyRecord((p as { value: unknown }).value).kind).toBe('autre-service');
            } else {
              // Every other service with a pivot list is skimmed; everything else is as before.
              expect(other).toBe(false);
              expect(s).toEqual(p);
            }
          });
        },
      ),
      fuzzRuns(800),
    );
    expect(skimmed).toBeGreaterThan(0);
    tally.push(['fiches lues par leur seul pivot, comme lues entières', n]);
  });

  it('other services in a row come as one run, counted, between the records read whole', () => {
    const bytes = Buffer.from(`[\n${[service('ccas'), service('ecole'), service('ccas'), service('mairie'), service('police_municipale'), service('ccas')].map((r) => JSON.stringify(r)).join(',\n')}\n]`);
    const splitter = new JsonRecordSplitter({ key: 'pivot', read: pivotOfOtherServices });
    const items = [...splitter.push(bytes), ...splitter.end()];
    expect(items.map((i) => ('skimmed' in i ? `${i.count} dès n° ${i.index}, ligne ${i.line}` : 'value' in i ? (i.value as { nom: string }).nom : 'erreur'))).toEqual([
      '3 dès n° 1, ligne 2',
      'mairie - Orléans',
      '2 dès n° 5, ligne 6',
    ]);
  });

  it('a record longer than a megabyte, fed in small chunks, is read once through (not walked again at every chunk)', () => {
    const big = { ...service('ccas'), horaires: 'x'.repeat(3 << 20) };
    const bytes = Buffer.from(JSON.stringify([service('mairie'), big, service('ecole')]));
    const splitter = new JsonRecordSplitter({ key: 'pivot', read: pivotOfOtherServices });
    const items: JsonItem[] = [];
    for (let i = 0; i < bytes.length; i += 1 << 16) items.push(...splitter.push(bytes.subarray(i, i + (1 << 16))));
    items.push(...splitter.end());
    expect(items.map((i) => ('skimmed' in i ? 'skimmed' : 'value' in i ? ((i.value as { nom: string }).nom) : 'error'))).toEqual(['mairie - Orléans', 'ccas - Orléans', 'skimmed']);
    // And cut in its middle by the end of the file: the cut is said, with the record it is in.
    const cut = new JsonRecordSplitter({ key: 'pivot', read: pivotOfOtherServices });
    const half = bytes.subarray(0, bytes.length >> 1);
    expect(() => {
      for (let i = 0; i < half.length; i += 1 << 16) cut.push(half.subarray(i, i + (1 << 16)));
      cut.end();
    }).toThrow(/tronqué.*fiche n° 2/);
  });

  it('a record cut by the end of the file, shorter than a chunk: the cut is said, with the record it is in', () => {
    const bytes = Buffer.from(`[${JSON.stringify(service('ccas'))},\n${JSON.stringify(service('ecole')).slice(0, 40)}`);
    const splitter = new JsonRecordSplitter({ key: 'pivot', read: pivotOfOtherServices });
    expect(splitter.push(bytes)).toEqual([{ index: 1, line: 1, skimmed: true, count: 1 }]);
    expect(() => splitter.end()).toThrow(/tronqué.*fiche n° 2 \(commencée ligne 2\)/);
  });

  it('a « ] » left out in a hand edit: the records before it are given, the fault is said where it is, with its record', () => {
    const lines = ['[', ...[1, 2, 3, 4].map((n) => `${JSON.stringify({ ...service('mairie'), id: `r${n}` })},`), `${JSON.stringify(service('ecole'))}`, ']'];
    lines[2] = lines[2]!.replace('"code_insee_commune":["45234"]', '"code_insee_commune":["45234"');
    expect(lines[2]).not.toBe(JSON.stringify(service('mairie')));
    const bytes = Buffer.from(lines.join('\n'));
    for (const size of [7, 200, bytes.length]) {
      const splitter = new JsonRecordSplitter({ key: 'pivot', read: pivotOfOtherServices });
      const items: JsonItem[] = [];
      let error: Error | undefined;
      try {
        for (let i = 0; i < bytes.length; i += size) items.push(...splitter.push(bytes.subarray(i, i + size)));
        items.push(...splitter.end());
      } catch (err) {
        error = err as Error;
      }
      // Record 1 is given, whatever chunk the fault shares with it; record 2 is where the file breaks.
      expect(items.map((i) => i.index), `chunks of ${size}`).toEqual([1]);
      expect(error?.message).toBe('la fiche n° 2 (ligne 3) est mal formée : le « [ » ouvert ligne 3 est refermé par un « } » ligne 3 : il y manque sans doute un « ] » ; corrigez-la, les fiches qui la suivent n\'ont pas été lues');
      expect((error as { line?: number }).line).toBe(3);
    }
  });

  it('a file that stops between records: a whole sentence, naming what is left open and both ways out', () => {
    const splitter = new JsonRecordSplitter();
    splitter.push(Buffer.from(`[\n${JSON.stringify(service('ccas'))},\n${JSON.stringify(service('ecole'))}\n`));
    expect(() => splitter.end()).toThrow("fichier JSON tronqué : il s'arrête avant la fin de la liste des fiches sans refermer le « [ » ouvert ligne 1 ; s'il a été coupé au téléchargement, retéléchargez-le, et si c'est une correction faite à la main, refermez ce qui est resté ouvert");
  });
});
