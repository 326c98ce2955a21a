import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * The README's guide, followed literally on a new campaign: init, check, letters, a rehearsal in
 * the outbox, the real send with credentials to a local SMTP relay, the publications with
 * credentials to local API servers, then status. Everything is delivered exactly once.
 */
let smtp: TestSmtp | undefined;
let social: SocialServer | undefined;
afterAll(async () => {
  await smtp?.close();
  await social?.close();
});

describe('the README’s guide, step by step', () => {
  it('delivers every email and every publication exactly once', { timeout: 120_000 }, async () => {
    const dir = join(tempDir(), 'ma-campagne');
    expect((await relais(['init', dir])).code).toBe(0);
    expect((await relais(['-C', dir, 'check'])).code).toBe(0);
    expect((await relais(['-C', dir, 'letters'])).code).toBe(0);

    // Step 7: the rehearsal, then the real send (a local relay without STARTTLS, named as such).
    const rehearsal = await relaisJson<{ sent: number; transport: string }>(['-C', dir, 'send']);
    expect(rehearsal.json).toMatchObject({ transport: 'outbox', sent: 556 });
    smtp = await startSmtp({ auth: { user: 'prefecture', pass: 'secret-du-relais' } });
    const smtpEnv = { RELAIS_SMTP_URL: smtp.url, RELAIS_SMTP_USER: 'prefecture', RELAIS_SMTP_PASSWORD: 'secret-du-relais', RELAIS_SMTP_ALLOW_PLAIN_AUTH: '1' };
    const real = await relaisJson<{ ok: boolean; sent: number }>(['-C', dir, 'send', '--yes'], { env: smtpEnv });
    expect(real.code, real.stderr).toBe(0);
    expect(real.json).toMatchObject({ ok: true, sent: 556 });

    // Step 8: a rehearsal without credentials, then the campaign's publications with the accounts'
    // credentials; the sample's posts are dated April 2020, so the README says --publish-late.
    const rehearsed = await relais(['-C', dir, 'schedule', 'run']);
    expect(rehearsed.code, rehearsed.stderr).toBe(0);
    social = await startSocial();
    const held = await relais(['-C', dir, 'schedule', 'run'], { env: socialEnv(social) });
    expect(held.code).toBe(1);
    expect(held.stdout + held.stderr).toContain('--publish-late');
    expect(social.published).toHaveLength(0);
    const published = await relais(['-C', dir, 'schedule', 'run', '--publish-late'], { env: socialEnv(social) });
    expect(published.code, published.stderr).toBe(0);

    // Run again, both: nothing leaves twice.
    expect((await relaisJson<{ sent: number }>(['-C', dir, 'send', '--yes'], { env: smtpEnv })).json.sent).toBe(0);
    expect((await relais(['-C', dir, 'schedule', 'run', '--publish-late'], { env: socialEnv(social) })).code).toBe(0);

    const perRecipient = new Map<string, number>();
    for (const m of smtp.received) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
    expect(perRecipient.size).toBe(556);
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    expect(social.published.map((p) => p.network).sort()).toEqual(['facebook', 'linkedin', 'twitter']);

    // Step 10: status tells the real send from the rehearsal.
    const status = await relais(['-C', dir, 'status']);
    expect(status.stdout).toContain('37 Indre-et-Loire — 272 mairies : 255 par courriel dont 0 à envoyer, 17 par courrier ; lettres : 272 (+ fichier à imprimer) ; courriels par serveur SMTP : 255 envoyés ; boîte d’envoi locale (répétition) : 255 écrits');
    expect(status.stdout).toContain('courriels par serveur SMTP : 301 envoyés ; boîte d’envoi locale (répétition) : 301 écrits');
  });
});
