import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RelaisError } from '../src/errors.js';
import { stoppedByError } from '../src/letters/generate.js';
import { tempDir } from './helpers/campaign.js';

describe('letters stopped by an error it could not get past', () => {
  it('says the letters written, the print files absent and those left from before, and what to do', () => {
    const dir = tempDir();
    const absent = join(dir, 'out', 'lettres', '45', 'impression-45.pdf');
    const older = join(dir, 'impression-37.pdf');
    writeFileSync(older, '%PDF-');
    const cause = new RelaisError(`impossible d'écrire ${absent} : disque plein`, { file: absent });
    const e = stoppedByError(cause, { written: 12, toWrite: 325, unchanged: 3, notWritten: [absent, older], campaignDir: dir });
    expect(e.exitCode).toBe(1);
    expect(e.location.file).toBe(absent);
    expect(e.message).toMatch(/^impossible d'écrire .*impression-45\.pdf : disque plein\. Arrêté : 12 lettres écrites sur 325 \(et 3 inchangées\)/);
    expect(e.message).toContain('fichier à imprimer pas écrit : out/lettres/45/impression-45.pdf (aucun fichier à imprimer');
    expect(e.message).toContain("fichier à imprimer pas récrit : impression-37.pdf (celui sur le disque est celui d'avant cette exécution");
    expect(e.message).toMatch(/libérez de la place sur ce disque, puis relancez la même commande/);
  });

  it('print files written but not noted in the manifest: not to print before running it again', () => {
    const dir = tempDir();
    const manifest = join(dir, 'out', 'lettres', '.manifest.json');
    const cause = new RelaisError(`impossible d'écrire ${manifest} : disque plein`, { file: manifest });
    const e = stoppedByError(cause, { written: 325, toWrite: 325, unchanged: 0, notWritten: [], unrecorded: [join(dir, 'out', 'lettres', '45', 'impression-45.pdf'), join(dir, 'out', 'lettres', '37', 'impression-37.pdf')], campaignDir: dir });
    expect(e.message).toContain('325 lettres écrites sur 325 ; fichiers à imprimer écrits mais leurs lettres pas notées : out/lettres/45/impression-45.pdf, out/lettres/37/impression-37.pdf (ne les imprimez pas avant');
  });
});
