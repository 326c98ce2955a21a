import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedSmtp } from './servers/scripted-smtp.js';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * The préfecture's relay is busy when `relais send` starts: its first connection is greeted
 * « 421 4.3.2 Service not available, try again later » (Postfix and Exim say this when their
 * ports or processes are all taken), and every connection after it is served normally.
 *
 * The README (« Serveur injoignable », « Limites à connaître ») promises that a 421 counts as one
 * attempt and that relais stops only after 3 attempts in a row, 2 s then 4 s apart. relais stops
 * at the first one, before anything is sent, and calls the server « injoignable » though it
 * answered: the check of the connection at start (transport.ts, verify()) is a single attempt,
 * outside the count. Under `relais run` the whole run stops at the emails step.
 */
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function busyOnce() {
  const server = await scriptedSmtp({ connect: (n) => (n === 1 ? { code: 421, message: '4.3.2 Service not available, try again later' } : undefined) });
  closers.push(server.close);
  return server;
}

describe('an SMTP relay that answers 421 to the first connection only', () => {
  it('tries again as for any 421, sends each town hall once, and never calls the server unreachable', async () => {
    const server = await busyOnce();
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20' };
    const send = await relais(['-C', dir, 'send', '--commune', '45234,45001', '--yes'], { env });
    // It used to stop at once: « serveur SMTP injoignable (127.0.0.1:…) : 421 4.3.2 Service not
    // available, try again later — rien n’a été envoyé », code 1, after a single connection.
    expect(send.stderr).not.toContain('injoignable');
    expect(server.connections(), 'one 421 and relais gave up').toBeGreaterThan(1);
    expect(send.code, send.stderr).toBe(0);
    expect([...server.accepted].sort()).toEqual(['accueil@adon.example', 'mairie@orleans.example']);
    const db = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
    const rows = db.prepare("SELECT commune, status FROM deliveries WHERE destination = 'server' ORDER BY commune").all();
    db.close();
    expect(rows).toEqual([
      { commune: '45001', status: 'sent' },
      { commune: '45234', status: 'sent' },
    ]);
  });
});
