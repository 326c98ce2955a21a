import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireCampaign, type Campaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { readXlsx } from '../src/data/xlsx.js';
import { readSignups } from '../src/tracker/signups.js';
import { campaignWith, sampleCampaign, tempDir } from './helpers/campaign.js';
import { campaignWithWorkbook, joinedDepartement } from './helpers/workbook.js';

/** The fixes to the hostile tester's workbook findings: what they say, and the rules they keep. */
const ref = communeReference();
const HEADER = ['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune'];
const ADON = ['45001', 'mairie@adon.example', '1 place de la Mairie', '45230', 'Adon'];

async function save(wb: ExcelJS.Workbook): Promise<string> {
  const path = join(tempDir(), 'classeur.xlsx');
  await wb.xlsx.writeFile(path);
  return path;
}

async function townHalls(wb: ExcelJS.Workbook | string) {
  const dir = campaignWith(typeof wb === 'string' ? { mairies: wb } : {});
  if (typeof wb !== 'string') {
    await wb.xlsx.writeFile(join(dir, 'data', 'mairies.xlsx'));
    const yaml = join(dir, 'campagne.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^ {2}mairies: .*$/m, '  mairies: data/mairies.xlsx'));
  }
  const { joined, found } = await joinedDepartement(dir);
  return { found, courriel: joined.recipients.find((r) => r.commune.code === '45001')?.contact?.courriel };
}

describe('a workbook with hidden sheets', () => {
  it('reads the first visible sheet and says which, naming the hidden sheet left', async () => {
    const wb = new ExcelJS.Workbook();
    const old = wb.addWorksheet('2019');
    old.addRows([HEADER, ['45001', 'ancienne@adon.example', '3 rue Vieille', '45230', 'Adon']]);
    old.state = 'hidden';
    wb.addWorksheet('2020').addRows([HEADER, ADON]);
    const { found, courriel } = await townHalls(wb);
    expect(courriel).toBe('mairie@adon.example');
    const said = found.warnings.filter((p) => p.kind === 'feuilles-masquees');
    expect(said.map((p) => p.message)).toEqual([
      "fichier des mairies : feuille « 2020 » lue ; la feuille « 2019 », masquée dans Excel, est laissée de côté ; si c'est une feuille masquée qu'il faut lire, affichez-la (clic droit sur un onglet, « Afficher ») et placez-la en premier",
    ]);
    expect(said[0]!.file).toBe('data/mairies.xlsx');
  });

  it('refuses a workbook whose sheets are all hidden, naming them', async () => {
    const wb = new ExcelJS.Workbook();
    const a = wb.addWorksheet('2019');
    a.addRows([HEADER, ADON]);
    a.state = 'hidden';
    const b = wb.addWorksheet('2020');
    b.addRows([HEADER, ADON]);
    b.state = 'veryHidden';
    await expect(readXlsx(await save(wb), 'classeur.xlsx')).rejects.toThrow(/toutes les feuilles du classeur sont masquées dans Excel \(« 2019 », « 2020 »\)/);
  });

  it('still refuses two visible sheets under the same header, the hidden one in front not counted', async () => {
    const wb = new ExcelJS.Workbook();
    const old = wb.addWorksheet('2019');
    old.addRows([HEADER, ADON]);
    old.state = 'hidden';
    wb.addWorksheet('Loiret').addRows([HEADER, ADON]);
    wb.addWorksheet('Cher').addRows([HEADER, ['18001', 'mairie@achères.example', '1 place', '18250', 'Achères']]);
    await expect(readXlsx(await save(wb), 'classeur.xlsx')).rejects.toThrow(/plusieurs feuilles de même en-tête \(« Loiret », « Cher »\).*feuille « Loiret »/);
  });

  it('does not call « vide » a workbook whose rows are in a hidden sheet behind an empty visible one', async () => {
    const wb = new ExcelJS.Workbook();
    const rows = wb.addWorksheet('Mairies');
    rows.addRows([HEADER, ADON]);
    rows.state = 'hidden';
    wb.addWorksheet('Feuil1');
    const refused = await readXlsx(await save(wb), 'classeur.xlsx').then(() => undefined, (err: unknown) => err as Error);
    expect(refused?.message).toBe(
      'la feuille « Feuil1 » est vide et la feuille « Mairies », masquée dans Excel, a des lignes : affichez celle à lire (clic droit sur un onglet, « Afficher »), placez-la en premier, puis enregistrez',
    );
  });

  it('says nothing of a hidden sheet that holds nothing', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Mairies').addRows([HEADER, ADON]);
    wb.addWorksheet('Vide').state = 'hidden';
    const table = await readXlsx(await save(wb), 'classeur.xlsx');
    expect(table.sheets).toBeUndefined();
  });
});

describe('same-name columns no field reads', () => {
  it('do not refuse the list', async () => {
    const { found, courriel } = await townHalls(`code_insee_commune;adresse_courriel;Remarques;Remarques\n45001;mairie@adon.example;à rappeler;vu\n`);
    expect(found.errors.filter((p) => p.kind === 'colonne-en-double')).toEqual([]);
    expect(courriel).toBe('mairie@adon.example');
  });

  it('a read column twice, both hidden, nothing else for the field: refused, saying both are hidden', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRows([['code_insee_commune', 'adresse_courriel', 'code_postal', 'code_postal'], ['45001', 'mairie@adon.example', '45230', '45230']]);
    ws.getColumn(3).hidden = true;
    ws.getColumn(4).hidden = true;
    const { found } = await townHalls(wb);
    expect(found.errors.filter((p) => p.kind === 'colonne-en-double').map((p) => p.message)).toEqual([
      'fichier des mairies : colonne « code_postal » en double (colonnes 3 et 4, toutes masquées dans Excel)',
    ]);
  });
});

describe('a mailto: link under a cell showing « Mairie : » and an address', () => {
  it('reads the shown address and names the link target in the warning', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Mairies').addRows([HEADER, ['45001', { text: 'Mairie : mairie@adon.example ; accueil@adon.example', hyperlink: 'mailto:ancienne@wanadoo.example' }, '1 place de la Mairie', '45230', 'Adon']]);
    const { found, courriel } = await townHalls(wb);
    expect(courriel).toBe('mairie@adon.example');
    expect(found.warnings.filter((p) => p.kind === 'lien-courriel').map((p) => p.message)).toEqual([
      "fichier des mairies : la cellule « adresse_courriel » (colonne 2) montre les adresses mairie@adon.example ; accueil@adon.example, mais son lien mène à ancienne@wanadoo.example, qu'elle ne montre pas : relais lit les adresses affichées ; vérifiez laquelle est la bonne, puis corrigez le texte ou le lien (clic droit, « Modifier le lien hypertexte ») pour qu'ils disent la même",
    ]);
  });

  it('says nothing of a link to one of the addresses shown', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Mairies').addRows([HEADER, ['45001', { text: 'Mairie : mairie@adon.example', hyperlink: 'mailto:MAIRIE@adon.example?subject=Campagne' }, '1 place de la Mairie', '45230', 'Adon']]);
    const { found, courriel } = await townHalls(wb);
    expect(courriel).toBe('mairie@adon.example');
    expect(found.warnings.filter((p) => p.kind === 'lien-courriel')).toEqual([]);
  });
});

describe('a commune whose only town-hall row is struck through', () => {
  it('is said to have its row struck, with the line', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRows([HEADER, ADON]);
    ws.getRow(2).eachCell((c) => (c.font = { strike: true }));
    const { found } = await townHalls(wb);
    const adon = found.warnings.filter((p) => p.kind === 'sans-courriel' && p.message.startsWith('Adon (45001)'));
    expect(adon.map((p) => [p.message, p.line])).toEqual([
      ["Adon (45001) : sa ligne du fichier des mairies est barrée dans Excel (ligne 2), écartée : la lettre partira par courrier ; ôtez le barré s'il faut la lire", 2],
    ]);
  });

  it('a row with only its unread remark struck is read', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRows([[...HEADER, 'Remarques'], [...ADON, 'à rappeler']]);
    ws.getCell(2, 6).font = { strike: true };
    const { found, courriel } = await townHalls(wb);
    expect(courriel).toBe('mairie@adon.example');
    expect(found.warnings.filter((p) => p.kind === 'ligne-barree' || p.kind === 'texte-barre')).toEqual([]);
  });
});

describe("a commune whose only mayor's row is struck through", () => {
  const header = ['Code du département', 'Code de la commune', 'Libellé de la commune', "Nom de l'élu", "Prénom de l'élu", 'Code sexe', 'Libellé de la fonction'];

  it('is said to have its mayor\'s row struck, with the line, not « aucun maire »', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Maires');
    ws.addRows([header, ['45', '45001', 'Adon', 'ANCIEN', 'Paul', 'M', 'Maire'], ['45', '45002', 'Aillant-sur-Milleron', 'MARTIN', 'Marie', 'F', 'Maire']]);
    ws.getRow(2).eachCell((c) => (c.font = { strike: true }));
    const { found } = await joinedDepartement(await campaignWithWorkbook('maires', wb));
    expect(found.warnings.filter((p) => p.kind === 'sans-maire' && p.message.startsWith('Adon (45001)')).map((p) => [p.message, p.line])).toEqual([
      ["Adon (45001) : la ligne de son maire est barrée dans Excel (ligne 2), écartée, et aucune autre ligne ne donne son maire ; ôtez le barré s'il faut la lire", 2],
    ]);
  });

  it("a councillor's struck row is not taken for the mayor's", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Maires');
    ws.addRows([header, ['45', '45001', 'Adon', 'ADJOINT', 'Paul', 'M', 'Premier adjoint'], ['45', '45002', 'Aillant-sur-Milleron', 'MARTIN', 'Marie', 'F', 'Maire']]);
    ws.getRow(2).eachCell((c) => (c.font = { strike: true }));
    const { found } = await joinedDepartement(await campaignWithWorkbook('maires', wb));
    expect(found.warnings.filter((p) => p.kind === 'sans-maire' && p.message.startsWith('Adon (45001)')).map((p) => p.message)).toEqual(['Adon (45001) : aucun maire dans le fichier des maires']);
  });
});

describe('a sign-up workbook', () => {
  let campaign: Campaign;
  beforeAll(async () => {
    campaign = await requireCampaign(sampleCampaign());
  });

  async function signups(fill: (wb: ExcelJS.Workbook) => void) {
    const wb = new ExcelJS.Workbook();
    fill(wb);
    const path = join(sampleCampaign(), 'inscriptions.xlsx');
    await wb.xlsx.writeFile(path);
    return readSignups(campaign, { fichiers: [path], colonnes: {} }, ref);
  }

  it('says which row is struck and which text is left out', async () => {
    const r = await signups((wb) => {
      const ws = wb.addWorksheet('Inscriptions');
      ws.addRows([
        ['id', 'date_inscription', 'departement', 'metier', 'statut'],
        ['V1', '2020-03-26', '45', 'Infirmier', { richText: [{ text: 'inscrit', font: { strike: true } }, { text: ' désinscrit' }] }],
        ['V2', '2020-03-26', '45', 'Médecin', 'inscrit'],
      ]);
      ws.getRow(3).eachCell((c) => (c.font = { strike: true }));
    });
    expect(r.problems.warnings.map((p) => [p.kind, p.line, p.message])).toEqual([
      ['texte-barre', 2, "inscriptions : la cellule « statut » (colonne 5) porte du texte barré dans Excel (« inscrit ») : relais lit « désinscrit », sans ce qui est barré ; supprimez-le de la cellule s'il ne sert plus, ou ôtez le barré s'il faut le lire"],
      ['ligne-barree', 3, "inscriptions : ligne barrée dans Excel (« V2 », « 2020-03-26 », « 45 », …) : écartée, comme ce qui n'est plus à utiliser ; ôtez le barré s'il faut la lire, supprimez-la sinon"],
    ]);
    expect(r.fichiers[0]).toMatchObject({ lus: 2, utilises: 0, ecartes: { 'ligne barrée dans Excel': 1, désinscrit: 1 } });
  });

  it('names the visible one of two same-name columns as the one read', async () => {
    const r = await signups((wb) => {
      const ws = wb.addWorksheet('Inscriptions');
      ws.addRows([
        ['id', 'date_inscription', 'departement', 'departement', 'metier'],
        ['V1', '2020-03-26', '18', '45', 'Infirmier'],
      ]);
      ws.getColumn(3).hidden = true;
    });
    expect(r.problems.warnings.filter((p) => p.kind === 'colonnes-multiples').map((p) => p.message)).toEqual([
      "inscriptions : plusieurs colonnes « departement » : « departement » (colonne 4) est utilisée, « departement » (colonne 3, masquée dans Excel) ne l'est pas ; si ce n'est pas la bonne, supprimez l'autre ou donnez-lui un autre nom",
    ]);
  });

  it('reads the first visible sheet and names the hidden one', async () => {
    const r = await signups((wb) => {
      const old = wb.addWorksheet('Mars');
      old.addRows([['id', 'date_inscription', 'departement'], ['V0', '2020-03-01', '18']]);
      old.state = 'hidden';
      wb.addWorksheet('Avril').addRows([['id', 'date_inscription', 'departement'], ['V1', '2020-04-01', '45']]);
    });
    expect(Array.from(r.records.dep.subarray(0, r.records.size), (d) => r.records.names.dep[d])).toEqual(['45']);
    expect(r.problems.warnings.filter((p) => p.kind === 'feuilles-masquees').map((p) => p.message)).toEqual([
      "inscriptions : feuille « Avril » lue ; la feuille « Mars », masquée dans Excel, est laissée de côté ; si c'est une feuille masquée qu'il faut lire, affichez-la (clic droit sur un onglet, « Afficher ») et placez-la en premier",
    ]);
  });
});
