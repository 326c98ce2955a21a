/**
 * `npm run data:sample`: writes the sample campaign's data for the 1,754 communes of
 * Centre-Val de Loire (région 24): data/maires.csv (RNE format), data/annuaire-mairies.json (the
 * DILA directory as its API exports it: every local service, several per commune), and two
 * overlapping exports of volunteer sign-ups.
 * Deterministic: running it again changes nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { communeReference } from '../src/data/cog.js';
import { packageRoot } from '../src/paths.js';
import { RNE_HEADER, generate, toCsv } from './lib/people.js';
import { generateSignups, SIGNUP_HEADER } from './lib/signups.js';
import { directoryRecords, toJsonArray } from './lib/directory.js';

const REGION = '24';
const ref = communeReference();
const deps = ref.departementsOf(REGION);
const communes = deps.flatMap((d) => ref.communesOf(d.code)).sort((a, b) => a.code.localeCompare(b.code));
const rows = generate(communes, new Map(deps.map((d) => [d.code, d.nom])), new Set(deps.map((d) => d.chefLieu)), 2020_04_10);
const dir = join(packageRoot(), 'data');
writeFileSync(join(dir, 'maires.csv'), toCsv(RNE_HEADER, rows.mayors));
const delegated = new Map<string, string[]>();
for (const [old, current] of [...ref.formerCodes.entries()].sort(([a], [b]) => a.localeCompare(b))) delegated.set(current, [...(delegated.get(current) ?? []), old]);
const records = directoryRecords(communes, rows.contacts, delegated, 2020_04_11);
writeFileSync(join(dir, 'annuaire-mairies.json'), toJsonArray(records));
const signups = generateSignups(new Map(deps.map((d) => [d.code, ref.communesOf(d.code)])));
writeFileSync(join(dir, 'inscriptions-2020-04-08.csv'), toCsv(SIGNUP_HEADER, signups.early));
writeFileSync(join(dir, 'inscriptions.csv'), toCsv(SIGNUP_HEADER, signups.latest));
process.stdout.write(`data/maires.csv : ${communes.length} communes de la région ${REGION} ; data/annuaire-mairies.json : ${records.length} fiches de services locaux\n`);
process.stdout.write(`data/inscriptions-2020-04-08.csv et data/inscriptions.csv : ${signups.latest.length} volontaires\n`);
