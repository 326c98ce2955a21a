import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * The print file's line (printFileLines in src/cli/letters.ts, said by `letters` and by `run`)
 * counts « (dont N courriels revenus en erreur) ». A town hall whose address the server refused
 * at once (550 at RCPT TO) is counted there too: its email never left, nothing « came back » —
 * the mail room and the ARS read that a bounce arrived, and look for it in `relais bounces`.
 * The run's own step line says it right: « 1 adresse refusée pour de bon par le serveur ».
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a print file holding the letter of a town hall whose address the server refused at RCPT', () => {
  it('does not say its email « came back » in error', async () => {
    server = await startSmtp({ refuse: ['mairie@orleans.example'] });
    const dir = await sampleWithLetters();
    const send = await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(send.code).toBe(1);
    expect(server.received).toEqual([]);
    const letters = await relais(['-C', dir, 'letters', '--dep', '45']);
    const line = `${letters.stdout}\n${letters.stderr}`.split('\n').find((l) => l.includes('impression-45.pdf :'));
    // Now: « out/lettres/45/impression-45.pdf : 25 lettres à imprimer (dont 1 courriel revenu en erreur), 50 pages, version n° 2 … »
    expect(line).toBeDefined();
    expect(line).toContain('25 lettres à imprimer');
    expect(line).not.toMatch(/revenus? en erreur/);
  });
});
