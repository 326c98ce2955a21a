import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTable } from '../src/data/table.js';
import { openFastTable } from '../src/tracker/fast-csv.js';
import { tempDir } from './helpers/campaign.js';

/**
 * Node 20's TextDecoder('windows-1252'), called once without { stream: true }, decodes bytes
 * 0x80–0x9F as Latin-1 (U+0080–U+009F, invisible controls) instead of ’ – — € œ Œ ™ Ž…; with
 * { stream: true } it decodes them right. The rows are decoded streaming, but the sample that
 * gives the header (src/data/table.ts openTable, src/tracker/fast-csv.ts openFastTable) is
 * decoded in one call: a French Excel export whose header reads « Nom de l’élu » (typographic
 * apostrophe, typed in Word or Outlook and pasted) has its header read « Nom de l\u0092élu », and
 * every message that quotes the column carries an invisible control character.
 */
const bytes = Buffer.concat([
  Buffer.from('Code du d\xe9partement;Code de la commune;Libell\xe9 de la commune;Nom de l', 'latin1'),
  Buffer.from([0x92]),
  Buffer.from('\xe9lu;Pr\xe9nom de l', 'latin1'),
  Buffer.from([0x92]),
  Buffer.from('\xe9lu\r\n45;45001;Adon;DUPONT;Jos\xe9phine\r\n', 'latin1'),
]);

describe('a Windows-1252 header with a typographic apostrophe', () => {
  it('is read « Nom de l’élu » by the table reader', async () => {
    const path = join(tempDir(), 'maires.csv');
    writeFileSync(path, bytes);
    const table = await openTable(path);
    expect(table.encoding).toBe('Windows-1252');
    // Now: 'Nom de l\u0092élu'.
    expect(table.header.slice(3)).toEqual(['Nom de l’élu', 'Prénom de l’élu']);
  });

  it('is read « Nom de l’élu » by the sign-ups fast reader', async () => {
    const path = join(tempDir(), 'inscriptions.csv');
    writeFileSync(path, bytes);
    const fast = await openFastTable(path, 'inscriptions.csv');
    expect(fast.header.slice(3)).toEqual(['Nom de l’élu', 'Prénom de l’élu']);
  });
});
