import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { notRecipientReason } from '../src/campaign/communes.js';
import { readyCampaign } from '../src/campaign/check.js';
import { communeReference } from '../src/data/cog.js';
import { sendCampaign } from '../src/delivery/send.js';
import { outboxTransport } from '../src/delivery/transport.js';
import { sampleCampaign } from './helpers/campaign.js';

/**
 * What preview, letters --commune and send --commune say of an argument that names no recipient
 * (one function, campaign/communes.ts): each case says what to type instead.
 */
const ref = communeReference();
const CENTRE = ['37', '45'];

describe('a commune argument that is no recipient: what to type instead', () => {
  it.each([
    ['a former commune of the campaign names the one that replaced it', '45106', CENTRE, "45106 est le code d'une ancienne commune, aujourd'hui Le Malesherbois (45191) : utilisez 45191"],
    ['a former commune outside the départements says so, without « utilisez »', '45106', ['37'], "45106 est le code d'une ancienne commune, aujourd'hui Le Malesherbois (45191), qui n'est pas dans le département de la campagne (37)"],
    ['a current commune outside the départements', '18033', CENTRE, "la commune 18033 n'est pas un destinataire de cette campagne : Bourges n'est pas dans les départements de la campagne (37, 45)"],
    ['a name is no code: the communes of that name are suggested', 'Le Moulinet', CENTRE, "« Le Moulinet » n'est pas un code INSEE : un code de 5 caractères est attendu (comme 45234) ; la commune de ce nom est Le Moulinet-sur-Solin (45218)"],
    ['a name matching nothing: only that a code is expected', 'Pas de ville', CENTRE, "« Pas de ville » n'est pas un code INSEE : un code de 5 caractères est attendu (comme 45234)"],
    ['a postal code names the communes it serves', '45000', CENTRE, "45000 est un code postal, pas un code INSEE : il dessert Orléans (45234)"],
    ['an arrondissement names its commune', '75101', ['75'], "75101 est Paris 1er Arrondissement, un arrondissement municipal : la lettre va à la mairie de Paris (75056) ; utilisez 75056"],
  ])('%s', (_what, given, deps, expected) => {
    expect(notRecipientReason(ref, given, deps)).toBe(expected);
  });

  it('an unknown code of a known département is said as the checks say it', () => {
    expect(notRecipientReason(ref, '45999', CENTRE)).toMatch(/^code INSEE 45999 inconnu du Code officiel géographique \d{4} que lit relais/);
  });

  it('send --commune says it through the same function, nothing sent', async () => {
    const dir = sampleCampaign();
    const ready = await readyCampaign(dir);
    const err = (await sendCampaign(ready, outboxTransport(`${dir}/out/courriels`), { communes: ['45106', '18033'], workers: 1 }).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(
      "--commune 45106 : 45106 est le code d'une ancienne commune, aujourd'hui Le Malesherbois (45191) : utilisez 45191 ; --commune 18033 : la commune 18033 n'est pas un destinataire de cette campagne : Bourges n'est pas dans les départements de la campagne (37, 45) ; rien n'a été envoyé",
    );
    const byDep = (await sendCampaign(ready, outboxTransport(`${dir}/out/courriels`), { communes: ['45234'], departements: ['37'], workers: 1 }).catch((e: unknown) => e)) as Error;
    expect(existsSync(`${dir}/out/courriels`)).toBe(false);
    // A recipient of the campaign, left out by --dep: said as such, not « pas un destinataire ».
    expect(byDep.message).toBe("--commune 45234 : Orléans est destinataire de la campagne, dans le département 45, que --dep (37) n'a pas choisi ; rien n'a été envoyé");
  });
});
