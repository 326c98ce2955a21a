import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { scriptedSmtp } from './servers/scripted-smtp.js';

/**
 * Occitanie, 4 109 town halls by email. After 500 messages the relay answers every one « 451
 * 4.7.1 Rate limit exceeded, try again later »; relais rightly stops after three given up. All it
 * prints is one line: « … envoi arrêté, relancez plus tard (réponse : 451 4.7.1 …) — 500 messages
 * envoyés avant l'arrêt, les autres le seront à la prochaine exécution ». No « Cette exécution : »
 * line, no « selon le journal : » line: how many failed, how many are left of the 4 109 (3 604),
 * nowhere; `--json` gives `{ ok: false, error }` and no figure at all. When the server dies
 * instead (the outage), the same command prints both lines and the outage — the README promises
 * the summary for the run and for the journal whatever stopped it.
 */
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('relais send stopped by a relay that refuses everything for the time being', () => {
  it('still prints what this run did and what the journal says is left', async () => {
    const server = await scriptedSmtp({ data: (_to, _size, accepted) => (accepted >= 3 ? { code: 451, message: '4.7.1 Rate limit exceeded, try again later' } : undefined) });
    closers.push(server.close);
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_MAX_CONNECTIONS: '1' };
    const send = await relais(['-C', dir, 'send', '--dep', '45', '--yes'], { env });
    expect(send.code).toBe(1);
    expect(server.accepted).toHaveLength(3);
    expect(send.stderr).toContain("le serveur SMTP refuse pour l'instant chaque message");
    // One connection: 3 accepted, then 3 messages given up on (4 attempts each), then the stop.
    // The Loiret has 301 town halls by email: 295 never tried.
    expect(send.stdout, 'no summary of the run').toMatch(/Cette exécution : 3 envoyés, 3 échecs/);
    expect(send.stdout, 'no summary of the journal').toMatch(/selon le journal : 3 envoyés, 3 échecs.*295 pas encore envoyés/);
  });
});
