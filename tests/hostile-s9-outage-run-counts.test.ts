import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * The préfecture's relay dies after accepting 40 messages of the Loiret. relais stops after its
 * three attempts and says, in red, that 3 messages were « interrompus par la panne, notés « échec
 * temporaire » au journal ». Its summary line just above says the opposite: « Cette exécution :
 * 40 envoyés, 0 échec, 0 non confirmé… », while « selon le journal » right under it counts
 * « 3 échecs » — from a journal that was empty before this run. The line for this run leaves out
 * the failures of this run.
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('an SMTP relay that dies in the middle of relais send', () => {
  it('counts among this run’s failures the messages the outage left « échec temporaire »', async () => {
    server = await startSmtp({ dieAfter: 40 });
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_TIMEOUT_MS: '2000' };
    const send = await relais(['-C', dir, 'send', '--dep', '45', '--yes'], { env });
    expect(send.code).toBe(1);
    // Messages already past MAIL FROM on the other connections finish: 40 or a few more.
    const sent = server.received.length;
    expect(sent).toBeGreaterThanOrEqual(40);
    const db = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
    const failed = (db.prepare("SELECT count(*) AS n FROM deliveries WHERE destination = 'server' AND status = 'failed-temporary'").get() as { n: number }).n;
    db.close();
    // The journal was empty: every failure in it is this run's.
    expect(failed, 'the outage left no message failed: nothing to check').toBeGreaterThan(0);
    // (1, 2 or 3: one per connection the outage found at work.)
    expect(send.stderr).toMatch(new RegExp(`dont ${failed} interrompus? par la panne`));
    expect(send.stdout).toContain(`Serveur SMTP, selon le journal : ${sent} envoyés, ${failed} échec`);
    // And they are not done: the next send tries them again.
    expect(send.stdout).toContain(`(dont ${failed} à réessayer : relancez « relais send »)`);
    // It used to say « Cette exécution : 40 envoyés, 0 échec, 0 non confirmé, 0 ignoré… ».
    expect(send.stdout).toMatch(new RegExp(`Cette exécution : ${sent} envoyés, ${failed} échecs?,`));
  });
});
