import { describe, expect, it } from 'vitest';
import { readTableBytes, windows1252 } from './helpers/code-pages.js';

/**
 * Code page 850 (new this session) reads Windows-1252's typographic apostrophe (0x92) as « Æ ».
 * After a capital (« L’Isle-Adam », « L’ABERGEMENT ») frenchScore counts « LÆI » as a well-placed
 * capital (+1 for CP850) while the apostrophe counts 0 for Windows-1252: a plain Excel CSV whose
 * only non-ASCII signs are such apostrophes is taken for MS-DOS, silently, and every name is
 * printed « LÆIsle-Adam ». Before CP850 was added these files were read right.
 */

describe('a Windows-1252 CSV whose only non-ASCII signs are apostrophes after a capital', () => {
  it('a town-hall list « L’Isle-Adam », « L’Hermitage » is read as Windows-1252, not code page 850', async () => {
    const text = 'code_insee;commune;email\n95313;L’Isle-Adam;mairie@ville-isle-adam.fr\n95250;L’Hermitage;mairie@hermitage.fr\n95600;Eaubonne;mairie@eaubonne.fr\n';
    const { encoding, values } = await readTableBytes('mairies.csv', windows1252(text));
    // Read as CP850: « LÆIsle-Adam », « LÆHermitage » on the letters and envelopes.
    expect(values.map((v) => v[1])).toEqual(['L’Isle-Adam', 'L’Hermitage', 'Eaubonne']);
    expect(encoding).toBe('Windows-1252');
  });

  it('names in capitals « L’ISLE-ADAM », « L’ABERGEMENT » are read as written', async () => {
    const text = 'nom;commune\nDUPONT;L’ISLE-ADAM\nMARTIN;L’ABERGEMENT\n';
    const { encoding, values } = await readTableBytes('maires.csv', windows1252(text));
    expect(values.map((v) => v[1])).toEqual(['L’ISLE-ADAM', 'L’ABERGEMENT']);
    expect(encoding).toBe('Windows-1252');
  });
});
