import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCampaign, type CheckResult } from '../src/campaign/check.js';
import { sampleWithOrleansRecord } from './helpers/campaign.js';

/**
 * A hand correction of the town-hall file (data/annuaire-mairies.json, the directory export that
 * `relais fetch` writes) that drops one « ] »: on line 2554, Orléans's record, the agent retyped
 * `"adresse_courriel":["mairie@orleans.example"` and forgot the bracket. The file is otherwise
 * whole, its last line is the closing « ] ». `relais check` says, on line 2741 (the last one):
 * « fichier JSON tronqué : il s'arrête ; retéléchargez-le » — a sentence cut short, a file that is
 * not truncated, and advice that would throw away the agent's corrections — while the place of
 * the fault, line 2554, is given only in a separate warning. The file-level error must say where
 * the document stopped making sense (fiche n° 2553, line 2554), or at least not call a whole file
 * truncated with an unfinished sentence. In-process (checkCampaign), on a copy of the sample.
 */
let check: CheckResult;

beforeAll(async () => {
  const dir = sampleWithOrleansRecord((record) => record.replace('"adresse_courriel":["mairie@orleans.example"]', '"adresse_courriel":["mairie@orleans.example"'));
  expect(readFileSync(join(dir, 'data', 'annuaire-mairies.json'), 'utf8').split('\n').filter(Boolean).at(-1)).toBe(']');
  check = await checkCampaign(dir);
});

describe('relais check: one bracket missing in the middle of the town-hall file', () => {
  it('the file error is a whole French sentence that points at line 2554, not « tronqué : il s\u2019arrête ; »', () => {
    const fileErrors = check.report.errors.filter((p) => p.file === 'data/annuaire-mairies.json');
    expect(fileErrors.length).toBeGreaterThan(0);
    for (const p of fileErrors) {
      expect(p.message).not.toMatch(/il s'arrête ;/);
      expect(p.message).not.toMatch(/erreur inattendue/);
    }
    expect(fileErrors.some((p) => p.line === 2554 || /ligne 2554|fiche n° 2553\b/.test(p.message)), JSON.stringify(fileErrors)).toBe(true);
  });
});
