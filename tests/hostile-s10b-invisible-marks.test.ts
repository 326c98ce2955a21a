import { describe, expect, it } from 'vitest';
import { cell } from '../src/data/columns.js';
import { chooseEmail } from '../src/data/contacts.js';

/**
 * The zero-width characters are taken out of town-hall and mayors' cells now
 * (src/data/columns.ts INVISIBLE: U+200B–U+200D, U+2060, U+FEFF). A copy from a web page or from
 * Outlook leaves other invisible ones, as common: the soft hyphen U+00AD (a CMS's hyphenation
 * hint: « mai­rie@… » shows as « mairie@… ») and the direction marks U+200E/U+200F and isolates
 * U+2066–U+2069 (Outlook and browsers wrap a copied address in them). They stay in the cell, and
 * chooseEmail takes the address with them for a valid one: the email goes to a mailbox that does
 * not exist (a bounce, the letter late), where check showed the user an address that looks right.
 */
describe('invisible marks other than the zero-width spaces in a town hall’s email cell', () => {
  const indexes = new Map([['courriel', 0]]);
  for (const [name, written] of [
    ['a soft hyphen (U+00AD)', 'mai\u00ADrie@adon.example'],
    ['a left-to-right mark (U+200E)', 'mairie@adon.example\u200E'],
    ['directional isolates (U+2066, U+2069)', '\u2066mairie@adon.example\u2069'],
  ] as const) {
    it(`reads the address without ${name}`, () => {
      expect(chooseEmail(cell([written], indexes, 'courriel')).email).toBe('mairie@adon.example');
    });
  }
});
