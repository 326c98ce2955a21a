import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * The first acceptance test of the product: the sample campaign regenerates the two letters of
 * 10 April 2020 (seeds), paragraph by paragraph, and the annex texts word for word.
 */
const SEEDS = join(import.meta.dirname, 'fixtures', 'seeds');
const seed000 = readFileSync(join(SEEDS, '000_c2019070694245df.txt'), 'utf8').replace('préfetures', 'préfectures');
const seed001 = readFileSync(join(SEEDS, '001_48eb52ceb2d39c1c.txt'), 'utf8');

const normalize = (s: string) =>
  s
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .trim();

function paragraphs(seed: string): string[] {
  const body = seed.split('Annexe :')[0]!;
  return body
    .split(/\n\s*\n/)
    .map(normalize)
    .filter((p) => p.length > 0);
}

function annexRows(seed: string): Record<string, string> {
  const rows: Record<string, string> = {};
  for (const m of seed.matchAll(/<p>(Twitter|Facebook|LinkedIn|SMS)<\/p>\t(.*)/g)) {
    rows[m[1]!.toLowerCase()] = m[2]!.replace(/<\/?p>/g, '\n').split('\n').map((l) => l.trim()).filter(Boolean).join('\n\n');
  }
  return rows;
}

interface Preview {
  lettre: { texte: string };
  messages: Record<string, { texte: string; weightedLength?: number; parts?: number; encoding?: string }>;
}

const previews = new Map<string, Promise<Preview>>();
/** `relais preview <insee> --json` on the sample, run once per commune for all the tests that read it. */
function preview(insee: string): Promise<Preview> {
  let shown = previews.get(insee);
  if (!shown) {
    shown = relaisJson<Preview>(['-C', sampleCampaign(), 'preview', insee]).then(({ code, json, stderr }) => {
      expect(code, stderr).toBe(0);
      return json;
    });
    previews.set(insee, shown);
  }
  return shown;
}

describe('the sample campaign regenerates the seeds', () => {
  it.each([
    ['45234', 'Orléans', seed001],
    ['45208', 'Montargis', seed001],
    ['37261', 'Tours', seed000],
    ['37003', 'Amboise', seed000],
  ])('%s (%s) has every paragraph of its seed', async (insee, _name, seed) => {
    const letter = normalize((await preview(insee)).lettre.texte);
    for (const p of paragraphs(seed)) expect(letter).toContain(p);
  });

  it('the annex texts are the seed texts', async () => {
    const { messages } = await preview('45234');
    const rows = annexRows(seed001);
    expect(Object.keys(rows)).toEqual(['twitter', 'facebook', 'linkedin', 'sms']);
    for (const [channel, text] of Object.entries(rows)) expect(messages[channel]!.texte).toBe(text);
    expect(messages.twitter!.weightedLength).toBe(271);
    expect(messages.sms).toMatchObject({ encoding: 'GSM-7', parts: 3 });
  });

  it('does not reproduce the typo of seed 000', async () => {
    const letter = (await preview('37261')).lettre.texte;
    expect(letter).not.toContain('préfetures');
    expect(letter).toContain("Préfète d'Indre-et-Loire");
    expect(letter).toContain('Corinne ORZECOWSKI');
  });
});
