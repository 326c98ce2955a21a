import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referencedPaths } from '../src/text/dependencies.js';
import { HELPER_NAMES, TemplateError, TemplateSet } from '../src/text/templates.js';

const helpers = new Set(HELPER_NAMES);

describe('template dependencies', () => {
  it('lists the values a template reads, with the fields helpers use', () => {
    expect(referencedPaths('{{#if a.b}}{{salutation maire}}{{else}}{{nombre (arrondi v.n 100)}}{{/if}} {{de departement}}', helpers)).toEqual([
      ['a', 'b'],
      ['maire', 'sexe'],
      ['v', 'n'],
      ['departement', 'nom'],
      ['departement', 'typeLiaison'],
    ]);
  });

  it.each(['{{#each list}}{{nom}}{{/each}}', '{{#with commune}}{{nom}}{{/with}}', '{{../x}}', '{{@root.x}}', '{{this}}'])('gives up on %s', (source) => {
    expect(referencedPaths(source, helpers)).toBeNull();
  });

  it('a memoised render equals a fresh render, errors included', () => {
    const source = "{{#if d.f}}{{d.f}}{{else}}{{salutation maire}}{{/if}}, {{commune.nom}} {{de commune}} {{#if maire}}{{maire.nom}}{{/if}}";
    const memoised = new TemplateSet([{ name: 't', file: 't.hbs', source }]);
    const sex = fc.constantFrom('F', 'M', 'X');
    const context = fc.record({
      d: fc.record({ f: fc.option(fc.constantFrom('Mesdames et Messieurs', ''), { nil: null }) }),
      maire: fc.option(fc.record({ sexe: sex, nom: fc.constantFrom('A', 'B') }), { nil: null }),
      commune: fc.oneof(fc.record({ nom: fc.constantFrom('Tours', 'Le Mans', "L'Île"), typeLiaison: fc.integer({ min: 0, max: 5 }) }), fc.constant({} as { nom: string; typeLiaison: number })),
    });
    fc.assert(
      fc.property(context, (ctx) => {
        const fresh = new TemplateSet([{ name: 't', file: 't.hbs', source }]);
        const run = (set: TemplateSet) => {
          try {
            return set.render('t', ctx);
          } catch (err) {
            expect(err).toBeInstanceOf(TemplateError);
            return `error: ${(err as Error).message}`;
          }
        };
        expect(run(memoised)).toBe(run(fresh));
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  it('a département keyer gives equal keys exactly when keyFor of the merged contexts does (property)', () => {
    const source = "{{#if d.f}}{{d.f}}{{else}}{{salutation maire}}{{/if}}, {{commune.nom}} {{de commune}} {{#if maire}}{{maire.nom}}{{/if}} {{v}} {{mairie.adresse}}";
    const set = new TemplateSet([{ name: 't', file: 't.hbs', source }]);
    const shared = fc.record({ d: fc.record({ f: fc.option(fc.constantFrom('Mesdames', ''), { nil: null }) }), v: fc.constantFrom({ lien: 'a' }, { lien: 'b' }, null) });
    const own = fc.record({
      commune: fc.oneof(fc.record({ nom: fc.constantFrom('Tours', 'Le Mans'), typeLiaison: fc.integer({ min: 0, max: 2 }) }), fc.constant({})),
      maire: fc.option(fc.record({ sexe: fc.constantFrom('F', 'M'), nom: fc.constantFrom('A', 'B') }), { nil: null }),
      mairie: fc.record({ adresse: fc.constantFrom(['MAIRIE', '37000 TOURS'], ['MAIRIE']) }),
    });
    fc.assert(
      fc.property(shared, fc.array(own, { minLength: 2, maxLength: 8 }), (dep, recipients) => {
        // One keyer per département: its shared values are the same for all its recipients.
        const keyer = set.keyerFor(['commune', 'maire', 'mairie'])!;
        const split = recipients.map((r) => keyer(r));
        const merged = recipients.map((r) => set.keyFor({ ...dep, ...r }));
        for (let i = 0; i < recipients.length; i++) for (let j = 0; j < i; j++) expect(split[i] === split[j]).toBe(merged[i] === merged[j]);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
