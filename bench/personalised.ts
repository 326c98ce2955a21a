import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The first paragraph of issue 19's personalised letter. */
export const PERSONALISED =
  "Nous nous adressons à vous{{#if maire}}, {{maire.prenom}} {{maire.nom}},{{/if}} et par vous aux {{nombre commune.population}} habitants de la commune de {{commune.nom}} : chacun d'eux peut relayer l'appel qui suit.";

/** A copy of a campaign (remove it after use) whose letters all differ. */
export function personalisedCampaign(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'relais-bench-letters-'));
  for (const entry of ['campagne.yaml', 'templates', 'data', 'medias']) {
    try {
      cpSync(join(dir, entry), join(copy, entry), { recursive: true });
    } catch {
      // medias/ is optional.
    }
  }
  const path = join(copy, 'templates', 'lettre.hbs');
  const body = readFileSync(path, 'utf8');
  // After the salutation line: the first paragraph of the body.
  writeFileSync(path, body.replace(/(\{\{\/if\}\},\n\n)/, `$1${PERSONALISED}\n\n`));
  return copy;
}

