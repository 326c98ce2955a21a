import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * `relais run` stopped by a server that takes a message and never answers: the message is left
 * « non confirmé », and the advice printed is the one of `relais send` — « --resend-unconfirmed
 * pour le renvoyer » — an option `relais run` does not have (`relais run --resend-unconfirmed`
 * is « option inconnue », exit 2). The advice should name the command that has it
 * (« relais send --resend-unconfirmed »). Message built once for both in
 * src/delivery/deliver.ts, whatever command runs it.
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('run stopped by a server that never answers a message', () => {
  it('gives advice that can be followed with the command the user ran', async () => {
    server = await startSmtp({ stallData: ['accueil@adon.example'] });
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_REPLY_TIMEOUT_MS: '1000', RELAIS_SMTP_MAX_CONNECTIONS: '1' };
    const run = await relais(['-C', dir, 'run', '--dep', '45', '--yes'], { env });
    expect(run.code).toBe(1);
    expect(server.stalled).toEqual(['accueil@adon.example']);
    const said = run.stdout + run.stderr;
    expect(said).toMatch(/--resend-unconfirmed/);
    // The option as said exists on the command the user ran, or the command is named.
    const followed = await relais(['-C', dir, 'run', '--dep', '45', '--yes', '--resend-unconfirmed'], { env });
    const runHasIt = followed.code !== 2;
    expect(runHasIt || /send --resend-unconfirmed/.test(said), `run --resend-unconfirmed : ${followed.stderr}`).toBe(true);
  });
});
