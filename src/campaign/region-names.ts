import type { Region } from '../data/cog.js';
import type { ProblemList } from '../problems.js';
import { looseKey } from '../text/french.js';

/** The words of a name, for comparing whole words: looseKey's, between spaces. */
const words = (text: string) => ` ${looseKey(text)} `;

/**
 * The names campagne.yaml gives the agency, its signatory and the sender: one that names another
 * région than the campaign's (« ARS Centre-Val de Loire » in an Île-de-France campaign, left from
 * the sample by `relais init`) would sign every letter and email with it. Said, at its line.
 */
export function checkRegionNames(
  config: { ars: { nom: string; signataire: { titre?: string | undefined } }; expediteur?: { nom?: string | undefined } | undefined },
  region: Region,
  regions: Iterable<Region>,
  lineAt: (path: PropertyKey[]) => number | undefined,
  problems: ProblemList,
  file: string,
): void {
  const fields: Array<[string[], string | undefined]> = [
    [['ars', 'nom'], config.ars.nom],
    [['ars', 'signataire', 'titre'], config.ars.signataire.titre],
    [['expediteur', 'nom'], config.expediteur?.nom],
  ];
  const others = [...regions].filter((r) => r.code !== region.code && !words(region.nom).includes(words(r.nom)));
  for (const [path, value] of fields) {
    if (!value) continue;
    const other = others.find((r) => words(value).includes(words(r.nom)));
    if (!other) continue;
    const line = lineAt(path);
    problems.warning(
      'region-autre',
      `${path.join('.')} : « ${value.replace(/\s+/g, ' ')} » nomme la région ${other.nom}, alors que la campagne est celle de la région ${region.nom} (region: ${region.code}) : un reste de la campagne d'exemple ? Chaque lettre et chaque courriel le diraient`,
      { file, field: path.join('.'), ...(line === undefined ? {} : { line }) },
      'file',
    );
  }
}
