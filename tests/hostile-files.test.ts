import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { campaignWith, CONTACT_HEADER, RNE_HEADER, rneRow } from './helpers/campaign.js';
import { checkJson } from './helpers/check.js';
import { relais, relaisJson } from './helpers/cli.js';

/**
 * Files as offices make them, found by hostile testing of the merged reader: each case is a
 * file that once gave a wrong count or a misleading message.
 */
interface Problem {
  file?: string;
  line?: number;
  kind: string;
  message: string;
}
interface Report {
  ok: boolean;
  errors: Problem[];
  warnings: Problem[];
  fichiers: Array<{ fichier: string; source: string; lus: number; utilises: number; ecartes: Record<string, number>; rejetes: number }>;
}

/**
 * What `relais check --json` prints, in this process (see helpers/check.ts): these cases are about
 * what the readers report; the command itself is spawned on bad input in check.test.ts and the sweep.
 */
const check = (dir: string) => checkJson<Report>(dir);

describe('two exports appended, the second with its own header line', () => {
  it('RNE: the repeated header is set aside and named, not read as a mayor', async () => {
    const first = [RNE_HEADER, rneRow('45', '45234', 'Orléans', 'MARTIN', 'Claire', 'F')].join('\r\n') + '\r\n';
    const second = ['\uFEFF' + RNE_HEADER, rneRow('37', '37261', 'Tours', 'DUPONT', 'Jean', 'M')].join('\n') + '\n';
    const { code, json } = await check(campaignWith({ maires: first + second }));
    expect(json.errors).toEqual([]);
    expect(code).toBe(0);
    const mayors = json.fichiers.find((f) => f.source === 'maires');
    // Lines: 1 header, 2 Orléans, 3 header again, 4 Tours.
    expect(mayors).toMatchObject({ lus: 3, utilises: 2, rejetes: 0 });
    expect(Object.values(mayors!.ecartes)).toEqual([1]);
    expect(json.warnings).toContainEqual(expect.objectContaining({ file: 'data/maires.csv', line: 3, kind: 'en-tete-repete' }));
  });

  it('town-hall list: the same', async () => {
    const contacts = [CONTACT_HEADER, '45234;mairie@orleans.example;1 place de l’Étape;45000;Orléans', CONTACT_HEADER, '37261;mairie@tours.example;1 rue des Minimes;37000;Tours'].join('\n') + '\n';
    const { json } = await check(campaignWith({ mairies: contacts }));
    const file = json.fichiers.find((f) => f.source === 'mairies');
    expect(file).toMatchObject({ lus: 3, utilises: 2, rejetes: 0 });
    expect(json.errors.filter((e) => e.file === 'data/mairies.csv')).toEqual([]);
    expect(json.warnings).toContainEqual(expect.objectContaining({ file: 'data/mairies.csv', line: 3, kind: 'en-tete-repete' }));
  });
});

describe('two directory CSV exports appended', () => {
  it('the second header line is set aside and named, not counted as a record of another département', async () => {
    const header = 'id;nom;pivot;code_insee_commune;adresse;adresse_courriel';
    const row = (id: string, insee: string, nom: string, mail: string) =>
      [id, nom, `"[{""type_service_local"":""mairie"",""code_insee_commune"":[""${insee}""]}]"`, insee, `"[{""type_adresse"":""Adresse"",""numero_voie"":""1 place"",""code_postal"":""45000"",""nom_commune"":""${nom}""}]"`, mail].join(';');
    const text = [header, row('1', '45234', 'Orléans', 'mairie@orleans.example')].join('\r\n') + '\r\n' + [header, row('2', '37261', 'Tours', 'mairie@tours.example')].join('\n') + '\n';
    const { json } = await check(campaignWith({ mairies: text, mairiesName: 'annuaire.csv' }));
    const file = json.fichiers.find((f) => f.source === 'mairies');
    expect(file).toMatchObject({ lus: 3, utilises: 2, rejetes: 0 });
    expect(file!.ecartes['autre département']).toBeUndefined();
    expect(json.warnings).toContainEqual(expect.objectContaining({ file: 'data/annuaire.csv', line: 3, kind: 'en-tete-repete' }));
  });
});

describe('two sign-up exports appended', () => {
  it('the second header line is set aside and named, not rejected as a sign-up with an invalid date', async () => {
    const header = 'id;date_inscription;departement;code_postal;metier;categorie;statut';
    const text = [header, 'V1;2020-03-26 07:05;37;37120;Infirmier;soignant;inscrit'].join('\r\n') + '\r\n' + ['\uFEFF' + header, 'V2;2020-03-27 08:00;45;45000;Aide-soignant;soignant;inscrit'].join('\n') + '\n';
    const dir = campaignWith({ yaml: (y) => y.replace(/ {2}inscriptions:\n(?: {4}- .*\n)+/, '  inscriptions:\n    - data/inscriptions-test.csv\n') });
    writeFileSync(join(dir, 'data', 'inscriptions-test.csv'), text);
    const { json } = await check(dir);
    const file = json.fichiers.find((f) => f.fichier === 'data/inscriptions-test.csv');
    expect(file).toMatchObject({ lus: 3, utilises: 2, rejetes: 0 });
    expect(json.warnings).toContainEqual(expect.objectContaining({ file: 'data/inscriptions-test.csv', line: 3, kind: 'en-tete-repete' }));
    expect(json.warnings.filter((w) => w.kind === 'inscription-rejetee')).toEqual([]);
  });
});

describe('two schedule exports appended', () => {
  it('schedule import sets the repeated header aside, named, and imports the rest', async () => {
    const dir = campaignWith({});
    const file = join(dir, 'publications.csv');
    writeFileSync(file, 'id;canal;date;texte;statut\r\n;twitter;2031-04-11 09:00;Bonjour;\r\nid;canal;date;texte;statut\n;facebook;2031-04-12 09:00;Salut;\n');
    const r = await relaisJson<{ lues: number; importees: number; ecartees: Array<{ line: number; reason: string }> }>(['-C', dir, 'schedule', 'import', file]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ lues: 3, importees: 2 });
    expect(r.json.ecartees).toEqual([{ line: 3, reason: expect.stringMatching(/en-tête répété/) }]);
  });
});

describe('a directory record whose INSEE code is not a code at all', () => {
  it('is rejected and named, not set aside as another département', async () => {
    const record = (id: string, code: string) => ({ id, nom: `Mairie - ${code}`, pivot: [{ type_service_local: 'mairie', code_insee_commune: [code] }], code_insee_commune: code, adresse: [], adresse_courriel: [] });
    const mairies = JSON.stringify([record('1', '45234'), record('2', 'ABCDE'), record('3', '18033')]);
    const { json } = await check(campaignWith({ mairies, mairiesName: 'annuaire.json' }));
    const file = json.fichiers.find((f) => f.source === 'mairies');
    expect(file).toMatchObject({ lus: 3, utilises: 1, ecartes: { 'autre département': 1 }, rejetes: 1 });
    expect(json.warnings).toContainEqual(expect.objectContaining({ file: 'data/annuaire.json', kind: 'fiche-rejetee', message: expect.stringMatching(/fiche n° 2 .*ABCDE/) }));
  });
});

/** The first bytes of an OpenDocument file: a zip whose first member, stored, is its mimetype. */
function odsBytes(): Buffer {
  const name = Buffer.from('mimetype');
  const body = Buffer.from('application/vnd.oasis.opendocument.spreadsheet');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(name.length, 26);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(body.length, 22);
  return Buffer.concat([local, name, body, Buffer.alloc(200)]);
}

describe('files saved by LibreOffice or Notepad', () => {
  it('an OpenDocument spreadsheet (.ods) as the RNE or the town-hall list is named as such', async () => {
    const dir = campaignWith({ mairies: odsBytes(), mairiesName: 'mairies.ods', yaml: (y) => y.replace('maires: data/maires.csv', 'maires: data/maires.ods') });
    writeFileSync(join(dir, 'data', 'maires.ods'), odsBytes());
    const { code, json } = await check(dir);
    expect(code).toBe(1);
    const messages = json.errors.filter((e) => e.kind === 'fichier-illisible');
    expect(messages.map((e) => e.file).sort()).toEqual(['data/maires.ods', 'data/mairies.ods']);
    for (const e of messages) expect(e.message).toMatch(/OpenDocument.*\.xlsx.*CSV/);
  });

  it('a directory export saved as UTF-16 JSON is named as such, not read as a table', async () => {
    const json16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify([{ id: '1', nom: 'Mairie - Orléans', pivot: [{ type_service_local: 'mairie', code_insee_commune: ['45234'] }] }]), 'utf16le')]);
    const { json } = await check(campaignWith({ mairies: json16, mairiesName: 'annuaire.json' }));
    const errors = json.errors.filter((e) => e.file === 'data/annuaire.json');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/JSON.*UTF-16.*UTF-8/);
  });
});

describe('a folder named where campagne.yaml expects a file', () => {
  it('is said to be a folder, not a missing file', async () => {
    const dir = campaignWith({ yaml: (y) => `${y}\npieces_jointes:\n  - data\n` });
    const { json } = await check(dir);
    const errors = json.errors.filter((e) => e.file === 'campagne.yaml');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/data.*dossier, pas un fichier/);
    expect(errors[0]!.message).not.toMatch(/introuvable/);
  });
});

describe('a row with more values than the header has columns', () => {
  it('town-hall list: a separator inside an unquoted value is named, not silently dropped', async () => {
    const contacts = [CONTACT_HEADER, '45234;accueil@orleans.example;maire@orleans.example;1 place de l’Étape;45000;Orléans', '37261;mairie@tours.example;1 rue des Minimes;37000;Tours;;'].join('\n') + '\n';
    const { json } = await check(campaignWith({ mairies: contacts }));
    const extra = json.warnings.filter((w) => w.kind === 'valeurs-en-trop');
    // Line 2 has 6 values for 5 columns; line 3 only adds empty cells (a spreadsheet's trailing ;).
    expect(extra).toEqual([expect.objectContaining({ file: 'data/mairies.csv', line: 2 })]);
    expect(extra[0]!.message).toMatch(/6 valeurs pour 5 colonnes/);
  });

  it('directory CSV: the same', async () => {
    const header = 'id;nom;pivot;code_insee_commune;adresse;adresse_courriel';
    const pivot = `"[{""type_service_local"":""mairie"",""code_insee_commune"":[""45001""]}]"`;
    const text = `${header}\n1;Mairie - Adon;${pivot};45001;;a@adon.example;b@adon.example\n`;
    const { json } = await check(campaignWith({ mairies: text, mairiesName: 'annuaire.csv' }));
    expect(json.warnings).toContainEqual(expect.objectContaining({ file: 'data/annuaire.csv', line: 2, kind: 'valeurs-en-trop' }));
  });
});

describe('a directory CSV cell whose JSON does not parse', () => {
  it('is rejected in French, with where the JSON breaks, never with the English of JSON.parse', async () => {
    const header = 'id;nom;pivot;code_insee_commune;adresse;adresse_courriel';
    const text = `${header}\n2;Mairie - Aillant;"[{""type_service_local"": ""mairie"", ""code_insee_commune"": [""45002""]";45002;;x@y.example\n`;
    const { json } = await check(campaignWith({ mairies: text, mairiesName: 'annuaire.csv' }));
    const rejected = json.warnings.find((w) => w.kind === 'fiche-rejetee');
    expect(rejected).toMatchObject({ file: 'data/annuaire.csv', line: 2 });
    expect(rejected!.message).toMatch(/pivot : JSON illisible/);
    expect(rejected!.message).not.toMatch(/Expected|after|property|position|Unexpected|JSON at/);
  });
});

describe('a flat list whose adresse column holds the directory JSON (an API export without pivot)', () => {
  it('reads the address from the JSON, never prints the JSON text in the address block', async () => {
    const contacts = 'code_insee_commune;nom;adresse_courriel;adresse\n45234;Mairie - Orléans;m@orleans.example;"[{""type_adresse"":""Adresse"",""numero_voie"":""1 place de l\'Étape"",""code_postal"":""45000"",""nom_commune"":""Orléans""},{""type_adresse"":""Adresse postale"",""numero_voie"":""Place de l\'Étape"",""service_distribution"":""CS 40001"",""code_postal"":""45040"",""nom_commune"":""Orléans CEDEX 1""}]"\n';
    const dir = campaignWith({ mairies: contacts });
    const { json } = await check(dir);
    expect(json.warnings.filter((w) => w.kind === 'adresse')).toEqual([]);
    const preview = await relais(['-C', dir, 'preview', '45234', '--channel', 'lettre']);
    const shown = await relais(['-C', dir, 'preview', '45234']);
    expect(preview.code).toBe(0);
    expect(shown.stdout).toContain("PLACE DE L'ETAPE\nCS 40001\n45040 ORLEANS CEDEX 1");
    expect(shown.stdout).not.toContain('TYPE_ADRESSE');
  });
});
