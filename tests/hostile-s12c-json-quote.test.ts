import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCampaign } from '../src/campaign/check.js';
import { sampleCampaign } from './helpers/campaign.js';

/**
 * Hostile pass s12c: a bracket left out is now pointed at its line. A quote left out in a hand
 * correction (the agent replaced a town hall's address and lost the opening « " ») is said as
 * « fichier JSON tronqué … retéléchargez-le » — the file is whole (it ends with its « ] »), and
 * downloading it again would throw away the corrections it holds.
 */
describe('a hand-corrected directory file with a quote left out', () => {
  it('is not said cut short, and the error points at the value whose quote is missing', async () => {
    const dir = sampleCampaign();
    const path = join(dir, 'data', 'annuaire-mairies.json');
    const lines = readFileSync(path, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('"45234"') && l.includes('"type_service_local":"mairie"'));
    expect(lines[i]).toContain('"adresse_courriel":["');
    // The address typed over by hand, its opening quote lost.
    lines[i] = lines[i]!.replace(/"adresse_courriel":\["[^"]*"\]/, '"adresse_courriel":[secretariat@orleans.example"]');
    writeFileSync(path, lines.join('\n'));
    expect(readFileSync(path, 'utf8').trimEnd().endsWith(']')).toBe(true);
    const { report } = await checkCampaign(dir);
    const error = report.errors.find((e) => e.file === 'data/annuaire-mairies.json');
    expect(error?.line).toBe(i + 1);
    // What is said: « fichier JSON tronqué : il s'arrête au milieu de la fiche n° … sans refermer
    // un guillemet ; s'il a été coupé au téléchargement, retéléchargez-le, … ».
    expect(error?.message).not.toMatch(/tronqué|retéléchargez/);
  });
});
