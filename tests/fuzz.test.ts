import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCampaign } from '../src/campaign/load.js';
import { openTable } from '../src/data/table.js';
import { parseDue } from '../src/delivery/time.js';
import { RelaisError } from '../src/errors.js';
import { TemplateError, TemplateSet } from '../src/text/templates.js';
import { openFastTable } from '../src/tracker/fast-csv.js';
import { parseDay } from '../src/tracker/cells.js';
import { tempDir } from './helpers/campaign.js';
import { fuzzRuns, tallyFor } from './helpers/fuzz.js';

/**
 * Every reader under random and mutated input: a result, or one of relais's own errors — never an
 * uncaught exception or a hang. Seeded, so a failure reproduces; `npm run fuzz` runs many more.
 */
const runs = fuzzRuns;
/** What was tried, for the table of `npm run fuzz`. */
const tally = tallyFor('fuzz-readers');

const dir = tempDir('relais-fuzz-');
let counter = 0;
const file = (content: string | Uint8Array, name = 'f.csv') => {
  const path = join(dir, `${counter++}-${name}`);
  writeFileSync(path, content);
  return path;
};

async function drain(rows: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of rows) void _;
}

const csvish = fc.string({ unit: fc.constantFrom(...'ab;,\t"\n\r é€0123456789-/:'.split('')), maxLength: 300 });

describe('fuzzing the readers', () => {
  it('the CSV/TSV reader', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(csvish, fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1'))), async (text) => {
        n++;
        try {
          await drain((await openTable(file(Buffer.from(text, 'latin1')))).rows);
        } catch (err) {
          expect(err).toBeInstanceOf(RelaisError);
        }
      }),
      runs(3000, { test: 1000 }),
    );
    tally.push(['CSV (maires, mairies)', n]);
  });

  it('the sign-up exports reader', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(csvish, async (text) => {
        n++;
        try {
          const t = await openFastTable(file(`id;date_inscription;departement\n${text}`), 'i.csv');
          await t.scan(() => undefined);
        } catch (err) {
          expect(err).toBeInstanceOf(RelaisError);
        }
      }),
      runs(3000, { test: 1000 }),
    );
    tally.push(['exports des inscriptions', n]);
  });

  /** What YAML itself reads specially: anchors, aliases, tags, merge keys, flow and block markers, directives. */
  const yamlPieces = fc
    .array(fc.constantFrom('&a ', '*a', '*b', '<<: *a', '!!str ', '!!binary ', '!custom ', '{', '}', '[', ']', '- ', ': ', '? ', '\n  ', '\n', '"', "'", '|\n', '>-\n', '%YAML 1.2\n', '---\n', '...\n', '#', ',', 'x', '45'), { maxLength: 8 })
    .map((pieces) => pieces.join(''));

  it('campagne.yaml', async () => {
    const base = `campagne:\n  titre: T\n  objet: O\n  date: 2020-04-10\n  plateforme: { nom: p, url: "https://p.fr", lancement: 2020-03-26 }\nregion: 24\nars:\n  nom: ARS\n  signataire: { prenom: L, nom: H, genre: M }\ndepartements:\n  "45": { prefet: { prenom: P, nom: P, genre: M } }\nsources:\n  maires: m.csv\n`;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(base.length), fc.nat(base.length), fc.oneof(fc.string({ maxLength: 12 }), yamlPieces), async (from, to, insert) => {
        n++;
        const campaign = join(dir, `c${counter++}`);
        mkdirSync(campaign);
        writeFileSync(join(campaign, 'campagne.yaml'), base.slice(0, Math.min(from, to)) + insert + base.slice(Math.max(from, to)));
        const { problems } = await loadCampaign(campaign);
        for (const p of problems.items) expect(p.file).toBeDefined();
      }),
      runs(2000),
    );
    tally.push(['campagne.yaml', n]);
  });

  it('templates', () => {
    let n = 0;
    const piece = fc.constantFrom('{{', '}}', '#if', '/if', 'x', ' ', 'commune.nom', '{{else}}', '(', ')', 'date', 'nombre', '"2020-13-45"', '{{!', '--}}', '\n', '~', '^', '>');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }).map((a) => a.join('')), (source) => {
        n++;
        try {
          new TemplateSet([{ name: 't', file: 't.hbs', source }]).render('t', { commune: { nom: 'Tours' }, x: 1 });
        } catch (err) {
          expect(err).toBeInstanceOf(TemplateError);
        }
      }),
      runs(2000),
    );
    tally.push(['modèles', n]);
  });

  it('--at dates and sign-up dates', () => {
    let n = 0;
    const now = new Date('2020-04-10T10:00:00Z');
    const dateish = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: fc.constantFrom(...'0123456789-:/ TZ+'.split('')), maxLength: 26 }));
    fc.assert(
      fc.property(dateish, fc.constantFrom('Europe/Paris', 'America/Cayenne', 'Pacific/Noumea', 'Nulle/Part'), (text, tz) => {
        n++;
        parseDay(text);
        try {
          parseDue(text, tz, now, { allowPast: true });
        } catch (err) {
          expect(err).toBeInstanceOf(RelaisError);
        }
      }),
      runs(3000),
    );
    tally.push(['dates (--at, inscriptions)', n]);
  });
});
