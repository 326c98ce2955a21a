import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../src/settings.js';

/**
 * Hostile pass s12c: LinkedIn/Facebook account ids are now checked at start. Every other
 * RELAIS_* variable is read trimmed; these two are not, so the right number with a line's end
 * left on it (a .env saved with Windows line ends and loaded by `set -a; . ./.env`, or a space
 * pasted after it) is refused as « n'est pas un identifiant ; le numéro … est attendu » — the
 * message shows the number it asks for, and the stray character cannot be seen in it.
 */
const outcome = (env: Record<string, string>): string => {
  try {
    readEnvironment(env);
    return 'accepté';
  } catch (err) {
    return (err as Error).message;
  }
};

describe('an account id with a stray space or carriage return after the right number', () => {
  it.each([
    ['RELAIS_FACEBOOK_PAGE_ID', '104512345678901\r'],
    ['RELAIS_LINKEDIN_ORGANIZATION', '12345678 '],
  ])('%s=%j is taken as the number (as the other variables are trimmed), or the stray character is named', (name, value) => {
    const said = outcome({ [name]: value });
    // What happens: « RELAIS_FACEBOOK_PAGE_ID : « 104512345678901\r » n'est pas un identifiant ;
    // le numéro de la page est attendu (par exemple 104512345678901) … », exit 2.
    expect(said, said).toMatch(/^accepté$|espace|retour chariot|fin de ligne|caractère invisible/);
  });
});
