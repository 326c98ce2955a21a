import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { scriptedSmtp } from './servers/scripted-smtp.js';

/**
 * A whole région (Occitanie, 4 109 town halls by email) sent through the préfecture's relay, which
 * has a daily quota: after 2 000 messages it answers every further one « 550 5.4.5 Daily user
 * sending quota exceeded » (Gmail's wording; Exchange Online says 554 5.2.0
 * SubmissionQuotaExceededException). relais takes each of the 2 109 refusals as that town hall's
 * address refused for good: it goes on to the end (« 2 109 échecs »), `relais status` moves them
 * all to the post (« 34 Hérault — 341 mairies : 0 par courriel … 341 par courrier »), `relais
 * letters` adds 2 109 letters to the print files (« dont 314 courriels revenus en erreur »: none came
 * back), and the next day, the quota reset, `relais send` never writes to them again. The same
 * permanent refusal for message after message once the relay has taken others is the relay's
 * limit, not 2 109 addresses. Shown here at the smallest size: the relay takes 3, then refuses 7.
 */
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('a relay that reaches its daily sending quota in the middle of a région', () => {
  it('does not send the town halls left to the post as if their addresses had been refused, and emails them once the quota resets', async () => {
    const state = { quota: 3 };
    const refused = new Set<string>();
    const server = await scriptedSmtp({
      data: (to, _size, accepted) => {
        if (accepted < state.quota) return undefined;
        refused.add(to);
        return { code: 550, message: '5.4.5 Daily user sending quota exceeded' };
      },
    });
    closers.push(server.close);
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_MAX_CONNECTIONS: '1' };
    const first = await relais(['-C', dir, 'send', '--dep', '45', '--limit', '10', '--yes'], { env });
    expect(first.code).toBe(1);
    expect(server.accepted).toHaveLength(3);
    expect(refused.size, 'the relay refused nothing: nothing to check').toBeGreaterThan(0);

    // It says « 45 Loiret — 325 mairies : 294 par courriel dont 291 à envoyer, 31 par courrier » (24 without an address + 7).
    const status = await relais(['-C', dir, 'status']);
    expect(status.stdout, 'town halls moved to the post for the relay’s quota').toContain('45 Loiret — 325 mairies : 301 par courriel');

    // The next day: the quota is reset, the relay takes everything.
    state.quota = Infinity;
    await relais(['-C', dir, 'send', '--dep', '45', '--limit', '10', '--yes'], { env });
    for (const address of refused) expect(server.accepted, `${address}, refused for the relay's quota, never emailed again`).toContain(address);
  });
});

describe('a relay that blocks the sender in the middle of a région', () => {
  it('stops at the third identical refusal, moves no town hall to the post, and sends them the next time', async () => {
    const state = { blocked: true };
    const server = await scriptedSmtp({
      data: (_to, _size, accepted) => (state.blocked && accepted >= 3 ? { code: 550, message: `5.1.8 Access denied, bad outbound sender AS(42004) [DB8EUR05FT0${Math.floor(Math.random() * 90 + 10)}.outlook.com]` } : undefined),
    });
    closers.push(server.close);
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_MAX_CONNECTIONS: '1' };
    const first = await relais(['-C', dir, 'send', '--dep', '45', '--limit', '10', '--yes'], { env });
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('refuse chaque message de la même façon');
    expect(first.stdout).toMatch(/Cette exécution : 3 envoyés, 0 échec/);
    const status = await relais(['-C', dir, 'status']);
    expect(status.stdout).toContain('45 Loiret — 325 mairies : 301 par courriel');
    state.blocked = false;
    const again = await relais(['-C', dir, 'send', '--dep', '45', '--limit', '10', '--yes'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(server.accepted).toHaveLength(13);
  });

  it('a quota that names the town hall’s own address is its box’s: that one only, the others go on', async () => {
    const server = await scriptedSmtp({
      rcpt: (to) => (to === 'mairie@amilly.example' ? { code: 552, message: `5.2.0 Daily sending quota exceeded for ${to}` } : undefined),
    });
    closers.push(server.close);
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_MAX_CONNECTIONS: '1' };
    const send = await relais(['-C', dir, 'send', '--commune', '45004', '--commune', '45001', '--commune', '45234', '--yes'], { env });
    expect(send.stdout, send.stderr).toMatch(/Cette exécution : 2 envoyés, 1 échec/);
    expect(send.stderr).not.toContain("limite d'envoi pour cet expéditeur");
  });
});
