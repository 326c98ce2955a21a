import { describe, expect, it } from 'vitest';
import { readFetchSettings } from '../src/cli/fetch.js';
import { readSettings } from '../src/settings.js';

/**
 * Hostile pass s12c: RELAIS_ANNUAIRE_API_URL with « ?apikey=… » is now refused, the message says
 * to give it without the query. The agent deletes « apikey=… » and leaves the « ? » (or a « # »):
 * the URL parser reports an empty query, the check lets it through, and relais glues every path
 * after the « ? » — each request goes to the API's root with the path as its query, answered
 * « réponse inattendue (« total_count » et « results » attendus) ».
 */
describe('RELAIS_ANNUAIRE_API_URL ending with a bare « ? » or « # »', () => {
  it.each(['https://api-lannuaire.service-public.gouv.fr/api/explore/v2.1?', 'https://api-lannuaire.service-public.gouv.fr/api/explore/v2.1#'])(
    '%s is refused at start or read without it, never used as a base with the mark in it',
    (value) => {
      let base: string | undefined;
      try {
        base = readFetchSettings(readSettings({ RELAIS_ANNUAIRE_API_URL: value }), () => undefined).annuaireUrl;
      } catch {
        return; // refused at start, as a query is: fine
      }
      // What happens: « https://…/v2.1? », then « https://…/v2.1?/catalog/datasets/…/records?… ».
      expect(base).not.toMatch(/[?#]/);
    },
  );
});
