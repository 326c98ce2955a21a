import { describe, expect, it } from 'vitest';
import { RelaisError } from '../src/errors.js';
import { checkSocialSettings } from '../src/delivery/social.js';
import { readEnvironment } from '../src/settings.js';

/**
 * RELAIS_LINKEDIN_ORGANIZATION is the organisation's number (README: `linkedin
 * (urn:li:organization:<id>)`); RELAIS_FACEBOOK_PAGE_ID the page's number. What a communicator
 * has at hand is the page's address or its name in it: « ars-centre-val-de-loire », or
 * https://www.linkedin.com/company/ars-centre-val-de-loire/. relais takes any text
 * (src/delivery/social.ts: `urn:li:organization:ars-centre-val-de-loire` goes out as the author),
 * `relais run` checks the accounts' settings before the emails (checkSocialSettings) and finds
 * nothing wrong, and each post is then refused by the network one by one — marked `failed`, « refusé
 * par le réseau », for good. A value that cannot be an id must be refused before anything leaves,
 * naming the variable and what to put there.
 */
const BASE = { RELAIS_LINKEDIN_TOKEN: 'li', RELAIS_FACEBOOK_PAGE_TOKEN: 'fb' };

describe('an account id written as the page’s address or its name', () => {
  it.each([
    ['RELAIS_LINKEDIN_ORGANIZATION', 'ars-centre-val-de-loire'],
    ['RELAIS_LINKEDIN_ORGANIZATION', 'https://www.linkedin.com/company/ars-centre-val-de-loire/'],
    ['RELAIS_FACEBOOK_PAGE_ID', 'https://www.facebook.com/ARSCentreValdeLoire'],
  ])('%s=%s is refused at once, naming the variable', (name, value) => {
    const vars = { ...BASE, RELAIS_LINKEDIN_ORGANIZATION: '4242', RELAIS_FACEBOOK_PAGE_ID: '123', [name]: value };
    let error: unknown;
    try {
      checkSocialSettings(readEnvironment(vars));
    } catch (err) {
      error = err;
    }
    expect(error, `${name}=${value} accepté`).toBeInstanceOf(RelaisError);
    expect((error as RelaisError).message).toContain(name);
  });
});
