import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { balanced, type FileAccount } from '../src/campaign/accounting.js';
import { checkCampaign, type CheckResult } from '../src/campaign/check.js';
import { departementContext, recipientContext } from '../src/campaign/context.js';
import { chooseEmail } from '../src/data/contacts.js';
import { chooseTownHall, classifyRecord } from '../src/data/directory.js';
import { JsonRecordSplitter } from '../src/data/json-records.js';
import { campaignWith, CONTACT_HEADER, RNE_HEADER, rneRow, sampleCampaign } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import ExcelJS from 'exceljs';
import { fuzzRuns, tallyFor } from './helpers/fuzz.js';

const tally = tallyFor('directory');

type Rec = Record<string, unknown>;

function address(type: string, voie: string, cp: string, localite: string, extra: Rec = {}): Rec {
  return { type_adresse: type, complement1: '', complement2: '', numero_voie: voie, service_distribution: '', code_postal: cp, nom_commune: localite, pays: 'France', longitude: '', latitude: '', ...extra };
}

function rec(type: string, code: string | string[], nom: string, fields: Rec = {}): Rec {
  const codes = [code].flat();
  return { id: `id-${nom}`, nom, pivot: [{ type_service_local: type, code_insee_commune: codes }], code_insee_commune: codes[0], adresse: [], adresse_courriel: [], telephone: [], ...fields };
}

/** As the API's CSV export writes records: `;`, nested fields as JSON text in quoted cells. */
function toApiCsv(records: Rec[]): string {
  const keys = ['id', 'nom', 'pivot', 'code_insee_commune', 'adresse', 'adresse_courriel', 'telephone', 'site_internet', 'date_modification'];
  const cell = (v: unknown) => {
    const t = v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    return /[;"\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  return [keys.join(';'), ...records.map((r) => keys.map((k) => cell(r[k])).join(';'))].join('\n') + '\n';
}

/** The API's JSON export as some exports give it: nested fields as JSON text. */
function withJsonText(records: Rec[]): Rec[] {
  return records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : v])));
}

/** A minimal zip writer (deflate), as data.gouv.fr or a colleague would hand one over. */
function zip(files: Array<[string, Buffer]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const packed = deflateRawSync(data);
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, packed);
    centrals.push(central, n);
    offset += 30 + n.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const MAYORS = [RNE_HEADER, rneRow('45', '45234', 'Orléans', 'MARTIN', 'Claire', 'F'), rneRow('37', '37261', 'Tours', 'DUPONT', 'Jean', 'M')].join('\n') + '\n';

async function checkWith(mairies: string | Buffer, name: string, maires = MAYORS): Promise<CheckResult> {
  return checkCampaign(campaignWith({ maires, mairies, mairiesName: name }));
}

const account = (result: CheckResult, source: string): FileAccount => result.report.fichiers.find((f) => f.source === source)!;
const recipient = (result: CheckResult, code: string) => result.recipients.find((r) => r.commune.code === code)!;
const warningsOf = (result: CheckResult, kind: string) => result.report.warnings.filter((w) => w.kind === kind);

describe('the sample directory export, in every published format, gives the same town halls', () => {
  let sample: string;
  let records: Rec[];
  let reference: CheckResult;
  const summary = (r: CheckResult) => r.recipients.map((x) => [x.commune.code, x.contact?.courriel ?? null, x.contact?.telephone ?? null, x.adresse.join(' / ')]);

  beforeAll(async () => {
    sample = sampleCampaign();
    records = JSON.parse(readFileSync(join(sample, 'data', 'annuaire-mairies.json'), 'utf8')) as Rec[];
    reference = await checkCampaign(sample);
  });

  it('the JSON export: one town hall per commune, other services and départements set aside', () => {
    expect(reference.report.errors).toEqual([]);
    const townHalls = account(reference, 'mairies');
    expect(townHalls).toMatchObject({ fichier: 'data/annuaire-mairies.json', lus: records.length, utilises: 597, rejetes: 0 });
    expect(townHalls.ecartes['autre service (CCAS, police municipale…)']).toBeGreaterThan(100);
    expect(townHalls.ecartes['mairie déléguée ou annexe']).toBeGreaterThan(0);
    expect(balanced(townHalls)).toBe(true);
    // Letters go to the postal address when it differs from the building's (a CEDEX here).
    const tours = recipient(reference, '37261');
    expect(tours.adresse.at(-1)).toMatch(/^37\d{3} TOURS CEDEX 1$/);
    expect(tours.adresse.some((l) => l.startsWith('CS '))).toBe(true);
    expect(tours.contact?.telephone).toMatch(/^02 /);
  });

  it.each([
    ['the CSV export (nested fields as JSON text)', 'annuaire.csv', () => toApiCsv(records)],
    ['a JSON export whose nested fields are JSON text', 'annuaire.json', () => JSON.stringify(withJsonText(records))],
    ["data.gouv.fr's file ({\"service\": [...]}) in a zip", 'annuaire.zip', () => zip([['2020-04-10_053000-data.gouv_local.json', Buffer.from(JSON.stringify({ service: records }, null, 1))]])],
    ["the API's records endpoint ({total_count, results})", 'reponse.json', () => JSON.stringify({ total_count: records.length, results: records })],
    ['an older API answer ({records: [{fields}]})', 'ancien.json', () => JSON.stringify({ nhits: records.length, records: records.map((fields) => ({ recordid: fields.id, fields })) })],
  ])('%s', async (_what, name, build) => {
    const dir = sampleCampaign();
    writeFileSync(join(dir, 'data', name), build());
    writeFileSync(join(dir, 'campagne.yaml'), readFileSync(join(dir, 'campagne.yaml'), 'utf8').replace(/^ {2}mairies: .*$/m, `  mairies: data/${name}`));
    const result = await checkCampaign(dir);
    expect(result.report.errors).toEqual([]);
    expect(summary(result)).toEqual(summary(reference));
    expect(account(result, 'mairies')).toMatchObject({ lus: records.length, utilises: 597, rejetes: 0 });
  });

  it('the CSV export saved as an Excel workbook', async () => {
    const dir = sampleCampaign();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('annuaire');
    const some = [...records.slice(0, 50), ...records.filter((r) => String(r.code_insee_commune).startsWith('45')).slice(0, 350)];
    for (const line of toApiCsv(some).trim().split('\n')) {
      const cells: string[] = [];
      for (const m of line.matchAll(/(?:^|;)("(?:[^"]|"")*"|[^;]*)/g)) cells.push(m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!);
      sheet.addRow(cells);
    }
    await workbook.xlsx.writeFile(join(dir, 'data', 'annuaire.xlsx'));
    writeFileSync(join(dir, 'campagne.yaml'), readFileSync(join(dir, 'campagne.yaml'), 'utf8').replace(/^ {2}mairies: .*$/m, '  mairies: data/annuaire.xlsx'));
    const result = await checkCampaign(dir);
    expect(result.report.errors).toEqual([]);
    const townHalls = account(result, 'mairies');
    expect(townHalls).toMatchObject({ format: 'annuaire DILA (xlsx)', lus: 400, rejetes: 0 });
    expect(balanced(townHalls)).toBe(true);
    const used = result.recipients.filter((r) => r.contact);
    expect(used.length).toBe(townHalls.utilises);
    for (const r of used) expect(summary({ ...result, recipients: [r] })).toEqual(summary({ ...reference, recipients: [recipient(reference, r.commune.code)] }));
  });

  it('check prints, per file, what was read, used, set aside and rejected', async () => {
    const { code, stdout } = await relais(['-C', sample, 'check']);
    expect(code).toBe(0);
    expect(stdout).toContain('Fichiers (lus = utilisés + écartés + rejetés)');
    expect(stdout).toMatch(/data\/annuaire-mairies\.json \(annuaire DILA \(JSON\)\) : [\d\u202f ]+ lus, 597 utilisés, [\d\u202f ]+ écartés \(autre département : [\d\u202f ]+, autre service/);
    expect(stdout).toMatch(/data\/maires\.csv \(RNE \(CSV\)\) : 1\s754 lus, 597 utilisés/);
  });

  it('the flat list made from the same town halls gives the same recipients', async () => {
    const header = 'code_insee_commune;adresse_courriel;telephone;complement1;numero_voie;service_distribution;code_postal;nom_commune';
    const rows = reference.recipients.map((r) => {
      const t = records.find((x) => x.nom !== undefined && (x.pivot as Rec[])[0]!.type_service_local === 'mairie' && x.code_insee_commune === r.commune.code && !/déléguée/.test(String(x.nom)))!;
      const list = t.adresse as Rec[];
      const a = list.find((x) => x.type_adresse === 'Adresse postale') ?? list[0]!;
      return [r.commune.code, (t.adresse_courriel as string[])[0] ?? '', (t.telephone as Rec[])[0]?.valeur ?? '', a.complement1, a.numero_voie, a.service_distribution, a.code_postal, a.nom_commune].join(';');
    });
    const result = await checkCampaign(campaignWith({ mairies: [header, ...rows].join('\n') + '\n', yaml: (y) => y }));
    expect(result.report.errors).toEqual([]);
    expect(summary(result)).toEqual(summary(reference));
  });
});

describe('directory records: bad inputs, each named with its file and record', () => {
  const ORLEANS = rec('mairie', '45234', 'Mairie - Orléans', {
    adresse: [address('Adresse', '1 place de l’Étape', '45000', 'Orléans'), address('Adresse postale', '', '45040', 'Orléans CEDEX 1', { service_distribution: 'CS 95440' })],
    adresse_courriel: ['mairie@orleans.example'],
    telephone: [{ valeur: '02 38 79 22 22', description: 'Standard' }],
  });
  const TOURS = rec('mairie', '37261', 'Mairie - Tours', { adresse: [address('Adresse', '1-3 rue des Minimes', '37000', 'Tours')], adresse_courriel: ['mairie@tours.example'] });
  const json = (...records: unknown[]) => JSON.stringify(records, null, 1);

  it('a record without pivot: rejected with its number, line and name', async () => {
    const result = await checkWith(json(ORLEANS, { id: 'x1', nom: 'Fiche sans pivot', code_insee_commune: '45234' }, TOURS), 'a.json');
    const w = warningsOf(result, 'fiche-rejetee')[0]!;
    expect(w).toMatchObject({ file: 'data/a.json', field: 'pivot' });
    expect(w.line).toBeGreaterThan(1);
    expect(w.message).toContain('fiche n° 2 « Fiche sans pivot »');
    expect(w.message).toContain('sans « pivot »');
    expect(account(result, 'mairies')).toMatchObject({ lus: 3, utilises: 2, rejetes: 1 });
  });

  it('a pivot naming several communes, its own code settling nothing', async () => {
    const several = rec('mairie', ['45234', '45001'], 'Mairie commune', { code_insee_commune: '45002' });
    const result = await checkWith(json(ORLEANS, TOURS, several), 'a.json');
    const w = warningsOf(result, 'fiche-rejetee')[0]!;
    expect(w.message).toContain('plusieurs communes (45234, 45001)');
    expect(w.message).toContain('fiche n° 3');
    expect(account(result, 'mairies').rejetes).toBe(1);
  });

  it('two "mairie" records for one commune: the main one is chosen, and the reason said', async () => {
    const delegated = rec('mairie', '45234', 'Mairie déléguée - La Source', { adresse_courriel: ['source@orleans.example'] });
    const duplicate = { ...ORLEANS, id: 'autre', date_modification: '2019-01-01', adresse_courriel: ['ancienne@orleans.example'] };
    const result = await checkWith(json(delegated, { ...ORLEANS, date_modification: '2020-03-01' }, duplicate, TOURS), 'a.json');
    expect(recipient(result, '45234').contact?.courriel).toBe('mairie@orleans.example');
    const w = warningsOf(result, 'mairie-en-double')[0]!;
    expect(w.message).toContain('fiche n° 2 « Mairie - Orléans »');
    expect(w.message).toContain('la plus récemment modifiée');
    expect(account(result, 'mairies').ecartes).toMatchObject({ 'mairie déléguée ou annexe': 1, 'mairie en double': 1 });
  });

  it('a truncated JSON file: an error naming the record it stops in, the records before it counted', async () => {
    const text = json(ORLEANS, TOURS);
    const result = await checkWith(text.slice(0, text.length - 40), 'a.json');
    const err = result.report.errors.find((e) => e.kind === 'fichier-illisible')!;
    expect(err.file).toBe('data/a.json');
    expect(err.message).toContain('tronqué');
    expect(err.message).toContain('fiche n° 2');
    expect(account(result, 'mairies')).toMatchObject({ lus: 1, utilises: 1 });
    // Tours's record is past the cut: « aucune ligne dans le fichier des mairies » would be untrue.
    expect(result.report.warnings.filter((w) => /aucune ligne/.test(w.message)).map((w) => w.message)).toEqual([]);
  });

  it('a truncated zip: an error, no crash', async () => {
    const whole = zip([['annuaire.json', Buffer.from(json(ORLEANS, TOURS))]]);
    const result = await checkWith(whole.subarray(0, whole.length - 30), 'a.zip');
    const err = result.report.errors.find((e) => e.kind === 'fichier-illisible')!;
    expect(err).toMatchObject({ file: 'data/a.zip' });
    expect(err.message).toContain('zip tronquée');
  });

  it('a CSV cell whose JSON does not parse: that record rejected, with its line and cell', async () => {
    const csv = toApiCsv([ORLEANS, TOURS]).replace('"[{""type_service_local"":""mairie"",""code_insee_commune"":[""37261""]}]"', '"[{""type_service_local"":""mairie"",""code_insee_commune"":[""37261"""');
    const result = await checkWith(csv, 'a.csv');
    const w = warningsOf(result, 'fiche-rejetee')[0]!;
    expect(w).toMatchObject({ file: 'data/a.csv', line: 3, field: 'pivot' });
    expect(w.message).toContain('JSON illisible');
    expect(account(result, 'mairies')).toMatchObject({ format: 'annuaire DILA (CSV)', lus: 2, utilises: 1, rejetes: 1 });
  });

  it('an empty address list: the address comes from the commune, with a warning', async () => {
    const result = await checkWith(json({ ...ORLEANS, adresse: [] }, TOURS), 'a.json');
    expect(recipient(result, '45234').adresse.at(-1)).toBe('45000 ORLEANS');
    expect(warningsOf(result, 'adresse-vide')[0]!.message).toContain('Mairie - Orléans');
  });

  it('an unreadable email cell costs the email only: the record is used for its address, said once with its line', async () => {
    const text = json({ ...ORLEANS, adresse_courriel: '["mairie@orleans.example"' }, TOURS);
    const result = await checkWith(text, 'a.json');
    const orleans = recipient(result, '45234');
    expect(orleans.contact?.courriel).toBeUndefined();
    expect(orleans.adresse.slice(-2)).toEqual(['CS 95440', '45040 ORLEANS CEDEX 1']);
    const line = text.split('\n').findIndex((l) => l.includes('"nom": "Mairie - Orléans"')) + 1;
    const said = result.report.warnings.filter((w) => /45234/.test(w.message));
    expect(said.map((w) => w.kind)).toEqual(['cellule-illisible']);
    expect(said[0]!.line).toBeLessThanOrEqual(line);
    expect(said[0]!.message).toContain('fiche n° 1 « Mairie - Orléans »');
    expect(said[0]!.message).toContain("son champ « adresse_courriel » est du JSON illisible (le texte s’arrête avant la fin");
    expect(said[0]!.message).toContain("la lettre partira par courrier, à l'adresse de la fiche, qui reste utilisée");
    expect(account(result, 'mairies')).toMatchObject({ lus: 2, utilises: 2, rejetes: 0 });
  });

  it('an unreadable address cell costs the address only: the email is still used', async () => {
    const result = await checkWith(json({ ...ORLEANS, adresse: '[{"type_adresse": "Adresse"' }, TOURS), 'a.json');
    const orleans = recipient(result, '45234');
    expect(orleans.contact?.courriel).toBe('mairie@orleans.example');
    expect(orleans.adresse.at(-1)).toBe('45000 ORLEANS');
    const w = warningsOf(result, 'cellule-illisible');
    expect(w).toHaveLength(1);
    expect(w[0]!).toMatchObject({ file: 'data/a.json', field: 'adresse' });
    expect(w[0]!.message).toContain('son champ « adresse » est du JSON illisible');
    expect(w[0]!.message).toContain('le courriel de la fiche reste utilisé');
    expect(warningsOf(result, 'adresse-vide')).toEqual([]);
    expect(account(result, 'mairies')).toMatchObject({ lus: 2, utilises: 2, rejetes: 0 });
  });

  it('what the warning says the letter keeps is what the record still gives (no address, no email)', async () => {
    const noAddress = await checkWith(json({ ...ORLEANS, adresse_courriel: '["mairie@orleans.example"', adresse: [] }, TOURS), 'a.json');
    const said = warningsOf(noAddress, 'cellule-illisible')[0]!.message;
    expect(said).toContain('la lettre partira par courrier, adressée au nom et au code postal de la commune');
    expect(said).not.toContain("à l'adresse de la fiche");
    const noEmail = await checkWith(json({ ...ORLEANS, adresse: '[{"type_adresse": "Adresse"', adresse_courriel: [] }, TOURS), 'a.json');
    const told = warningsOf(noEmail, 'cellule-illisible')[0]!.message;
    expect(told).toContain('la lettre partira par courrier, adressée au nom et au code postal de la commune');
    expect(told).not.toContain('le courriel de la fiche reste utilisé');
  });

  it('of two main records, the one whose cells all read is chosen over a newer one that does not', () => {
    const whole = classifyRecord({ ...ORLEANS, date_modification: '01/01/2020 00:00:00' });
    const broken = classifyRecord({ ...ORLEANS, adresse_courriel: '["x', date_modification: '01/01/2024 00:00:00' });
    if (whole.kind !== 'mairie' || broken.kind !== 'mairie') throw new Error('both records are town halls');
    expect(broken.townHall.illisibles).toEqual([{ field: 'adresse_courriel', reason: expect.stringContaining('JSON illisible') }]);
    const { chosen, why } = chooseTownHall([{ townHall: broken.townHall, own: true, n: 1 }, { townHall: whole.townHall, own: true, n: 2 }]);
    expect(chosen.n).toBe(2);
    expect(why).toContain('se lisent');
  });

  it("a commune whose only record is rejected is said so, with the record's line, not « aucune ligne »", async () => {
    const text = json(TOURS, { id: 'x1', nom: 'Mairie - Orléans', code_insee_commune: '45234' });
    const result = await checkWith(text, 'a.json');
    const rejected = warningsOf(result, 'fiche-rejetee')[0]!;
    const said = warningsOf(result, 'sans-courriel').filter((w) => /45234/.test(w.message));
    expect(said).toHaveLength(1);
    expect(said[0]!.line).toBe(rejected.line);
    expect(said[0]!.message).toContain(`ligne ${rejected.line}`);
    expect(said[0]!.message).toContain('rejetée');
    expect(said[0]!.message).not.toContain('aucune ligne');
  });

  it("only a building address: letters go there; a postal address, when there is one, wins", async () => {
    const result = await checkWith(json(ORLEANS, TOURS), 'a.json');
    expect(recipient(result, '37261').adresse.slice(-2)).toEqual(['1-3 RUE DES MINIMES', '37000 TOURS']);
    expect(recipient(result, '45234').adresse.slice(-2)).toEqual(['CS 95440', '45040 ORLEANS CEDEX 1']);
    expect(warningsOf(result, 'adresse-vide')).toEqual([]);
  });

  it('a directory of another département: an error saying which one it covers', async () => {
    const paris = [rec('mairie', '75056', 'Mairie de Paris'), rec('ccas', '75056', 'CCAS de Paris'), rec('mairie', '75101', 'Mairie du 1er')];
    const result = await checkWith(json(...paris), 'a.json');
    const err = result.report.errors.find((e) => e.kind === 'aucune-mairie')!;
    expect(err.file).toBe('data/a.json');
    expect(err.message).toContain('le fichier couvre : 75');
    expect(account(result, 'mairies')).toMatchObject({ lus: 3, utilises: 0, ecartes: { 'autre département': 2, 'autre service (CCAS, police municipale…)': 1 } });
  });

  it('an export without any record, and a CSV export with only some of its columns', async () => {
    const empty = await checkWith('{"total_count": 0, "results": []}', 'a.json');
    expect(empty.report.errors).toContainEqual(expect.objectContaining({ kind: 'fichier-vide', file: 'data/a.json' }));
    const narrow = await checkWith('nom;pivot\nMairie - Orléans;"[{""type_service_local"":""mairie"",""code_insee_commune"":[""45234""]}]"\n', 'a.csv');
    expect(narrow.report.errors).toEqual([]);
    expect(recipient(narrow, '45234').contact).toMatchObject({ courriel: undefined, line: 2 });
  });

  it("a directory covering one of the campaign's départements only: a warning for the other", async () => {
    const result = await checkWith(JSON.stringify([rec('mairie', '45234', 'Mairie - Orléans')]), 'a.json');
    expect(result.report.errors).toEqual([]);
    expect(warningsOf(result, 'departement-absent')).toEqual([expect.objectContaining({ file: 'data/a.json', message: expect.stringContaining('département 37 (Indre-et-Loire)') })]);
  });

  it('an HTML page saved instead of the export: an error, not a table of garbage', async () => {
    const result = await checkWith('<!DOCTYPE html>\n<html><body>Service indisponible</body></html>\n', 'a.json');
    const err = result.report.errors.find((e) => e.kind === 'fichier-illisible')!;
    expect(err).toMatchObject({ file: 'data/a.json', line: 1 });
    expect(err.message).toContain('page HTML');
  });

  it('a record that is not an object, and one that is not JSON at all', async () => {
    const text = `[${JSON.stringify(ORLEANS)},\n42,\n{"nom": "cassée",, },\n${JSON.stringify(TOURS)}]`;
    const result = await checkWith(text, 'a.json');
    const messages = warningsOf(result, 'fiche-rejetee').map((w) => [w.line, w.message]);
    expect(messages).toEqual([
      [2, expect.stringContaining("fiche n° 2 rejetée : ce n'est pas une fiche")],
      [3, expect.stringContaining('fiche n° 3 rejetée : JSON invalide')],
    ]);
    expect(account(result, 'mairies')).toMatchObject({ lus: 4, utilises: 2, rejetes: 2 });
  });
});

describe('emails, phones and repaired codes', () => {
  it('several emails: the first valid one is used, the others named; "Nom <adresse>" and mailto: are read', () => {
    expect(chooseEmail('Mairie d’Orléans <mairie@orleans.example>; mailto:accueil@orleans.example')).toEqual({ email: 'mairie@orleans.example', others: ['accueil@orleans.example'], malformed: [] });
    expect(chooseEmail(['pas-une-adresse', 'mailto:a@b.example?subject=x'])).toEqual({ email: 'a@b.example', others: [], malformed: ['pas-une-adresse'] });
    expect(chooseEmail('a@b.example c@d.example').others).toEqual(['c@d.example']);
    expect(chooseEmail('').email).toBeUndefined();
  });

  it('in a campaign: a warning names the addresses not used; malformed and missing are told apart', async () => {
    const mairies = [CONTACT_HEADER, '45234;"mairie@orleans.example, accueil@orleans.example";1 place;45000;Orléans', '37261;tours-sans-arobase;1 rue;37000;Tours', '45001;;1 rue;45170;Adon'].join('\n') + '\n';
    const result = await checkCampaign(campaignWith({ maires: MAYORS, mairies }));
    expect(recipient(result, '45234').contact?.courriel).toBe('mairie@orleans.example');
    expect(warningsOf(result, 'courriels-multiples')[0]).toMatchObject({ file: 'data/mairies.csv', line: 2 });
    expect(warningsOf(result, 'courriels-multiples')[0]!.message).toContain('« accueil@orleans.example »');
    expect(warningsOf(result, 'courriel-invalide').map((w) => w.line)).toEqual([3]);
    expect(warningsOf(result, 'sans-courriel').find((w) => w.line === 4)?.message).toContain('sans adresse électronique');
    expect(recipient(result, '37261').contact?.courriel).toBeUndefined();
  });

  it('postal and INSEE codes that lost their leading zero are repaired, with a warning naming the line', async () => {
    const maires = [RNE_HEADER, rneRow('1', '1001', "L'Abergement-Clémenciat", 'X', 'Y', 'M')].join('\n') + '\n';
    const mairies = [CONTACT_HEADER, '1001;mairie@abergement.example;Le Bourg;1400;L’Abergement-Clémenciat'].join('\n') + '\n';
    const dir = campaignWith({ maires, mairies, yaml: (y) => y.replace(/departements:\n/, 'departements:\n  "01":\n    prefet: { prenom: A, nom: B, genre: F }\n').replace(/^region: 24$/m, '') });
    const result = await checkCampaign(dir);
    const repaired = warningsOf(result, 'code-repare').map((w) => [w.file, w.line, w.message]);
    expect(repaired).toEqual(
      expect.arrayContaining([
        ['data/maires.csv', 2, expect.stringContaining('1001 complété en 01001')],
        ['data/mairies.csv', 2, expect.stringContaining('1001 complété en 01001')],
        ['data/mairies.csv', 2, expect.stringContaining('code postal 1400 complété en 01400')],
      ]),
    );
    expect(recipient(result, '01001').adresse.at(-1)).toBe('01400 L ABERGEMENT CLEMENCIAT');
  });

  it('the phone reaches templates as mairie.telephone', async () => {
    const result = await checkCampaign(sampleCampaign());
    const r = recipient(result, '45234');
    const ctx = recipientContext(departementContext(result.campaign!, r.departement, undefined, null), r);
    expect(ctx.mairie.telephone).toMatch(/^02( \d{2}){4}$/);
  });

  it('classifyRecord reads both arrays and JSON text, and says what other services are', () => {
    const asText = classifyRecord({ nom: 'Mairie - X', pivot: '[{"type_service_local":"mairie","code_insee_commune":["4234"]}]', adresse_courriel: 'a@b.example;c@d.example' });
    expect(asText).toMatchObject({ kind: 'mairie', townHall: { insee: '04234', courriels: ['a@b.example;c@d.example'] } });
    expect(classifyRecord({ pivot: [{ type_service_local: 'police_municipale', code_insee_commune: ['45234'] }] })).toEqual({ kind: 'autre-service', type: 'police_municipale', insee: '' });
  });
});

describe('every row accounted for: read = used + set aside + rejected', () => {
  it('on hostile inputs: mixed content, bad rows, duplicates, other départements', async () => {
    const maires = [
      RNE_HEADER,
      rneRow('45', '45234', 'Orléans', 'MARTIN', 'Claire', 'F'),
      rneRow('45', '45234', 'Orléans', 'AUTRE', 'Paul', 'M'),
      rneRow('37', '37261', 'Tours', 'DUPONT', 'Jean', 'X'),
      rneRow('18', '18033', 'Bourges', 'X', 'Y', 'M'),
      rneRow('45', '45999', 'Nulle-Part', 'X', 'Y', 'M'),
      'ligne;sans;rapport',
    ].join('\n');
    const records = [
      rec('mairie', '45234', 'Mairie - Orléans', { adresse_courriel: ['a@orleans.example'] }),
      rec('mairie', '45234', 'Mairie - Orléans', { adresse_courriel: ['b@orleans.example'] }),
      rec('ccas', '45234', 'CCAS - Orléans'),
      rec('mairie', '18033', 'Mairie - Bourges'),
      { nom: 'sans pivot', code_insee_commune: '37261' },
      { nom: 'sans pivot ailleurs', code_insee_commune: '75056' },
      rec('mairie', '45999', 'Mairie - Nulle-Part'),
      'pas une fiche',
      rec('mairie', '37261', 'Mairie - Tours'),
    ];
    const dir = campaignWith({ maires, mairies: JSON.stringify(records), mairiesName: 'annuaire.json' });
    writeFileSync(join(dir, 'data', 'inscriptions.csv'), `${readFileSync(join(dir, 'data', 'inscriptions.csv'), 'utf8')}x;;;\n;2020-04-01;45;\n`);
    const { json } = await relaisJson<{ fichiers: FileAccount[] }>(['-C', dir, 'check']);
    expect(json.fichiers.map((f) => f.source)).toEqual(['maires', 'mairies', 'inscriptions', 'inscriptions']);
    for (const f of json.fichiers) expect(balanced(f), JSON.stringify(f)).toBe(true);
    const [mayors, townHalls, , signups] = json.fichiers;
    expect(mayors).toMatchObject({ lus: 6, utilises: 1, ecartes: { 'autre département': 1 }, rejetes: 4 });
    expect(townHalls).toMatchObject({ lus: 9, utilises: 2, ecartes: { 'autre département': 2, 'autre service (CCAS, police municipale…)': 1, 'mairie en double': 1 }, rejetes: 3 });
    expect(signups!.rejetes).toBe(2);
    expect(signups!.ecartes['désinscrit']).toBeGreaterThan(0);
  });

  it('the JSON splitter finds the elements JSON.parse finds, whatever the layout and the chunks (property)', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 6 }),
        fc.constantFrom(undefined, 0, 1, '\t'),
        fc.constantFrom('array', 'service', 'results'),
        fc.integer({ min: 1, max: 64 }),
        (elements, indent, shape, size) => {
          n++;
          const doc = shape === 'array' ? elements : shape === 'service' ? { version: { service: [0] }, service: elements } : { results: elements, total_count: elements.length };
          const bytes = Buffer.from(JSON.stringify(doc, null, indent));
          const splitter = new JsonRecordSplitter();
          const out = [];
          for (let i = 0; i < bytes.length; i += size) out.push(...splitter.push(bytes.subarray(i, i + size)));
          out.push(...splitter.end());
          // JSON.stringify turns -0 into 0 and drops nothing else: compare through it.
          expect(out.map((r) => ('value' in r ? JSON.stringify(r.value) : 'error' in r ? r.error : r))).toEqual(JSON.parse(JSON.stringify(elements)).map((e: unknown) => JSON.stringify(e)));
          // A document cut anywhere inside is an error, never a silent end.
          if (bytes.length > 2) {
            const cut = new JsonRecordSplitter();
            expect(() => {
              cut.push(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))));
              cut.end();
            }).toThrow();
          }
        },
      ),
      fuzzRuns(400),
    );
    tally.push(['annuaire JSON découpé en fiches (tableau, service, results)', n]);
  });

  it('on random mixes of records, as JSON or CSV, every record lands in exactly one bucket (property)', async () => {
    const palette: unknown[] = [
      rec('mairie', '45234', 'Mairie - Orléans', { adresse_courriel: ['a@orleans.example'] }),
      rec('mairie', '45234', 'Mairie déléguée - Orléans'),
      rec('mairie', '37261', 'Mairie - Tours', { adresse: '[{"type_adresse": "Adresse postale", "code_postal": "37032"' }),
      rec('mairie', ['45001', '45002'], 'Mairie - double'),
      rec('mairie', '18033', 'Mairie - Bourges'),
      rec('mairie', '4234', 'Mairie - sans zéro'),
      rec('ccas', '45234', 'CCAS'),
      rec('police_municipale', '37261', 'Police'),
      { nom: 'sans pivot', code_insee_commune: '45234' },
      { nom: 'sans pivot ailleurs', code_insee_commune: '2A004' },
      { nom: 'pivot cassé', pivot: '[{"type_service_local": "mairie"', code_insee_commune: '45002' },
      rec('mairie', '99999', 'Mairie - inconnue'),
    ];
    const dir = campaignWith({ maires: MAYORS, mairies: '[]', mairiesName: 'annuaire.json' });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...palette), { minLength: 1, maxLength: 12 }), fc.boolean(), async (mix, asCsv) => {
        n++;
        const objects = mix.filter((m): m is Rec => typeof m === 'object');
        writeFileSync(join(dir, 'data', 'annuaire.json'), asCsv ? toApiCsv(objects) : JSON.stringify(mix));
        const result = await checkCampaign(dir);
        const townHalls = account(result, 'mairies');
        expect(townHalls.lus).toBe(asCsv ? objects.length : mix.length);
        expect(balanced(townHalls), JSON.stringify(townHalls)).toBe(true);
        // Orléans, Adon (the « double » record's own code) and Tours, whose unreadable address costs only its address.
        expect(townHalls.utilises).toBeLessThanOrEqual(3);
        expect(result.recipients.filter((r) => r.contact).length).toBe(townHalls.utilises);
        for (const w of result.report.warnings.filter((p) => p.kind === 'fiche-rejetee')) expect(w).toMatchObject({ file: 'data/annuaire.json', line: expect.any(Number) });
      }),
      fuzzRuns(15),
    );
    tally.push(['annuaire : mélanges de fiches, lus = utilisés + écartés + rejetés', n]);
  });

  it('the JSON splitter gives the same records whatever the chunk size', () => {
    const doc = Buffer.from(`{"meta": {"service": "no"}, "service": [${JSON.stringify(rec('mairie', '45234', 'a "quoted" \\\\ name'))}, 7, "s"]}`);
    const results = [1, 2, 7, 64, doc.length].map((size) => {
      const splitter = new JsonRecordSplitter();
      const out = [];
      for (let i = 0; i < doc.length; i += size) out.push(...splitter.push(doc.subarray(i, i + size)));
      return [...out, ...splitter.end()];
    });
    for (const r of results) expect(r).toEqual(results[0]);
    expect(results[0]!.map((r) => ('value' in r ? typeof r.value : 'error'))).toEqual(['object', 'number', 'string']);
  });

  it('one address alone gets the answer the general path gives (property)', () => {
    const unit = fc.constantFrom('a', 'Z', '0', '.', '-', '@', ';', ',', ' ', '\u00a0', '\n', '<', '>', '"', "'", '“', '?', ':', 'é', 'm', 'i', 'l', 't', 'o');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit, maxLength: 24 }), fc.constantFrom('mailto:a@b.fr', 'MAILTO:x@y.example', 'a@b.fr?subject=x', 'a@b..fr', 'a@b.f')), (value) => {
        // An empty second value is dropped by the general path: the pair takes it, the single value the short one.
        expect(chooseEmail([value])).toEqual(chooseEmail([value, '']));
        expect(chooseEmail(value)).toEqual(chooseEmail([value, '']));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads escapes cut at every byte: a backslash ending a chunk still escapes the quote after it', () => {
    const values = [{ nom: 'a\\', x: '\\"' }, { nom: '\\\\"}]', y: ['\"', '\\'] }, 'fin \\'];
    const doc = Buffer.from(JSON.stringify({ service: values }));
    for (let cut = 1; cut < doc.length; cut++) {
      const splitter = new JsonRecordSplitter();
      const out = [...splitter.push(doc.subarray(0, cut)), ...splitter.push(doc.subarray(cut)), ...splitter.end()];
      expect(out.map((r) => ('value' in r ? r.value : 'error' in r ? r.error : r))).toEqual(values);
    }
  });
});
