import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * `track --out out/volontaires.html` writes the HTML report and `--out inscrits.csv` the CSV: the
 * format follows the file's name (src/cli/track.ts). `--out out/volontaires.json` does not: the
 * file gets the terminal table as plain text (« 18  Cher  255  11,9 %  ███… »), exit code 0,
 * « Écrit : out/volontaires.json ». The dashboard or script that reads it then fails on the
 * first byte. A user expects a file named .json to hold the JSON document of `--format json` (or
 * to be told it will not, before anything is written).
 */
const HEADER = 'id;date_inscription;departement;code_postal;metier;categorie;statut';

describe('track --out <file>.json', () => {
  it('writes JSON, like .csv writes CSV and .html writes HTML', async () => {
    const dir = sampleCampaign();
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(file, [HEADER, 'A1;2020-04-01 10:00;45;45000;Infirmier;soignant;inscrit', 'A2;2020-04-02 10:00;37;37000;Médecin;soignant;inscrit'].join('\n') + '\n');
    const out = join(dir, 'out', 'volontaires.json');
    const r = await relais(['-C', dir, 'track', file, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const written = readFileSync(out, 'utf8');
    let parsed: { total?: number } | undefined;
    try {
      parsed = JSON.parse(written) as { total?: number };
    } catch {
      parsed = undefined;
    }
    expect(parsed, written).toBeDefined();
    expect(parsed?.total).toBe(2);
  });

  it('refuses an extension it cannot write, or one that contradicts --format: usage error, nothing written', async () => {
    const dir = sampleCampaign();
    const xlsx = join(dir, 'out', 'volontaires.xlsx');
    const refused = await relais(['-C', dir, 'track', '--out', xlsx]);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/\.xlsx/);
    expect(refused.stderr).toMatch(/\.json.*\.csv.*\.html/);
    expect(existsSync(xlsx)).toBe(false);
    const json = join(dir, 'out', 'volontaires.json');
    const contradicted = await relais(['-C', dir, 'track', '--format', 'csv', '--out', json]);
    expect(contradicted.code, contradicted.stderr).toBe(2);
    expect(contradicted.stderr).toMatch(/--format csv/);
    expect(existsSync(json)).toBe(false);
  });
});
