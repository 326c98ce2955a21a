import { describe, expect, it } from 'vitest';
import { CONTACT_HEADER, campaignWith } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * The postal code column of a town-hall list as a spreadsheet leaves it, for town halls with no
 * email (the letter by post is their only channel): « 45 230 » (a number format with a thousands
 * separator, saved as shown: U+00A0 in French Excel), « 4523 » (a digit lost in typing, in the
 * Loiret), « CS 40001 » (the distribution mention typed in the wrong column). The commune
 * reference knows each commune's postal codes (`codesPostaux`), yet src/data/contacts.ts only
 * completes four digits with a zero (src/data/postal-codes.ts repairPostalCode: « 4523 » becomes « 04523 »,
 * an Ain code, said to be « zéro initial perdu ») and nothing checks the code against the commune:
 * the envelopes read « 45 230 ADON », « 04523 AILLANT SUR MILLERON », « CS 40001 ARDON », and check
 * says the campaign is ready.
 */
interface Problem {
  message: string;
  file?: string;
  line?: number;
}

const mairies = [
  CONTACT_HEADER,
  '45001;;1 place de la Mairie;45\u00a0230;Adon',
  '45002;;2 rue Haute;4523;Aillant-sur-Milleron',
  '45006;;5 rue de la Mairie;CS 40001;Ardon',
  '',
].join('\r\n');

async function lastLine(dir: string, insee: string): Promise<string | undefined> {
  const { json } = await relaisJson<{ lettre?: { adresse: string[] } }>(['-C', dir, 'preview', insee]);
  return json.lettre?.adresse.at(-1);
}

describe('postal codes of town halls reached by post, as a spreadsheet leaves them', () => {
  it('no envelope carries a last line without the commune’s five-digit postal code, unless check names the line', async () => {
    const dir = campaignWith({ mairies });
    const { json } = await relaisJson<{ errors: Problem[]; warnings: Problem[] }>(['-C', dir, 'check']);
    const about = (line: number) => [...json.errors, ...json.warnings].filter((p) => p.file === 'data/mairies.csv' && p.line === line).map((p) => p.message);
    const named = (line: number) => about(line).some((m) => /code postal/i.test(m) && !/zéro initial perdu/.test(m));
    const wrong: Record<string, { enveloppe: string | undefined; dit: string[] }> = {};
    // « 45 230 »: read as 45230, or named. It prints « 45 230 ADON » (with U+00A0), check silent.
    const adon = await lastLine(dir, '45001');
    if (adon !== '45230 ADON' && !named(2)) wrong['45001'] = { enveloppe: adon, dit: about(2) };
    // « 4523 »: not Aillant-sur-Milleron's 45230. It prints « 04523 AILLANT SUR MILLERON », and
    // says only « code postal 4523 complété en 04523 (zéro initial perdu) ».
    const aillant = await lastLine(dir, '45002');
    if (!named(3)) wrong['45002'] = { enveloppe: aillant, dit: about(3) };
    // « CS 40001 »: no postal code at all. It prints « CS 40001 ARDON », check silent.
    const ardon = await lastLine(dir, '45006');
    if (!/^\d{5} /.test(ardon ?? '') && !named(4)) wrong['45006'] = { enveloppe: ardon, dit: about(4) };
    expect(wrong).toEqual({});
  });
});

describe('a CEDEX written in the postal-code cell', () => {
  it('ends the envelope’s last line, after the locality, as La Poste reads it', async () => {
    const dir = campaignWith({
      mairies: [CONTACT_HEADER, '45001;;1 place de la Mairie;45040 ADON CEDEX 1;Adon', '45002;;2 rue Haute;45044 CEDEX 2;Aillant-sur-Milleron', ''].join('\r\n'),
    });
    expect(await lastLine(dir, '45001')).toBe('45040 ADON CEDEX 1');
    expect(await lastLine(dir, '45002')).toBe('45044 AILLANT SUR MILLERON CEDEX 2');
    const { json } = await relaisJson<{ errors: Problem[]; warnings: Problem[] }>(['-C', dir, 'check']);
    expect([...json.errors, ...json.warnings].filter((p) => p.file === 'data/mairies.csv' && /code postal/.test(p.message))).toEqual([]);
  });
});
