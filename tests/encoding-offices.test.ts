import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCampaign } from '../src/campaign/check.js';
import { sniffEncoding } from '../src/data/encoding.js';
import { openTable } from '../src/data/table.js';
import { fieldText, openFastTable } from '../src/tracker/fast-csv.js';
import { campaignWith, tempDir } from './helpers/campaign.js';
import { macRoman, windows1252 } from './helpers/code-pages.js';

function file(name: string, content: Buffer): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

const MAYORS = 'nom;prenom;ville\nPOUËSSEL;Jérôme;Orléans\nLÉGER;Françoise;Châteauneuf-sur-Loire\nDE L’ÉPÉE;Hélène;Saint-Benoît\n';

describe('Mac Roman (Excel for Mac « CSV »)', () => {
  it('is recognised by its letters and read as written, in the table reader and the sign-ups reader', async () => {
    const bytes = macRoman(MAYORS);
    expect(new TextDecoder('macintosh').decode(bytes)).toBe(MAYORS);
    expect(sniffEncoding(bytes).label).toBe('Mac Roman (Excel pour Mac)');
    const table = await openTable(file('maires.csv', bytes));
    expect(table.encoding).toBe('Mac Roman (Excel pour Mac)');
    const rows: string[][] = [];
    for await (const row of table.rows) rows.push(row.values);
    expect(rows).toEqual([
      ['POUËSSEL', 'Jérôme', 'Orléans'],
      ['LÉGER', 'Françoise', 'Châteauneuf-sur-Loire'],
      ['DE L’ÉPÉE', 'Hélène', 'Saint-Benoît'],
    ]);
    const fast = await openFastTable(file('inscriptions.csv', macRoman('id;departement;metier\nV1;45;Infirmière\nV2;37;Aide-soignant à domicile\n')), 'inscriptions.csv');
    expect(fast.encoding).toBe('Mac Roman (Excel pour Mac)');
    const values: string[] = [];
    await fast.scan((row) => values.push(fieldText(row, 2)));
    expect(values).toEqual(['Infirmière', 'Aide-soignant à domicile']);
  });

  it('a Mac Roman list in capitals is read as written (« FRANÇOIS », « HÔTEL DE VILLE »)', async () => {
    const table = await openTable(file('maires.csv', macRoman('nom;prenom;adresse\nLEGRAND;FRANÇOIS;HÔTEL DE VILLE\nPETIT;FRANÇOISE;HÔTEL DE VILLE\n')));
    expect(table.encoding).toBe('Mac Roman (Excel pour Mac)');
    const rows: string[][] = [];
    for await (const row of table.rows) rows.push(row.values);
    expect(rows.map((r) => `${r[1]} ${r[2]}`)).toEqual(['FRANÇOIS HÔTEL DE VILLE', 'FRANÇOISE HÔTEL DE VILLE']);
  });

  it('a Windows-1252 export with French punctuation stays Windows-1252', () => {
    // ’ “ ” … – — œ € « » and the accented letters as French Excel for Windows writes them.
    const text = Buffer.from('nom;note\nP\xc9RICHON;\x93C\x9cur de ville\x94 \x85 \x96 \x97 l\x92\xe9t\xe9 \xab 10 \x80 \xbb\nL\xc9GER;Fran\xe7oise, ch\xe2teau, for\xeat\n', 'latin1');
    expect(sniffEncoding(text).label).toBe('Windows-1252');
  });

  it('a UTF-8 export appended to a Mac Roman one is refused at its line, naming Mac Roman', async () => {
    const path = file('deux.csv', Buffer.concat([macRoman(MAYORS), Buffer.from('DURAND;Élodie;Orléans\n', 'utf8')]));
    await expect(openTable(path)).rejects.toThrow(/Mac Roman \(Excel pour Mac\) et UTF-8 à partir de la ligne 5/);
  });

  it('a mayors’ file saved by Excel for Mac gives every mayor the name it has in UTF-8', async () => {
    const original = readFileSync('data/maires.csv', 'utf8');
    const utf8 = await checkCampaign(campaignWith({}));
    const mac = await checkCampaign(campaignWith({ maires: macRoman(original) }));
    const names = (r: typeof utf8.recipients) => r.map((x) => `${x.commune.code} ${x.maire?.prenom} ${x.maire?.nom}`);
    expect(names(mac.recipients)).toEqual(names(utf8.recipients));
    // Names with accents are among them: the comparison is not between two plain-ASCII lists.
    expect(names(mac.recipients).some((n) => /[éèêëôîç]/i.test(n))).toBe(true);
    expect(mac.report.totals).toEqual(utf8.report.totals);
    // The guess is said in the file's account, so that a wrong one shows.
    expect(mac.report.fichiers.find((f) => f.source === 'maires')?.format).toBe('RNE (CSV Mac Roman, Excel pour Mac)');
    expect(utf8.report.fichiers.find((f) => f.source === 'maires')?.format).toBe('RNE (CSV)');
  });
});

/** Rows enough that the first 64 KB (what is sampled) hold no accent at all. */
const ASCII_ROWS = Array.from({ length: 3000 }, (_, i) => `V${i};45;Infirmier;inscrit`).join('\r\n');
const SIGNUPS_HEADER = 'id;departement;metier;statut\r\n';

async function bothReaders(path: string) {
  const table = await openTable(path, { displayName: 'x.csv' });
  const slow: string[][] = [];
  for await (const row of table.rows) slow.push(row.values);
  const fast = await openFastTable(path, 'x.csv');
  const quick: string[][] = [];
  await fast.scan((row) => quick.push(Array.from({ length: row.count }, (_, i) => fieldText(row, i))));
  return { encodings: [table.encoding, fast.encoding], slow, quick };
}

describe('a file whose first rows are all ASCII', () => {
  it('is read in the code page its first accented row is in, by both readers', async () => {
    for (const [name, bytes] of [
      ['Windows-1252', Buffer.from('V9999;45;Infirmi\xe8re;inscrit\r\nV10000;37;Aide-soignant \xe0 domicile;inscrit\r\n', 'latin1')],
      ['Mac Roman (Excel pour Mac)', macRoman('V9999;45;Infirmière;inscrit\r\nV10000;37;Aide-soignant à domicile;inscrit\r\n')],
    ] as const) {
      const read = await bothReaders(file('x.csv', Buffer.concat([Buffer.from(SIGNUPS_HEADER + ASCII_ROWS + '\r\n'), bytes])));
      expect(read.encodings).toEqual([name, name]);
      for (const rows of [read.slow, read.quick]) {
        expect(rows).toHaveLength(3002);
        expect(rows.slice(-2).map((r) => r[2])).toEqual(['Infirmière', 'Aide-soignant à domicile']);
      }
    }
  });

  it('is UTF-8 when its first accent is, and ASCII throughout is UTF-8', async () => {
    const utf8 = await bothReaders(file('x.csv', Buffer.from(`${SIGNUPS_HEADER}${ASCII_ROWS}\r\nV9999;45;Infirmière;inscrit\r\n`, 'utf8')));
    expect(utf8.encodings).toEqual(['UTF-8', 'UTF-8']);
    expect(utf8.quick.at(-1)![2]).toBe('Infirmière');
    const ascii = await bothReaders(file('x.csv', Buffer.from(`${SIGNUPS_HEADER}${ASCII_ROWS}\r\n`)));
    expect(ascii.encodings).toEqual(['UTF-8', 'UTF-8']);
    expect(ascii.slow).toHaveLength(3000);
  });

  it('a UTF-8 export after a Windows-1252 one found past the sample is refused at the line where UTF-8 starts', async () => {
    const path = file('x.csv', Buffer.concat([
      Buffer.from(SIGNUPS_HEADER + ASCII_ROWS + '\r\n'),
      Buffer.from('V9999;45;Infirmi\xe8re;inscrit\r\n', 'latin1'),
      Buffer.from('V10000;45;Sage-femme diplômée;inscrit\r\n', 'utf8'),
    ]));
    const refused = await openTable(path, { displayName: 'x.csv' }).then(() => undefined, (err: unknown) => err);
    expect(refused).toMatchObject({ message: expect.stringContaining('Windows-1252 (Excel) et UTF-8 à partir de la ligne 3003'), location: { file: 'x.csv', line: 3003 } });
    expect((await openFastTable(path, 'x.csv')).mixedFromLine).toBe(3003);
  });

  it('a UTF-8 file whose later rows are not UTF-8 names the line, once', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `V${i};45;Infirmière;inscrit`).join('\r\n');
    const path = file('x.csv', Buffer.concat([Buffer.from(`${SIGNUPS_HEADER}${rows}\r\n`, 'utf8'), Buffer.from('V9999;45;Infirmi\xe8re;inscrit\r\n', 'latin1')]));
    const table = await openTable(path, { displayName: 'x.csv' });
    const refused = await (async () => {
      for await (const _ of table.rows) void _;
    })().then(() => undefined, (err: unknown) => err);
    expect(refused).toMatchObject({ message: expect.stringMatching(/^encodage incohérent : le fichier est en UTF-8 jusqu'à la ligne 3002, qui ne l'est pas/), location: { file: 'x.csv', line: 3002 } });
    expect(String((refused as Error).message)).not.toContain('x.csv');
  });
});

describe('two exports appended, one in a code page and one in UTF-8', () => {
  it('two exports appended are named by the first one’s code page, the UTF-8 after it no evidence', () => {
    const header = 'code_insee_commune;complement1;numero_voie\r\n';
    const windows = Buffer.from(`${header}45001;Hôtel de Ville;1 place de l\u0092Église\r\n`, 'latin1');
    const utf8 = Buffer.from(`${header}37003;Hôtel de Ville;3 place de l’Église\n`, 'utf8');
    expect(sniffEncoding(Buffer.concat([windows, utf8]))).toMatchObject({ label: 'Windows-1252', mixedFromLine: 4 });
    const mac = macRoman(`${header}45001;Hôtel de Ville;1 place de l’Église\r\n`);
    expect(sniffEncoding(Buffer.concat([mac, utf8]))).toMatchObject({ label: 'Mac Roman (Excel pour Mac)', mixedFromLine: 4 });
  });
});

describe('a Windows-1252 file is never read as Mac Roman for its signs', () => {
  // Windows-1252 bytes of French office text: accents at a word's end, « … », « € », « • », « ‘ », a « Dušan ».
  const windows = windows1252;

  it.each([
    ['code;voie;remarque\n45001;1 place du Comité;Fermé le lundi…\n45002;2 rue de la Liberté;\n'],
    ["nom;prenom\nMARTIN;André\nPETROVIC;Dušan\n"],
    ['note\nParticipation 50 € / Comité\n'],
    ['note\n• relancer / Santé\n'],
    ['note\ndit ‘oui’ / Santé\n'],
    ['note\nsoignant·e retraité·e\n'],
  ])('%s', (text) => {
    expect(sniffEncoding(windows(text)).label).toBe('Windows-1252');
  });
});

