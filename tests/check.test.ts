import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { campaignWith, CONTACT_HEADER, listFiles, RNE_HEADER, rneRow, sampleCampaign, tempDir } from './helpers/campaign.js';
import { checkJson } from './helpers/check.js';
import { relais, relaisJson } from './helpers/cli.js';

interface Problem {
  file?: string;
  line?: number;
  field?: string;
  kind: string;
  message: string;
}
interface Report {
  ok: boolean;
  recipients: number;
  departements: Array<{ code: string; communes: number; maires: number; parCourriel: number; parCourrier: number }>;
  errors: Problem[];
  warnings: Problem[];
  horsCampagne: number;
  fichiers: Array<{ fichier: string; lus: number; utilises: number; ecartes: Record<string, number>; rejetes: number }>;
}

const MAYORS_OK = [RNE_HEADER, rneRow('45', '45234', 'Orléans', 'MARTIN', 'Claire', 'F'), rneRow('37', '37261', 'Tours', 'DUPONT', 'Jean', 'M')].join('\n') + '\n';
const CONTACTS_OK = [CONTACT_HEADER, '45234;mairie@orleans.example;1 place de l’Étape;45000;Orléans', '37261;mairie@tours.example;1 rue des Minimes;37000;Tours'].join('\n') + '\n';

/** The command, spawned. */
function checkCli(dir: string) {
  return relaisJson<Report>(['-C', dir, 'check']);
}

/** The same document and exit code, in this process (see helpers/check.ts): what the readers report. */
function check(dir: string) {
  return checkJson<Report>(dir);
}

describe('relais check on the sample campaign', () => {
  // One check of the sample, spawned, read by the tests below (each would run the same command).
  let dir: string;
  let sample: Awaited<ReturnType<typeof checkCli>>;
  let before: string[];
  beforeAll(async () => {
    dir = sampleCampaign();
    before = listFiles(dir);
    sample = await checkCli(dir);
  });

  it('joins every commune of Indre-et-Loire and Loiret with its mayor and contact', () => {
    const { code, json } = sample;
    expect(code).toBe(0);
    expect(json.ok).toBe(true);
    expect(json.errors).toEqual([]);
    expect(json.departements.map((d) => [d.code, d.communes, d.maires])).toEqual([
      ['37', 272, 272],
      ['45', 325, 325],
    ]);
    expect(json.recipients).toBe(597);
    // About 8 % of town halls have no email in the sample: they are warnings, sent by post.
    const byPost = json.departements.reduce((n, d) => n + d.parCourrier, 0);
    expect(byPost).toBeGreaterThan(20);
    expect(byPost).toBeLessThan(80);
    expect(json.warnings.filter((w) => w.kind === 'sans-courriel')).toHaveLength(byPost);
    // The four other départements of the région are in the files and skipped on purpose.
    const [mayors, townHalls] = json.fichiers;
    expect(mayors).toMatchObject({ fichier: 'data/maires.csv', lus: 1754, utilises: 597, ecartes: { 'autre département': 1754 - 597 }, rejetes: 0 });
    expect(townHalls).toMatchObject({ fichier: 'data/annuaire-mairies.json', utilises: 597, rejetes: 0 });
    expect(json.horsCampagne).toBe(1754 - 597 + townHalls!.ecartes['autre département']!);
  });

  it('prints a French report and exits 0', async () => {
    const { code, stdout } = await relais(['-C', sampleCampaign(), 'check']);
    expect(code).toBe(0);
    expect(stdout).toContain('Destinataires : 597 communes');
    expect(stdout).toContain('45 Loiret : 325 communes');
    expect(stdout).toContain('Mairie sans adresse électronique');
    expect(stdout).toContain('✔ Aucune erreur');
  });

  it('limits the check to the départements given with --dep, with commas or repeated', async () => {
    const one = sample;
    const a = await relaisJson<Report>(['-C', dir, 'check', '--dep', '45']);
    const b = await relaisJson<Report>(['-C', dir, 'check', '--dep', '45,37']);
    const c = await relaisJson<Report>(['-C', dir, 'check', '--dep', '37', '--dep', '45']);
    expect(a.json.recipients).toBe(325);
    expect(b.json.recipients).toBe(one.json.recipients);
    expect(c.json.recipients).toBe(one.json.recipients);
  });

  it('writes nothing', () => {
    expect(sample.code).toBe(0);
    expect(listFiles(dir)).toEqual(before);
  });
});

describe('relais check: bad input, each with file, line and a French message', () => {
  it('an empty mayors file (the command itself: exit 1 and its JSON document)', async () => {
    const { code, json } = await checkCli(campaignWith({ maires: '' }));
    expect(code).toBe(1);
    expect(json.errors[0]).toMatchObject({ file: 'data/maires.csv', line: 1, kind: 'fichier-illisible' });
    expect(json.errors[0]!.message).toContain('fichier vide');
  });

  it('a header without rows', async () => {
    const { code, json } = await check(campaignWith({ maires: `${RNE_HEADER}\n` }));
    expect(code).toBe(1);
    expect(json.errors).toContainEqual(expect.objectContaining({ file: 'data/maires.csv', line: 1, kind: 'fichier-vide' }));
  });

  it('an unclosed quote', async () => {
    const { code, json } = await check(campaignWith({ maires: `${MAYORS_OK}45;Loiret;;;45001;"Adon;X;Y;M\n45;Loiret;;;45002;A;B;C;M\n` }));
    expect(code).toBe(1);
    const err = json.errors.find((e) => e.kind === 'fichier-illisible');
    expect(err?.message).toContain('guillemet');
    expect(err?.file).toBe('data/maires.csv');
    expect(err?.line).toBeGreaterThanOrEqual(4);
  });

  it('a wrong delimiter', async () => {
    const { code, json } = await check(campaignWith({ maires: MAYORS_OK.replaceAll(';', '|') }));
    expect(code).toBe(1);
    const err = json.errors.find((e) => e.kind === 'colonne-manquante');
    expect(err).toMatchObject({ file: 'data/maires.csv', line: 1 });
    expect(err?.message).toContain('séparateur');
  });

  it('a Windows-1252 file with accents is read as such', async () => {
    const text = [RNE_HEADER, rneRow('45', '45234', 'Orléans', 'PÉRICHON', 'Hélène', 'F')].join('\r\n') + '\r\n';
    const dir = campaignWith({ maires: Buffer.from(new TextEncoder().encode('')) });
    writeFileSync(join(dir, 'data', 'maires.csv'), encode1252(text));
    const { json } = await check(dir);
    expect(json.errors).toEqual([]);
    const { stdout } = await relais(['-C', dir, 'check']);
    expect(stdout).not.toContain('�');
  });

  it('a UTF-8 BOM', async () => {
    const { code, json } = await check(campaignWith({ maires: `\uFEFF${MAYORS_OK}`, mairies: `\uFEFF${CONTACTS_OK}` }));
    expect(json.errors).toEqual([]);
    expect(code).toBe(0);
  });

  it('a duplicate header', async () => {
    const { code, json } = await check(campaignWith({ mairies: `code_insee_commune;adresse_courriel;code_postal;code_postal\n45234;a@b.example;45000;45000\n` }));
    expect(code).toBe(1);
    expect(json.errors).toContainEqual(expect.objectContaining({ kind: 'colonne-en-double', file: 'data/mairies.csv', line: 1 }));
  });

  it('a 2 MB single line', async () => {
    const { code, json } = await check(campaignWith({ maires: 'x;'.repeat(1024 * 1024) }));
    expect(code).toBe(1);
    expect(json.errors[0]).toMatchObject({ file: 'data/maires.csv', line: 1 });
    expect(json.errors[0]!.message).toContain('Ko');
  });

  it('an unknown INSEE code, and the code of a merged commune', async () => {
    const maires = `${MAYORS_OK}${rneRow('45', '45999', 'Nulle-Part', 'X', 'Y', 'M')}\n${rneRow('37', '37232', 'Saint-Paterne-Racan', 'X', 'Y', 'M')}\n`;
    const { code, json } = await check(campaignWith({ maires }));
    expect(code).toBe(1);
    expect(json.errors).toContainEqual(expect.objectContaining({ kind: 'code-insee-inconnu', file: 'data/maires.csv', line: 4, field: 'Code de la commune' }));
    expect(json.errors.find((e) => e.kind === 'code-insee-inconnu')?.message).toContain('45999');
    // A code of the Loiret unknown to the reference: maybe a commune created since it was made.
    expect(json.errors.find((e) => e.kind === 'code-insee-inconnu')?.message).toContain(
      "fichier des maires : code INSEE 45999 inconnu du Code officiel géographique 2026 que lit relais : si c'est une commune créée depuis le 1er janvier 2026, il faut une version de relais plus récente ; sinon, le code est faux",
    );
  });

  it('suggests the current commune for an old code', async () => {
    // 45172 is a former commune, now part of Bazoches-les-Gallerandes (45025).
    const maires = `${MAYORS_OK}${rneRow('45', '45172', 'Izy', 'X', 'Y', 'M')}\n`;
    const { json } = await check(campaignWith({ maires }));
    const err = json.errors.find((e) => e.kind === 'code-insee-ancien');
    expect(err?.line).toBe(4);
    expect(err?.message).toContain("aujourd'hui Bazoches-les-Gallerandes (45025)");
  });

  it('recognises a Corsican code 2A004 (outside this campaign)', async () => {
    const maires = `${MAYORS_OK}${rneRow('2A', '2A004', 'Ajaccio', 'X', 'Y', 'M')}\n`;
    const { json } = await check(campaignWith({ maires, yaml: (y) => y.replace('hors_campagne: ignorer', 'hors_campagne: erreur') }));
    const err = json.errors.find((e) => e.line === 4);
    expect(err?.kind).toBe('hors-campagne');
    expect(err?.message).toContain('Ajaccio (2A004)');
  });

  it('repairs a code that lost its leading zero (1001 for 01001)', async () => {
    const maires = `${MAYORS_OK}${rneRow('1', '1001', "L'Abergement-Clémenciat", 'X', 'Y', 'M')}\n`;
    const { json } = await check(campaignWith({ maires, yaml: (y) => y.replace('hors_campagne: ignorer', 'hors_campagne: erreur') }));
    const err = json.errors.find((e) => e.line === 4);
    expect(err?.kind).toBe('hors-campagne');
    expect(err?.message).toContain('01001');
  });

  it('a malformed email: a warning, never used, the letter goes by post', async () => {
    const mairies = `${CONTACTS_OK}45001;mairie@@x;1 rue;45170;Adon\n`;
    const { code, json } = await check(campaignWith({ mairies }));
    expect(code).toBe(0);
    const warning = json.warnings.find((e) => e.kind === 'courriel-invalide');
    expect(warning).toMatchObject({ file: 'data/mairies.csv', line: 4, field: 'courriel' });
    expect(warning?.message).toContain('mairie@@x');
    expect(warning?.message).toContain('courrier');
  });

  it('duplicate communes', async () => {
    const maires = `${MAYORS_OK}${rneRow('45', '45234', 'Orléans', 'AUTRE', 'Paul', 'M')}\n`;
    const { json } = await check(campaignWith({ maires }));
    const err = json.errors.find((e) => e.kind === 'commune-en-double');
    expect(err).toMatchObject({ file: 'data/maires.csv', line: 4 });
    expect(err?.message).toContain('déjà ligne 2');
  });

  it('a missing required column', async () => {
    const { json } = await check(campaignWith({ mairies: 'code_insee_commune;telephone\n45234;02\n' }));
    const err = json.errors.find((e) => e.kind === 'colonne-manquante');
    expect(err).toMatchObject({ file: 'data/mairies.csv', line: 1 });
    expect(err?.message).toContain('adresse électronique');
  });

  it('a mayor row outside the campaign when hors_campagne is erreur', async () => {
    const maires = `${MAYORS_OK}${rneRow('18', '18033', 'Bourges', 'X', 'Y', 'M')}\n`;
    const { code, json } = await check(campaignWith({ maires, yaml: (y) => y.replace('hors_campagne: ignorer', '') }));
    expect(code).toBe(1);
    expect(json.errors).toContainEqual(expect.objectContaining({ kind: 'hors-campagne', line: 4 }));
  });

  it('the file of all municipal councillors: mayors used, the others set aside and counted', async () => {
    const header = `${RNE_HEADER};Libellé de la fonction`;
    const maires = [
      header,
      `${rneRow('45', '45234', 'Orléans', 'MARTIN', 'Claire', 'F')};Maire`,
      `${rneRow('45', '45234', 'Orléans', 'PETIT', 'Paul', 'M')};Conseiller municipal`,
      `${rneRow('45', '45234', 'Orléans', 'ROUX', 'Anne', 'F')};Premier adjoint au maire`,
      `${rneRow('37', '37261', 'Tours', 'DUPONT', 'Jean', 'M')};Maire`,
      `${rneRow('18', '18033', 'Bourges', 'X', 'Y', 'M')};Maire`,
    ].join('\n');
    const { json } = await check(campaignWith({ maires }));
    expect(json.errors).toEqual([]);
    expect(json.fichiers[0]).toMatchObject({ fichier: 'data/maires.csv', lus: 5, utilises: 2, ecartes: { 'pas un maire (conseiller municipal)': 2, 'autre département': 1 }, rejetes: 0 });
  });

  it('an invalid sex code', async () => {
    const maires = `${RNE_HEADER}\n${rneRow('45', '45234', 'Orléans', 'MARTIN', 'Claire', 'X')}\n`;
    const { json } = await check(campaignWith({ maires }));
    expect(json.errors).toContainEqual(expect.objectContaining({ kind: 'sexe-invalide', line: 2, field: 'Code sexe' }));
  });

  it('a YAML syntax error', async () => {
    const { code, json } = await check(campaignWith({ yaml: (y) => y.replace('  titre: Appel', '  titre: [Appel') }));
    expect(code).toBe(1);
    expect(json.errors[0]).toMatchObject({ file: 'campagne.yaml', kind: 'yaml' });
    expect(json.errors[0]!.line).toBeGreaterThan(4);
    expect(json.errors[0]!.message).toContain('YAML');
  });

  it('an alias used before its anchor, and aliases that would multiply the document: the line, no crash', async () => {
    const dir = campaignWith({ yaml: (y) => y.replace('  titre: Appel à volontaires renfort-covid', '  titre: *nom\n  sous_titre: &nom Appel') });
    const early = await check(dir);
    expect(early.code).toBe(1);
    expect(early.json.errors[0]).toMatchObject({ file: 'campagne.yaml', kind: 'yaml', message: 'alias YAML (*nom) employé avant son ancre (&nom)', line: lineOf(dir, 'titre: *nom') });
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
    const bomb = await check(campaignWith({ yaml: (y) => `${laughs}\n${y}` }));
    expect(bomb.code).toBe(1);
    expect(bomb.json.errors[0]).toMatchObject({ file: 'campagne.yaml', kind: 'yaml', message: expect.stringContaining("trop d'alias YAML") });
  });

  it('an unknown key, with the nearest valid key suggested', async () => {
    const dir = campaignWith({ yaml: (y) => y.replace('  lancement: 2020-03-26', '  lancemnet: 2020-03-26') });
    const { code, json } = await check(dir);
    expect(code).toBe(1);
    const err = json.errors.find((e) => e.kind === 'cle-inconnue')!;
    expect(err).toMatchObject({ file: 'campagne.yaml', field: 'campagne.plateforme.lancemnet' });
    expect(err.message).toContain('« lancement »');
    expect(err.line).toBe(lineOf(dir, 'lancemnet'));
  });

  it('a département without signatory', async () => {
    const dir = campaignWith({ yaml: (y) => y.replace(/ {2}"45":\n(?: {4}.*\n)+/, '  "45": {}\n') });
    const { code, json } = await check(dir);
    expect(code).toBe(1);
    const err = json.errors[0]!;
    expect(err.field).toBe('departements.45.prefet');
    expect(err.message).toContain('sans signataire');
    expect(err.line).toBe(lineOf(dir, '"45"'));
  });

  it('a value of the wrong kind names its line and key', async () => {
    const dir = campaignWith({ yaml: (y) => y.replace('genre: F', 'genre: Femme').replace('date: 2020-04-10', 'date: 2020-13-45') });
    const { json } = await check(dir);
    expect(json.errors.map((e) => [e.field, e.line])).toEqual(
      expect.arrayContaining([
        ['campagne.date', lineOf(dir, 'date: 2020-13-45')],
        ['departements.37.prefet.genre', lineOf(dir, 'genre: Femme')],
      ]),
    );
    expect(json.errors.find((e) => e.field === 'departements.37.prefet.genre')?.message).toContain('F ou M');
  });

  it('a campaign folder that does not exist: usage error, exit 2', async () => {
    const { code, stderr, stdout } = await relais(['-C', join(tempDir(), 'nulle-part'), 'check']);
    expect(code).toBe(2);
    expect(stderr).toContain('dossier de campagne introuvable');
    expect(stdout).toBe('');
  });

  it('a folder without campagne.yaml', async () => {
    const { code, json } = await check(tempDir());
    expect(code).toBe(1);
    expect(json.errors[0]!.message).toContain('campagne.yaml introuvable');
  });

  it('a data file that does not exist', async () => {
    const dir = campaignWith({ yaml: (y) => y.replace('maires: data/maires.csv', 'maires: data/absent.csv') });
    const { json } = await check(dir);
    expect(json.errors[0]).toMatchObject({ file: 'data/absent.csv', kind: 'fichier-illisible' });
    expect(json.errors[0]!.message).toContain('introuvable');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

function lineOf(dir: string, needle: string): number {
  return readFileSync(join(dir, 'campagne.yaml'), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
}

function encode1252(text: string): Buffer {
  const decoder = new TextDecoder('windows-1252');
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) table.set(decoder.decode(Uint8Array.of(b)), b);
  return Buffer.from([...text].map((ch) => table.get(ch) ?? 0x3f));
}
