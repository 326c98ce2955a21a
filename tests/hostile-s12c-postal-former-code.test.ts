import { describe, expect, it } from 'vitest';
import { notRecipientReason } from '../src/campaign/communes.js';
import { communeReference } from '../src/data/cog.js';

/**
 * Hostile pass s12c: a commune argument that is no recipient now says what to type instead: a
 * former commune names the commune nouvelle (« utilisez 45191 »), a postal code its communes.
 * Many postal codes are also the INSEE code of a former commune: the former code is looked up
 * first, and the secretary who typed Beaugency's postal code (45190) is told to use Le
 * Malesherbois (45191), another commune of the Loiret — with no word of the postal code.
 */
const ref = communeReference();

describe('a postal code that is also a former commune code', () => {
  it.each([
    ['45190', 'Beaugency'],
    ['37120', 'Richelieu'],
  ])('%s names the communes it serves as a postal code (%s), not only the commune nouvelle', (given, served) => {
    const said = notRecipientReason(ref, given, ['37', '45']);
    // What is said for 45190: « 45190 est le code d'une ancienne commune, aujourd'hui Le
    // Malesherbois (45191) : utilisez 45191 ».
    expect(said).toContain('code postal');
    expect(said).toContain(served);
  });
});
