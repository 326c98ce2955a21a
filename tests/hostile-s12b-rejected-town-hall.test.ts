import { beforeAll, describe, expect, it } from 'vitest';
import { checkCampaign, type CheckResult } from '../src/campaign/check.js';
import { sampleWithOrleansRecord } from './helpers/campaign.js';

/**
 * The town hall of Orléans (45234, line 2554 of the sample's data/annuaire-mairies.json) with its
 * `adresse_courriel` as the directory API gives nested fields — JSON text — but cut short:
 * `"[\"mairie@orleans.example\""` (a record as a cut API field or a hand edit of the fetched file
 * leaves it). The file itself is valid JSON. `relais check` rejects the whole record, then says
 * « Orléans (45234) : aucune ligne dans le fichier des mairies, la lettre partira par courrier »
 * — untrue: line 2554 is Orléans's town hall — and ends « ✔ Aucune erreur : la campagne est
 * prête », exit 0. The letter to the préfecture's own city then goes by post, addressed
 * « MAIRIE D'ORLEANS / MONSIEUR LE MAIRE / 45000 ORLEANS » without its street, and its email is
 * never sent, though the record's postal address is whole. README lists « fiche de l'annuaire
 * rejetée (JSON illisible dans une cellule) » among the warnings; it also says a commune whose
 * only line is struck through « est dite telle, avec sa ligne »: a commune whose record was
 * rejected must be said so too, not « aucune ligne ». In-process (checkCampaign), on a copy of
 * the sample.
 */
let check: CheckResult;

beforeAll(async () => {
  const dir = sampleWithOrleansRecord((record) => {
    expect(record).toContain('"adresse_courriel":["mairie@orleans.example"]');
    return record.replace('"adresse_courriel":["mairie@orleans.example"]', '"adresse_courriel":"[\\"mairie@orleans.example\\""');
  });
  check = await checkCampaign(dir);
});

describe('relais check: the email cell of a commune\'s town-hall record cannot be read', () => {
  it('does not say that Orléans has no line in the town-hall file: it names line 2554 and what is wrong there', () => {
    const about = [...check.report.errors, ...check.report.warnings].filter((p) => /45234|Orléans/.test(p.message));
    expect(about.filter((p) => /aucune ligne/.test(p.message)).map((p) => p.message)).toEqual([]);
    expect(about.some((p) => p.line === 2554 && /Orléans|45234/.test(p.message))).toBe(true);
  });

  it('the letter still goes to the street address the record gives, readable as it is', () => {
    // Only the email cell is unreadable: the record's « adresse » (Hôtel de Ville, Place de
    // l'Hôtel de Ville, 45000 Orléans) is whole, and is where the letter must go by post.
    const address = check.plan?.recipient('45234')?.letter.model.adresse ?? [];
    expect(address.join(' / ')).toMatch(/PLACE DE L'HOTEL DE VILLE/);
  });
});
