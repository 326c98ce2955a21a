import { afterEach, describe, expect, it } from 'vitest';
import { scriptedSmtp } from './servers/scripted-smtp.js';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * The préfecture's relay accepts the first three messages, then its content filter starts
 * refusing the campaign's message: « 550 5.7.1 Message rejected as spam by Content Filtering ».
 * relais says so itself: « refusé par la politique du serveur destinataire (550 5.7.1 : filtre
 * anti-spam ou expéditeur non reconnu ; l'adresse n'est sans doute pas en cause) ». It then treats
 * each of these town halls as one whose address was refused for good: `relais letters` puts
 * them in the print file « dont 7 courriels revenus en erreur » (none came back), `relais status`
 * counts them by post, and once the filter lets the message through, `relais send` never writes
 * to them again — the message they were refused for is not their address's fault.
 */
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function filtering(state: { block: boolean }, acceptFirst: number) {
  const server = await scriptedSmtp({ data: (_to, _size, accepted) => (state.block && accepted >= acceptFirst ? { code: 550, message: '5.7.1 Message rejected as spam by Content Filtering' } : undefined) });
  closers.push(server.close);
  return server;
}

describe('a relay whose content filter refuses the message after accepting a few', () => {
  it('does not send those town halls to the post as if their address had been refused, and emails them once the filter lets it through', async () => {
    const state = { block: true };
    const server = await filtering(state, 3);
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_MAX_CONNECTIONS: '1' };
    const first = await relais(['-C', dir, 'send', '--dep', '45', '--limit', '10', '--yes'], { env });
    expect(first.code).toBe(1);
    expect(server.accepted).toHaveLength(3);
    expect(first.stdout).toContain("l'adresse n'est sans doute pas en cause");
    const refused = [...first.stdout.matchAll(/✖ \d{5} (\S+@\S+) :/g)].map((m) => m[1]!);
    expect(refused).toHaveLength(7);

    // It used to say « impression-45.pdf : 31 lettres à imprimer (dont 7 courriels revenus en erreur) ».
    const letters = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(letters.stdout + letters.stderr, 'a refusal by the content filter called a bounce').not.toContain('revenus en erreur');
    const status = await relais(['-C', dir, 'status']);
    expect(status.stdout, 'moved to the post').toContain('45 Loiret — 325 mairies : 301 par courriel');

    state.block = false;
    await relais(['-C', dir, 'send', '--dep', '45', '--limit', '10', '--yes'], { env });
    for (const address of refused) expect(server.accepted, `${address} never emailed again`).toContain(address);
  });
});
