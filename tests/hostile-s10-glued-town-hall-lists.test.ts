import { describe, expect, it } from 'vitest';
import { CONTACT_HEADER, campaignWith } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * Two town-hall lists put end to end (`cat loiret.csv touraine.csv`), the first saved without a
 * final line break: the second list's header is glued to the first list's last row. The reader
 * (src/data/header-rows.ts extraValues) sees « 9 valeurs pour 5 colonnes », guesses « un
 * séparateur dans une valeur sans guillemets ? » and says the extra values are ignored — but the
 * last kept value is already wrong: the commune name cell reads « Aillant-sur-Milleroncode_insee_commune »
 * and the envelope's last line becomes « 45230 AILLANT SUR MILLERONCODE INSEE C » (cut at 38 characters), while check says
 * the campaign is ready.
 */
describe('a town-hall list appended to another whose last line had no line break', () => {
  it('does not print the next header on an envelope while check says the campaign is ready', async () => {
    const mairies = `${CONTACT_HEADER}\r\n45001;mairie@adon.example;1 place de la Mairie;45230;Adon\r\n45002;;2 rue Haute;45230;Aillant-sur-Milleron${CONTACT_HEADER}\n37001;mairie@abilly.example;1 place de la Mairie;37160;Abilly\n`;
    const dir = campaignWith({ mairies });
    const check = await relaisJson<{ ok: boolean }>(['-C', dir, 'check']);
    const { json } = await relaisJson<{ lettre?: { adresse: string[] } }>(['-C', dir, 'preview', '45002']);
    const envelope = json.lettre?.adresse.join(' / ') ?? '';
    // check: ok, one warning « 9 valeurs pour 5 colonnes … vérifiez la ligne 3 »; the envelope reads
    // « MAIRIE D'AILLANT-SUR-MILLERON / MONSIEUR LE MAIRE / 2 RUE HAUTE / 45230 AILLANT SUR MILLERONCODE INSEE C ».
    expect(check.json.ok && /CODE.INSEE/i.test(envelope), envelope).toBe(false);
  });
});
