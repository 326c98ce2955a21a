import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCampaign } from '../src/campaign/check.js';
import { sniffEncoding } from '../src/data/encoding.js';
import { openTable } from '../src/data/table.js';
import { fieldText, openFastTable } from '../src/tracker/fast-csv.js';
import { campaignWith, tempDir } from './helpers/campaign.js';

/**
 * Excel for Mac's plain « CSV » is in Mac Roman. Its bytes are made here from Node's own Mac Roman
 * decoder, read backwards (each byte 0x80–0xFF and the character it decodes to), so that the
 * test's encoder cannot disagree with the decoder relais uses.
 */
const MAC = new Map<string, number>();
{
  const decoder = new TextDecoder('macintosh');
  for (let b = 0x80; b <= 0xff; b++) MAC.set(decoder.decode(Uint8Array.of(b)), b);
}
function macRoman(text: string): Buffer {
  return Buffer.from(
    [...text].map((c) => {
      if (c.charCodeAt(0) < 0x80) return c.charCodeAt(0);
      const b = MAC.get(c);
      if (b === undefined) throw new Error(`« ${c} » n'existe pas en Mac Roman`);
      return b;
    }),
  );
}

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
  });
});
