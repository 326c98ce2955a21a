import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * The préfecture's relay requires authentication; the agent forgot RELAIS_SMTP_USER the first
 * time. The relay answers every MAIL FROM with "530 authentication required": a refusal of the
 * session, not of a town hall. Each message used to be recorded `failed-permanent` ("refusé par le
 * serveur (530)"), the run goes through the whole list, and once the credentials are set the next
 * run sends nothing ("0 envoyé … 2 ignorés"): those town halls are never reached.
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('an SMTP relay that requires authentication, first run without credentials', () => {
  it('stops and names the missing credentials; the run with them sends every message', async () => {
    server = await startSmtp({ auth: { user: 'prefecture', pass: 'secret' } });
    const dir = sampleCampaign();
    const args = ['-C', dir, 'send', '--commune', '45234,37261', '--yes'];
    const first = await relais(args, { env: { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20' } });
    expect(first.code).not.toBe(0);
    const db = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
    const failed = db.prepare("SELECT commune FROM deliveries WHERE destination = 'server' AND status = 'failed-permanent'").all();
    db.close();
    expect(failed, 'a session refusal recorded as a permanent failure of each town hall').toEqual([]);

    const second = await relais(args, { env: { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_USER: 'prefecture', RELAIS_SMTP_PASSWORD: 'secret', RELAIS_SMTP_ALLOW_PLAIN_AUTH: '1' } });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(server.received.map((m) => m.to).sort()).toEqual(['mairie@orleans.example', 'mairie@tours.example'].sort());
    // And the first run said what to do.
    expect(first.stdout + first.stderr).toContain('RELAIS_SMTP_USER');
  });
});
