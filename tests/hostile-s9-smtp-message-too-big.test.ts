import { afterEach, describe, expect, it } from 'vitest';
import { scriptedSmtp } from './servers/scripted-smtp.js';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * The préfecture's relay takes messages up to a size, and the campaign's message (letter, summary
 * sheet, a brochure under `pieces_jointes:`) is bigger: the relay answers the end of DATA with
 * « 552 5.3.4 Error: message file too big » — RFC 3463's 5.3.4 is « message too big for system »,
 * a fault of the message, the same for every town hall, not of any address.
 *
 * relais records each town hall as « refusé par le serveur (552) », i.e. its address refused for
 * good: `relais letters` moves them to the print file « dont 2 courriels revenus en erreur »
 * (nothing came back), `relais status` counts them « par courrier », and once the préfecture has
 * made the message smaller (or the relay takes more), `relais send` never writes to them again
 * (README: « Une adresse refusée […] ne reçoit plus rien, même après une correction du modèle »).
 * On a whole département that is every town hall moved to paper by one oversized attachment.
 */
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/** A relay with a message size limit, checked at the end of DATA; `limit.bytes` can be raised. */
async function sizeLimited(limit: { bytes: number }) {
  const server = await scriptedSmtp({ data: (_to, size) => (size > limit.bytes ? { code: 552, message: '5.3.4 Error: message file too big' } : undefined) });
  closers.push(server.close);
  return server;
}

describe('a relay that refuses the message as too big (552 5.3.4)', () => {
  it('does not take it for the town halls’ addresses refused: no letter by post, and they get the email once the message fits', async () => {
    const limit = { bytes: 20_000 };
    const server = await sizeLimited(limit);
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20' };
    const first = await relais(['-C', dir, 'send', '--commune', '45001,45004', '--yes'], { env });
    expect(first.code).toBe(1);
    expect(first.stdout + first.stderr).toContain('552');
    expect(server.accepted).toEqual([]);

    // Nothing bounced and no address was refused: the Loiret's 24 town halls without an address
    // are the only ones by post. It used to say « 299 par courriel […], 26 par courrier ».
    const status = await relais(['-C', dir, 'status']);
    expect(status.stdout).toContain('45 Loiret — 325 mairies : 301 par courriel');
    const letters = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(letters.stdout + letters.stderr, 'town halls moved to the print file as if their email had bounced').not.toContain('revenus en erreur');

    // The relay now takes the message: both town halls get it, once.
    limit.bytes = 50 * 1024 * 1024;
    const again = await relais(['-C', dir, 'send', '--commune', '45001,45004', '--yes'], { env });
    expect([...server.accepted].sort(), 'never written to again after a message-size refusal').toEqual(['accueil@adon.example', 'mairie@amilly.example']);
    expect(again.code, again.stderr).toBe(0);
  });
});
