import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { parse as parseSync } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { plainRecords } from '../src/data/plain-rows.js';
import { sniffEncoding } from '../src/data/encoding.js';
import { openTable, sniffDelimiter } from '../src/data/table.js';
import { isRneHeader, rneColumns, rneInseeCode, toMayor } from '../src/data/rne.js';
import { contactColumns, isContactHeader, isValidEmail, toContact } from '../src/data/contacts.js';
import { RelaisError } from '../src/errors.js';
import { tempDir } from './helpers/campaign.js';

async function readAll(path: string, isHeader?: (cells: string[]) => boolean) {
  const table = await openTable(path, isHeader ? { isHeader } : {});
  const rows = [];
  for await (const row of table.rows) rows.push(row);
  return { table, rows };
}

function file(name: string, content: string | Buffer): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

describe('openTable', () => {
  it('reads quoted fields with newlines and gives the line where each record starts', async () => {
    const { table, rows } = await readAll(file('a.csv', 'a;b\n1;"x\ny"\n\n3;4\n'));
    expect(table.header).toEqual(['a', 'b']);
    expect(rows).toEqual([
      { line: 2, values: ['1', 'x\ny'] },
      { line: 5, values: ['3', '4'] },
    ]);
  });

  it('reads CRLF, LF, bare CR and any mix alike, with the line where each record starts', async () => {
    const { table, rows } = await readAll(file('m.csv', 'a;b\r\n1;2\r\n3;"x\r\ny"\r\n5;6\n7;"p\nq"\n\n9;10\r11;"r\rs"\r13;14'));
    expect(table.header).toEqual(['a', 'b']);
    expect(rows).toEqual([
      { line: 2, values: ['1', '2'] },
      { line: 3, values: ['3', 'x\r\ny'] },
      { line: 5, values: ['5', '6'] },
      { line: 6, values: ['7', 'p\nq'] },
      { line: 9, values: ['9', '10'] },
      { line: 10, values: ['11', 'r\rs'] },
      { line: 12, values: ['13', '14'] },
    ]);
    const cr = await readAll(file('cr.csv', 'titre\r\ra;b\r1;2\r3;4\r'), (cells) => cells.includes('a'));
    expect(cr.table.headerLine).toBe(3);
    expect(cr.rows).toEqual([
      { line: 4, values: ['1', '2'] },
      { line: 5, values: ['3', '4'] },
    ]);
  });

  it('reads every row of a file whose line endings change midway (one export appended to another)', async () => {
    const head = Array.from({ length: 3000 }, (_, i) => `${i};mairie${i}@exemple.fr\r\n`).join('');
    const tail = Array.from({ length: 3000 }, (_, i) => `${3000 + i};mairie${3000 + i}@exemple.fr\n`).join('');
    const { rows } = await readAll(file('appended.csv', `code;courriel\r\n${head}${tail}`));
    expect(rows).toHaveLength(6000);
    expect(rows.every((r, i) => r.line === i + 2 && r.values[0] === String(i) && r.values[1] === `mairie${i}@exemple.fr`)).toBe(true);
  });

  it('sniffs comma, tab and semicolon from the header', async () => {
    expect(sniffDelimiter('a,b,c')).toBe(',');
    expect(sniffDelimiter('a\tb\tc')).toBe('\t');
    expect(sniffDelimiter('"a;b",c,d')).toBe(',');
    expect(sniffDelimiter('a;b,c;d')).toBe(';');
    const { rows } = await readAll(file('c.csv', 'a,b\r\n"1,5",2\r\n'));
    expect(rows[0]!.values).toEqual(['1,5', '2']);
  });

  it('recognises BOM, UTF-16 and Windows-1252', async () => {
    expect(sniffEncoding(Buffer.from('\uFEFFabc', 'utf8')).label).toBe('UTF-8 (BOM)');
    expect(sniffEncoding(Buffer.from('Orléans', 'utf8')).label).toBe('UTF-8');
    expect(sniffEncoding(Buffer.from('Orl\xe9ans', 'latin1')).label).toBe('Windows-1252');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('nom\tville\r\nPOUËSSEL\tOrléans\r\n', 'utf16le')]);
    const { rows } = await readAll(file('u.txt', utf16));
    expect(rows[0]!.values).toEqual(['POUËSSEL', 'Orléans']);
    const cp1252 = Buffer.from('nom;ville\nP\xc9RICHON;Orl\xe9ans \x80\n', 'latin1');
    const read = await readAll(file('w.csv', cp1252));
    expect(read.table.encoding).toBe('Windows-1252');
    expect(read.rows[0]!.values).toEqual(['PÉRICHON', 'Orléans €']);
  });

  it('reports bytes that break UTF-8 after the sampled start, with the file and the line', async () => {
    // UTF-8 from its first row (« é »); the Windows-1252 row comes after the sample.
    const start = `a;b\nété;y\n${'x;y\n'.repeat(20000)}`;
    const path = file('mixed.csv', Buffer.concat([Buffer.from(start, 'utf8'), Buffer.from('Orl\xe9ans;z\n', 'latin1')]));
    await expect(readAll(path)).rejects.toMatchObject({ message: expect.stringMatching(/encodage incohérent.*ligne 20003/), location: { file: path, line: 20003 } });
  });

  it('reads a Windows-1252 file whose sampled start is all ASCII as Windows-1252, not as a broken UTF-8 one', async () => {
    const path = file('late.csv', Buffer.concat([Buffer.from(`a;b\n${'x;y\n'.repeat(20000)}`), Buffer.from('Orl\xe9ans;z\n', 'latin1')]));
    const { table, rows } = await readAll(path);
    expect(table.encoding).toBe('Windows-1252');
    expect(rows.at(-1)!.values).toEqual(['Orléans', 'z']);
  });

  it('refuses a workbook saved with a .csv name', async () => {
    await expect(readAll(file('x.csv', Buffer.from('PK\x03\x04rest', 'latin1')))).rejects.toThrow(/classeur/);
  });

  it('never throws anything but a RelaisError on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 400 }), async (bytes) => {
        const path = file('r.csv', Buffer.from(bytes));
        try {
          await readAll(path);
        } catch (err) {
          expect(err).toBeInstanceOf(RelaisError);
        }
      }),
      { numRuns: 200, seed: 42 },
    );
  });
});

describe('RNE formats', () => {
  it('reads the 2020 export: title line, tabs, ISO-8859-1, split codes, d/m/yyyy dates', async () => {
    const header = ['Code du département (Maire)', 'Libellé de département (Maires)', 'Code Insee de la commune', 'Libellé de la commune', "Nom de l'élu", "Prénom de l'élu", 'Code sexe', 'Date de naissance', 'Code profession', 'Libellé de la profession', 'Date de début du mandat', 'Date de début de la fonction'];
    const text = [
      'Répertoire national des élus : maires au 1/4/2020',
      header.join('\t'),
      ['45', 'LOIRET', '234', 'Orléans', 'GRAND', 'Serge', 'M', '2/6/1955', '33', 'Cadres', '23/3/2014', '4/4/2014'].join('\t'),
      ['1', 'AIN', '1', "L'Abergement-Clémenciat", 'DUPONT', 'Anne', 'F', '1/1/1960', '', '', '1/1/2014', '1/1/2014'].join('\t'),
      ['2A', 'CORSE-DU-SUD', '4', 'Ajaccio', 'MARCANGELI', 'Laurent', 'M', '1/1/1980', '', '', '1/1/2014', '1/1/2014'].join('\t'),
      ['ZA', 'GUADELOUPE', '1', 'Les Abymes', 'X', 'Y', 'M', '1/1/1980', '', '', '1/1/2014', '1/1/2014'].join('\t'),
    ].join('\r\n');
    const latin1 = Buffer.from(text, 'latin1');
    const { table, rows } = await readAll(file('rne2020.txt', latin1), isRneHeader);
    expect(table.headerLine).toBe(2);
    expect(table.encoding).toBe('Windows-1252');
    const columns = rneColumns(table.header);
    expect(columns.missing).toEqual([]);
    const mayors = rows.map((r) => toMayor(r.values, r.line, columns.indexes));
    expect(mayors.map((m) => [m.line, m.insee, m.nom, m.sexe])).toEqual([
      [3, '45234', 'GRAND', 'M'],
      [4, '01001', 'DUPONT', 'F'],
      [5, '2A004', 'MARCANGELI', 'M'],
      [6, '97101', 'X', 'M'],
    ]);
    expect(mayors[0]!.libelle).toBe('Orléans');
  });

  it('rebuilds INSEE codes', () => {
    expect(rneInseeCode('45', '45234')).toBe('45234');
    expect(rneInseeCode('01', '1001')).toBe('01001');
    expect(rneInseeCode('1', '1')).toBe('01001');
    expect(rneInseeCode('971', '1')).toBe('97101');
    expect(rneInseeCode('2B', '33')).toBe('2B033');
  });

  it('keeps only mayors from the file of all municipal councillors', async () => {
    const header = "Code du département;Code de la commune;Libellé de la commune;Nom de l'élu;Prénom de l'élu;Code sexe;Libellé de la fonction";
    const { table, rows } = await readAll(file('cm.csv', `${header}\n45;45234;Orléans;A;B;M;Maire\n45;45234;Orléans;C;D;F;Premier adjoint au maire\n`), isRneHeader);
    const columns = rneColumns(table.header);
    expect(rows.map((r) => toMayor(r.values, r.line, columns.indexes).fonction)).toEqual(['Maire', 'Premier adjoint au maire']);
  });
});

describe('contacts', () => {
  it('reads an .xlsx workbook with hyperlinks and numbers', async () => {
    const path = join(tempDir(), 'mairies.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['Liste des mairies du Loiret']);
    ws.addRow(['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune']);
    ws.addRow(['45234', { text: 'mairie@orleans.example', hyperlink: 'mailto:mairie@orleans.example' }, "Place de l'Étape", 45000, 'Orléans']);
    ws.addRow([45001, '', 'Le Bourg', 45170, 'Adon']);
    await wb.xlsx.writeFile(path);
    const { table, rows } = await readAll(path, isContactHeader);
    expect(table.headerLine).toBe(2);
    const columns = contactColumns(table.header);
    const contacts = rows.map((r) => toContact(r.values, r.line, columns.indexes));
    expect(contacts.map((c) => [c.line, c.insee, c.courriel, c.codePostal])).toEqual([
      [3, '45234', 'mairie@orleans.example', '45000'],
      [4, '45001', '', '45170'],
    ]);
  });

  it('a cell formatted as a date holding a number beyond any calendar reads as empty (it threw a RangeError)', async () => {
    const path = join(tempDir(), 'dates.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mairies');
    ws.addRow(['code_insee_commune', 'adresse_courriel']);
    ws.addRow([6.6e55, 'mairie@orleans.example']);
    ws.getCell('A2').numFmt = 'yyyy-mm-dd';
    ws.addRow([new Date('2020-04-10T00:00:00Z'), 'b@orleans.example']);
    await wb.xlsx.writeFile(path);
    const { rows } = await readAll(path, isContactHeader);
    expect(rows.map((r) => r.values)).toEqual([
      ['', 'mairie@orleans.example'],
      ['2020-04-10', 'b@orleans.example'],
    ]);
  });

  it('maps columns named by the préfecture', async () => {
    const { table, rows } = await readAll(file('p.csv', 'INSEE,Mél de la mairie\n45234,a@b.example\n'));
    const columns = contactColumns(table.header, { insee: 'INSEE', courriel: 'Mél de la mairie' });
    expect(columns.missing).toEqual([]);
    expect(toContact(rows[0]!.values, 2, columns.indexes).courriel).toBe('a@b.example');
  });

  it.each([
    ['mairie@orleans.example', true],
    ['accueil.mairie@saint-jean-de-braye.fr', true],
    ['mairie@@x', false],
    ['mairie@x', false],
    ['mairie orleans@x.fr', false],
    ['mairie@x..fr', false],
    ['', false],
  ])('email %s valid: %s', (email, valid) => {
    expect(isValidEmail(email)).toBe(valid);
  });
});

describe('files that are not what they seem', () => {
  it('reads UTF-16 without its BOM, and names the encoding', async () => {
    for (const [label, bytes] of [
      ['UTF-16LE (sans BOM)', Buffer.from('nom;ville\r\nPOUËSSEL;Orléans\r\n', 'utf16le')],
      ['UTF-16BE (sans BOM)', Buffer.from('nom;ville\r\nPOUËSSEL;Orléans\r\n', 'utf16le').swap16()],
    ] as const) {
      const { table, rows } = await readAll(file('u16.csv', bytes));
      expect(table.encoding).toBe(label);
      expect(table.header).toEqual(['nom', 'ville']);
      expect(rows).toEqual([{ line: 2, values: ['POUËSSEL', 'Orléans'] }]);
    }
  });

  it('refuses a binary file with NUL bytes, without printing them', async () => {
    const bytes = Buffer.concat([Buffer.from('nom;ville\n'), Buffer.from([0, 1, 2, 0, 0, 0, 0x41, 0, 0, 0, 0, 9, 0, 0])]);
    const err = await readAll(file('bin.csv', bytes)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RelaisError);
    expect((err as RelaisError).message).toContain('octets nuls');
    expect((err as RelaisError).message).not.toContain('\0');
  });

  it('a folder, or a file without the right to read it, is said in French', async () => {
    const dir = tempDir();
    const err = await openTable(dir, { displayName: 'data/dossier.csv' }).catch((e: unknown) => e);
    expect((err as RelaisError).message).toBe("ce n'est pas un fichier");
    const missing = await openTable(join(dir, 'absent.csv')).catch((e: unknown) => e);
    expect((missing as RelaisError).message).toBe('fichier introuvable');
  });
});

/**
 * A table without quotes skips csv-parse (plain-rows.ts): it must read exactly what csv-parse
 * reads with the options of openTable, line numbers included, whatever blanks and line endings
 * the file holds.
 */
describe('the plain reader against csv-parse', () => {
  function byCsvParse(text: string, headerLine: number): Array<{ line: number; values: string[] }> {
    const records = parseSync(text, { delimiter: ';', record_delimiter: ['\r\n', '\n', '\r'], from_line: headerLine + 1, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, trim: true }) as string[][];
    let line = headerLine + 1;
    const out = [];
    for (const values of records) {
      const start = line;
      line += 1 + values.reduce((n, v) => n + (v.match(/\r\n|\n|\r/g)?.length ?? 0), 0);
      if (values.every((v) => v === '')) continue;
      out.push({ line: start, values });
    }
    return out;
  }

  it('gives the rows and lines csv-parse gives, over hostile quote-free files (property)', async () => {
    const unit = fc.constantFrom('a', 'é', '1', ';', ' ', '\t', '\u00a0', '\u202f', '\u2028', '\u3000', '\ufeff', '\f', '\n', '\r', '\r\n', '\r\n');
    await fc.assert(
      fc.asyncProperty(fc.string({ unit, maxLength: 80 }), fc.boolean(), fc.constantFrom('\n', '\r\n', '\r'), async (body, bom, eol) => {
        const text = `nom;prenom;code${eol}${body}`;
        const path = file('plain.csv', Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text)]));
        const { table, rows } = await readAll(path);
        expect(rows).toEqual(byCsvParse(text, table.headerLine));
      }),
      { numRuns: 400 },
    );
  });

  it('reads the same records wherever the stream cuts the text, a CRLF included', async () => {
    const text = 'titre\r\na ; b\r\n\r\n c;\u00a0d \re;f\n\ng;h\r\n';
    const expected = parseSync(text, { delimiter: ';', record_delimiter: ['\r\n', '\n', '\r'], from_line: 2, relax_column_count: true, skip_empty_lines: false, trim: true }) as string[][];
    for (let cut = 0; cut <= text.length; cut++) {
      const chunks = [text.slice(0, cut), text.slice(cut)];
      const records = [];
      for await (const r of plainRecords((async function* () { yield* chunks; })(), ';', 1)) records.push(r);
      expect(records).toEqual(expected);
    }
  });

  it('reads a Windows-1252 file and lines cut by the 64 KB chunks of the stream alike', async () => {
    const line = (i: number) => `Pérès ${i} ;\u00a0Zoé;${'x'.repeat(i % 97)}`;
    const text = `nom;prenom;code\r\n${Array.from({ length: 4000 }, (_, i) => line(i)).join('\r\n')}\r\n`;
    for (const bytes of [Buffer.from(text, 'latin1'), Buffer.from(text)]) {
      const { table, rows } = await readAll(file('long.csv', bytes));
      expect(rows).toEqual(byCsvParse(text, table.headerLine));
      expect(rows).toHaveLength(4000);
    }
  });
});
