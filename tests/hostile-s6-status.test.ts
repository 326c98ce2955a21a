import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * `relais status` — "où en est la campagne" — after the rehearsal in the outbox, before the real
 * send: every town hall must be accounted for. The Loiret has 325 communes: 301 town halls to
 * email (none sent yet) and 24 by post (whose letters and print file do not exist yet).
 */
describe('status after the rehearsal, before anything was sent', () => {
  it('says what is left to send and how many town halls go by post, per département', async () => {
    const dir = sampleCampaign();
    expect((await relais(['-C', dir, 'send', '--dep', '45'])).code).toBe(0);
    const r = await relais(['-C', dir, 'status']);
    expect(r.code).toBe(0);
    const loiret = r.stdout.split('\n').find((l) => l.startsWith('45 '));
    // It used to say "45 Loiret — lettres : 301 ; courriels par serveur SMTP : aucun ; boîte d’envoi locale
    // (répétition) : 301 écrits" — nothing says that 301 emails remain to send, nor that 24 town
    // halls have no letter at all yet (status --json: "pending": 0).
    expect(loiret).toBeDefined();
    expect(loiret).toMatch(/301 (à envoyer|pas encore envoyés|restent)/);
    expect(loiret).toMatch(/24\b/);
  });
});
