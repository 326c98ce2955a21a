import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * Occitanie from the préfecture's own list, with postal addresses and no email: 4 446 town halls,
 * all by post. `relais check` says « Mairie sans adresse électronique (envoi postal) (1 001) »,
 * « … et 951 autres (tous dans --json) », « ✔ Aucune erreur (1 005 avertissements) » — and, a few
 * lines up, « 09 Ariège : 325 communes, … 325 par courrier », 4 446 in all. Past 1 000 problems of a
 * kind in a file (problems.ts, DETAILED) the rest are folded into one summary line, and the report
 * counts that line as one warning: the titles and the total are short by the 3 445 folded, and
 * --json does not hold « tous ». Shown here with the smallest file that passes 1 000: the sample
 * directory with 1 100 records without a `pivot` (each one a « fiche rejetée » warning).
 */
const n = (value: number) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, '[\\s\\u202f\\u00a0]');

describe('relais check, past a thousand warnings of one kind', () => {
  it('counts every one of them in the titles and the total, as the file accounting does', async () => {
    const dir = sampleCampaign();
    const path = join(dir, 'data', 'annuaire-mairies.json');
    const records = JSON.parse(readFileSync(path, 'utf8')) as unknown[];
    for (let i = 0; i < 1100; i++) records.push({ id: `sans-pivot-${i}`, nom: 'Mairie - Orléans', code_insee_commune: '45234', adresse_courriel: ['mairie@orleans.example'], adresse: [] });
    writeFileSync(path, JSON.stringify(records, null, 0).replace(/\},\{/g, '},\n{'));

    const { code, stdout } = await relais(['-C', dir, 'check']);
    expect(code).toBe(0);
    // The accounting of the file is right: every one of the 1 100 is rejected.
    expect(stdout).toMatch(new RegExp(`${n(1100)} rejetés`));
    // The sample has 41 town halls without an address: 1 141 warnings in all.
    expect(stdout, 'the kind counts its summary line as one warning').toMatch(new RegExp(`Fiche de l'annuaire rejetée \\(${n(1100)}\\)`));
    expect(stdout).toMatch(new RegExp(`… et ${n(1050)} autres`));
    expect(stdout, 'the total is short of the folded warnings').toMatch(new RegExp(`Aucune erreur \\(${n(1141)} avertissements\\)`));
  });
});
