/**
 * `npm run data:national`: a national campaign (34,969 communes, every département signed by a
 * fictional préfet, town halls in a national DILA directory export) for the benchmarks. Written to bench/national/, which git ignores: outside
 * data/, so that neither `relais init` nor the tests copy it with the sample.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { communeReference } from '../src/data/cog.js';
import { packageRoot } from '../src/paths.js';
import { RNE_HEADER, generate, toCsv } from './lib/people.js';
import { directoryRecords, toJsonArray } from './lib/directory.js';

export function writeNationalCampaign(dir: string): number {
  const ref = communeReference();
  const communes = [...ref.communes.values()].sort((a, b) => a.code.localeCompare(b.code));
  const deps = [...ref.departements.values()];
  const rows = generate(communes, new Map(deps.map((d) => [d.code, d.nom])), new Set(deps.map((d) => d.chefLieu)), 34969);
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'data', 'maires.csv'), toCsv(RNE_HEADER, rows.mayors));
  // The town halls as the DILA directory publishes them: every local service, the town halls a
  // minority of the records, as in the real national export.
  const delegated = new Map<string, string[]>();
  for (const [old, current] of [...ref.formerCodes.entries()].sort(([a], [b]) => a.localeCompare(b))) delegated.set(current, [...(delegated.get(current) ?? []), old]);
  writeFileSync(join(dir, 'data', 'annuaire-mairies.json'), toJsonArray(directoryRecords(communes, rows.contacts, delegated, 34970, 2)));
  // One campaign per région would be the real use; one campaign over all of them is the load test.
  const yaml = [
    'campagne:',
    '  titre: Campagne nationale de test',
    '  objet: Test de charge',
    '  date: 2020-04-10',
    '  plateforme: { nom: renfort-covid.fr, url: "https://www.renfort-covid.fr", lancement: 2020-03-26 }',
    '  liens: { twitter: "https://twitter.com/ARS_CVL", linkedin: "https://www.linkedin.com/company/ars", inscription: "https://bit.ly/2WQSVGW" }',
    '  volontaires: 2100',
    'ars:',
    '  nom: Agence régionale de santé',
    '  signataire: { prenom: Laurent, nom: HABERT, genre: M }',
    'departements:',
    ...deps.map((d) => `  "${d.code}": { prefet: { prenom: Claude, nom: PRÉFET, genre: ${d.code.charCodeAt(1) % 2 ? 'F' : 'M'} } }`),
    'expediteur: { nom: Test, courriel: test@relais.example }',
    'sources:',
    '  maires: data/maires.csv',
    '  mairies: data/annuaire-mairies.json',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'campagne.yaml'), yaml);
  cpSync(join(packageRoot(), 'templates'), join(dir, 'templates'), { recursive: true });
  return communes.length;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = join(packageRoot(), 'bench', 'national');
  const n = writeNationalCampaign(dir);
  process.stdout.write(`${dir} : ${n} communes\n`);
}
