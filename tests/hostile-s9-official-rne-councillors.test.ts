import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * The RNE's file of all municipal councillors, as data.gouv.fr publishes it. README (« relais
 * check ») says the rows of that file that are not a mayor are set aside as « pas un maire dans le
 * fichier de tous les conseillers », and src/campaign/recipients.ts says « The RNE file of all
 * municipal councillors also works: only mayors are kept ». In the published file, the mayor's row
 * says « Maire » in the function column, adjoints say so too, and the other councillors — most
 * rows — have that column EMPTY:
 *
 * - current form (`elus-conseillers-municipaux-cm.csv`, `;`, UTF-8, ISO dates since the 2026
 *   elections), header verbatim from a public fixture that copies « the published headers,
 *   verbatim » (find_string « fonction;Date de début de la fonction;Code nation », file id
 *   68775088593, CM_HEADER — its Elu rows default `function_label` to ""), and from another
 *   project's CM fixture whose councillor rows end `2026-03-15;;;FR` — empty function and
 *   function date (find_string id 68956681813); the R package description of the same file
 *   (16 columns, 489 972 rows; search « elus_conseillers_municipaux_cm »);
 * - 2014–2019 form (`1-rne-cm.txt`, « A Tous CM 01 30.txt »…: tab, ISO-8859-1, a report title
 *   on line 1, commune number split from the département code), whose function column is named
 *   « Libellé de fonction », not « Libellé de la fonction »: columns listed verbatim in public
 *   R scripts that read it (find_string « Libellé de département (Maires) », ids 10400501797 and
 *   9970340741: Code du département (Maire), Libellé de département (Maires), Code Insee de la
 *   commune, Libellé de la commune, Population de la commune, Nom de l'élu, Prénom de l'élu,
 *   Code sexe, Date de naissance, Code profession, Libellé de la profession, Date de début du
 *   mandat, Date de fin du mandat, Motif de fin de mandat, Libellé de fonction, Date de début de
 *   la fonction, Date de fin de la fonction, Motif de fin de fonction, Nuance politique (C. Mun.),
 *   N° Identification d'un élu) and in a JS importer that maps `libelleFonction: 'Libellé de
 *   fonction'` and treats an empty one as no function (find_string id 2505972470).
 *
 * Names below are invented; the layout, columns, dates and empty cells are the published ones.
 * Likely cause: recipients.ts keeps a row whose function is empty (`m.fonction && …`), and
 * RNE_COLUMNS' `fonction` aliases ('libelle de la fonction', 'fonction') miss « Libellé de
 * fonction ».
 */
interface Report {
  errors: Array<{ kind: string; message: string; file?: string; line?: number }>;
  fichiers: Array<{ fichier: string; source: string; lus: number; utilises: number; ecartes: Record<string, number>; rejetes: number }>;
}

const CM_HEADER_2026 =
  "Code du département;Libellé du département;Code de la collectivité à statut particulier;Libellé de la collectivité à statut particulier;Code de la commune;Libellé de la commune;Nom de l'élu;Prénom de l'élu;Code sexe;Date de naissance;Code de la catégorie socio-professionnelle;Libellé de la catégorie socio-professionnelle;Date de début du mandat;Libellé de la fonction;Date de début de la fonction;Code nationalité";

const CM_HEADER_2014 = [
  'Code du département (Maire)',
  'Libellé de département (Maires)',
  'Code Insee de la commune',
  'Libellé de la commune',
  'Population de la commune',
  "Nom de l'élu",
  "Prénom de l'élu",
  'Code sexe',
  'Date de naissance',
  'Code profession',
  'Libellé de la profession',
  'Date de début du mandat',
  'Date de fin du mandat',
  'Motif de fin de mandat',
  'Libellé de fonction',
  'Date de début de la fonction',
  'Date de fin de la fonction',
  'Motif de fin de fonction',
  'Nuance politique (C. Mun.)',
  "N° Identification d'un élu",
].join('\t');

const mayorsOf = (r: Report) => r.fichiers.find((f) => f.source === 'maires')!;

describe("the RNE's file of all municipal councillors, as published", () => {
  it('current form: a councillor whose « Libellé de la fonction » is empty is set aside, not taken for the mayor', async () => {
    const dir = sampleCampaign();
    const path = join(dir, 'data', 'maires.csv');
    // The sample's mayors rewritten in the councillors' file layout: each one « Maire », and
    // Sandillon's council given two plain councillors, sorted before and after their mayor as the
    // file sorts a commune's rows by name.
    const rows = readFileSync(path, 'utf8').trimEnd().split('\n').slice(1);
    const out = [CM_HEADER_2026];
    for (const row of rows) {
      const c = row.split(';');
      const councillor = (nom: string, prenom: string, sexe: string) => [...c.slice(0, 6), nom, prenom, sexe, '1971-04-03', '31', 'Profession libérale', '2026-03-15', '', '', 'FR'].join(';');
      if (c[4] === '45300') out.push(councillor('AAAEXEMPLE', 'Jeanne', 'F'));
      out.push([...c.slice(0, 13), 'Maire', c[13], 'FR'].join(';'));
      if (c[4] === '45300') out.push(councillor('ZZZEXEMPLE', 'Paul', 'M'));
    }
    writeFileSync(path, out.join('\n') + '\n');

    const { code, json } = await relaisJson<Report>(['-C', dir, 'check']);
    // Today: « Sandillon (45300) apparaît deux fois (déjà ligne 1710) » — line 1710 being the
    // councillor AAAEXEMPLE, kept as Sandillon's mayor; the mayor's own row is the one refused.
    expect(json.errors.filter((e) => e.file === 'data/maires.csv').map((e) => e.message)).toEqual([]);
    expect(mayorsOf(json)).toMatchObject({ lus: rows.length + 2, utilises: 597, rejetes: 0 });
    expect(mayorsOf(json).ecartes['pas un maire (conseiller municipal)']).toBe(2);
    expect(code).toBe(0);
  });

  it('2014–2019 form (« Libellé de fonction », tab, ISO-8859-1, title line): only the mayors are kept', async () => {
    const dir = sampleCampaign();
    const row = (dep: string, lib: string, code: string, commune: string, nom: string, sexe: string, fonction: string) =>
      [dep, lib, code, commune, '1234', nom, 'Prénom', sexe, '02/06/1955', '33', 'Cadres', '23/03/2014', '', '', fonction, fonction ? '04/04/2014' : '', '', '', 'DVD', '123456'].join('\t');
    const text = [
      'Titre du rapport : Répertoire national des élus - conseillers municipaux',
      CM_HEADER_2014,
      row('45', 'LOIRET', '300', 'Sandillon', 'AAAEXEMPLE', 'F', ''),
      row('45', 'LOIRET', '300', 'Sandillon', 'BBBEXEMPLE', 'M', 'Maire'),
      row('45', 'LOIRET', '300', 'Sandillon', 'CCCEXEMPLE', 'F', '1er adjoint'),
      row('37', 'INDRE-ET-LOIRE', '261', 'Tours', 'DDDEXEMPLE', 'M', 'Maire'),
      row('37', 'INDRE-ET-LOIRE', '261', 'Tours', 'EEEEXEMPLE', 'F', ''),
    ].join('\r\n') + '\r\n';
    writeFileSync(join(dir, 'data', 'maires.csv'), Buffer.from(text, 'latin1'));

    const { json } = await relaisJson<Report>(['-C', dir, 'check']);
    // Today: the function column is not recognised, every councillor is a mayor: « Sandillon
    // (45300) apparaît deux fois (déjà ligne 3) », the same for Tours.
    expect(json.errors.filter((e) => e.kind === 'commune-en-double').map((e) => e.message)).toEqual([]);
    expect(mayorsOf(json)).toMatchObject({ lus: 5, utilises: 2, rejetes: 0 });
    expect(mayorsOf(json).ecartes['pas un maire (conseiller municipal)']).toBe(3);
  });
});

describe('a list of mayors with a function column left blank throughout', () => {
  it('names nobody: its rows are the mayors, none set aside as councillors', async () => {
    const dir = sampleCampaign();
    const path = join(dir, 'data', 'maires.csv');
    const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
    writeFileSync(path, [`${header};Fonction`, ...rows.map((r) => `${r};`)].join('\n') + '\n');
    const { code, json } = await relaisJson<Report>(['-C', dir, 'check']);
    expect(code).toBe(0);
    expect(mayorsOf(json)).toMatchObject({ lus: rows.length, utilises: 597, rejetes: 0 });
    expect(mayorsOf(json).ecartes['pas un maire (conseiller municipal)']).toBeUndefined();
  });
});

describe('a list of mayors whose function column is filled in places only', () => {
  it('keeps the mayor of each commune whose row says nothing, as the one of a row that says « Maire »', async () => {
    const dir = sampleCampaign();
    const path = join(dir, 'data', 'maires.csv');
    const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
    // A préfecture's own list: « Maire » written on every other row, the column blank elsewhere.
    writeFileSync(path, [`${header};Fonction`, ...rows.map((r, i) => `${r};${i % 2 ? 'Maire' : ''}`)].join('\n') + '\n');
    const { code, json } = await relaisJson<Report>(['-C', dir, 'check']);
    expect(code).toBe(0);
    expect(mayorsOf(json)).toMatchObject({ lus: rows.length, utilises: 597, rejetes: 0 });
    expect(mayorsOf(json).ecartes['pas un maire (conseiller municipal)']).toBeUndefined();
  });
});

describe("a row without a function for a commune whose « Maire » row is there, in a file that names no deputy", () => {
  it('is set aside as a councillor, and said with the line of the mayor (a row written twice is not hidden)', async () => {
    const dir = sampleCampaign();
    const path = join(dir, 'data', 'maires.csv');
    const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
    const adon = rows.findIndex((r) => r.split(';')[4] === '45001');
    const lines = [`${header};Fonction`, ...rows.map((r) => `${r};Maire`), `${rows[adon]!.replace(/;[FM];/, ';M;')};`];
    writeFileSync(path, lines.join('\n') + '\n');
    const { json } = await relaisJson<Report & { warnings: Array<{ kind: string; message: string; line?: number }> }>(['-C', dir, 'check']);
    expect(mayorsOf(json)).toMatchObject({ lus: rows.length + 1, utilises: 597, rejetes: 0 });
    expect(mayorsOf(json).ecartes['pas un maire (conseiller municipal)']).toBe(1);
    const said = json.warnings.filter((w) => w.kind === 'ligne-ecartee');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ line: lines.length, message: expect.stringContaining(`dont la ligne « Maire » est la ligne ${adon + 2}`) });
  });
});
