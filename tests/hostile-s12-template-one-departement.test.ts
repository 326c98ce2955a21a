import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleWithoutPublications } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * README (relais schedule) : « Un modèle qui ne dit pas la même chose dans chaque département
 * (`{{de departement}}`, le préfet, les chiffres) ferait parler une publication régionale du seul
 * premier : relais check le refuse … tant que la publication ne nomme pas son département ». That
 * holds for `publications:` of campagne.yaml. The README's own command
 * `relais schedule add --channel twitter --at "…" --template twitter` in the same two-département
 * campaign renders the template for the first département (templateText in
 * src/delivery/schedule-io.ts) and plans it without a word (« Publication n° 1 prévue sur
 * twitter … », exit 0): the agency's regional account will speak of Indre-et-Loire alone.
 */
describe('schedule add --template with a template that differs by département, without --dep', () => {
  it('is refused (or warned about) naming --dep, like the same entry in campagne.yaml', async () => {
    const dir = sampleWithoutPublications();
    const template = join(dir, 'templates', 'twitter.hbs');
    // The département's code in the tweet: the smallest change that makes the texts differ, within 280.
    writeFileSync(template, readFileSync(template, 'utf8').replace('#renfortscovid', '#renfortscovid {{departement.code}}'));
    const r = await relais(['-C', dir, 'schedule', 'add', '--channel', 'twitter', '--at', '2031-05-02 10:00', '--template', 'twitter']);
    const said = `${r.stdout}\n${r.stderr}`;
    expect(said, said).toMatch(/--dep/);
    expect(said).toMatch(/Loiret|\b45\b/);
  });
});
