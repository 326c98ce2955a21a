import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireCampaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { readSignups } from '../src/tracker/signups.js';
import { sampleCampaign } from './helpers/campaign.js';

/**
 * Exports appended one after the other, the code page of Excel, then UTF-8, then Excel's again: the
 * sign-ups reader switched to UTF-8 and stayed there, so the third part's « Étudiant » was read
 * « �tudiant », a category and a métier of its own in the report and the letters, without a word.
 */
const CHUNK = 1024 * 1024;
const HEADER = 'id;date;departement;metier;categorie\r\n';
const windows = (text: string) => Buffer.from(text, 'latin1');
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const rows = (prefix: string, n: number, metier: string, categorie: string) => Array.from({ length: n }, (_, i) => `${prefix}${i};2020-03-26;45;${metier};${categorie}\r\n`).join('');

async function read(bytes: Buffer) {
  const dir = sampleCampaign();
  const campaign = await requireCampaign(dir);
  const path = join(dir, 'inscriptions-jointes.csv');
  writeFileSync(path, bytes);
  return readSignups(campaign, { fichiers: [path], colonnes: {} }, communeReference());
}

const garbled = (names: string[]) => names.filter((n) => /\uFFFD|Ã|â€/.test(n));

describe('sign-ups: three exports appended, Windows-1252, UTF-8, Windows-1252', () => {
  it('reads each part in its encoding, counts every row, and says where each part starts', async () => {
    // Lines: 1 header, 2–4 Windows-1252, 5–7 UTF-8, 8–10 Windows-1252.
    const bytes = Buffer.concat([windows(HEADER + rows('W', 3, 'Infirmière', 'soignant')), utf8(rows('U', 3, 'Étudiant en médecine', 'étudiant')), windows(rows('V', 3, 'Étudiant en médecine', 'étudiant'))]);
    const r = await read(bytes);
    expect(r.records.size).toBe(9);
    expect(garbled(r.records.names.metier)).toEqual([]);
    expect(garbled(r.records.names.category)).toEqual([]);
    expect([...r.records.names.metier].sort()).toEqual(['Infirmière', 'Étudiant en médecine']);
    expect([...r.records.names.category].sort()).toEqual(['soignant', 'étudiant']);
    const said = r.problems.items.filter((p) => p.kind === 'encodages-melanges');
    expect(said.map((p) => p.line)).toEqual([5]);
    expect(said[0]!.message).toContain('UTF-8 à partir de la ligne 5');
    expect(said[0]!.message).toContain('de nouveau Windows-1252 à partir de la ligne 8');
  });

  it('finds the way back past the first chunk, a UTF-8 letter cut by the chunk’s end just before it', async () => {
    // The UTF-8 part starts in the first chunk and goes past its end, « é » (C3 A9) cut in two by
    // it; the Windows-1252 part follows in the second chunk.
    const head = Buffer.concat([windows(HEADER + rows('W', 100, 'Infirmière', 'soignant')), utf8('U0;2020-03-26;45;')]);
    const fill = CHUNK - head.length - 1 - utf8('xxx').length;
    const bytes = Buffer.concat([head, utf8(`xxx${'x'.repeat(fill)}é;étudiant\r\n`), windows(rows('V', 2, 'Étudiant', 'étudiant'))]);
    expect(bytes[CHUNK - 1]).toBe(0xc3);
    const r = await read(bytes);
    expect(r.records.size).toBe(103);
    expect(garbled(r.records.names.metier)).toEqual([]);
    expect(r.records.names.metier).toContain('Étudiant');
    expect(r.records.names.metier.filter((m) => m.startsWith('xxx')).map((m) => m.slice(-2))).toEqual(['xé']);
    const said = r.problems.items.filter((p) => p.kind === 'encodages-melanges');
    expect(said.map((p) => p.line)).toEqual([102]);
    expect(said[0]!.message).toContain('de nouveau Windows-1252 à partir de la ligne 103');
  });

  it('reads a fourth part in UTF-8 again, and a genuine « \uFFFD » in the UTF-8 part is no way back', async () => {
    const bytes = Buffer.concat([
      windows(HEADER + rows('W', 2, 'Infirmière', 'soignant')),
      utf8(rows('U', 2, 'Aide-soignante diplômée \uFFFD', 'soignant')),
      windows(rows('V', 2, 'Sage-femme', 'étudiant')),
      utf8(rows('X', 2, 'Médecin', 'soignant')),
    ]);
    const r = await read(bytes);
    expect(r.records.size).toBe(8);
    expect([...r.records.names.metier].sort()).toEqual(['Aide-soignante diplômée \uFFFD', 'Infirmière', 'Médecin', 'Sage-femme']);
    expect([...r.records.names.category].sort()).toEqual(['soignant', 'étudiant']);
    const said = r.problems.items.filter((p) => p.kind === 'encodages-melanges');
    expect(said.map((p) => p.line)).toEqual([4]);
    expect(said[0]!.message).toContain('de nouveau Windows-1252 à partir de la ligne 6');
  });
});
