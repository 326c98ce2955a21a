import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * A commune code mistyped in --commune (45243 for 45234): `letters` and `preview` refuse it
 * ("la commune 99999 n'est pas un destinataire de cette campagne"); `send` must too — not report
 * "0 envoyé, 0 échec" and exit 0, which reads as "nothing left to do" for that town hall.
 */
describe('send --commune with a code that is not a recipient of the campaign', () => {
  it('is refused, naming the code, like letters --commune', async () => {
    const dir = sampleCampaign();
    const letters = await relais(['-C', dir, 'letters', '--commune', '99999']);
    expect(letters.code).not.toBe(0);
    expect(letters.stderr).toContain('99999');
    const send = await relais(['-C', dir, 'send', '--commune', '99999']);
    // It used to say: exit 0, "Cette exécution : 0 écrit, 0 échec, 0 non confirmé, 0 ignoré …".
    expect(send.code).not.toBe(0);
    expect(send.stderr).toContain('99999');
  });

  it('one good code and one mistyped: the mistyped one is named, not silently dropped', async () => {
    const dir = sampleCampaign();
    const send = await relais(['-C', dir, 'send', '--commune', '45234,45999']);
    // It used to say: exit 0, Orléans written to the outbox and 45999 never mentioned.
    expect(send.stderr).toContain('45999');
    expect(send.code).not.toBe(0);
  });
});
