import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { scriptedSmtp } from './servers/scripted-smtp.js';

/**
 * A région's send with 2 109 refusals prints « Cette exécution : … 2 109 échecs », then fifty
 * « ✖ <code> <adresse> : … » lines, then « Échecs et remises inconnues, avec leur raison : relais
 * status --failed ». The list stops at fifty (cli/send.ts, failures.slice(0, 50)) and does not
 * say so: read as it is, it is the list of the failures. `relais check` cuts its lists too, and
 * says « … et 951 autres ». Shown with 60 town halls whose address the relay refuses.
 */
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('the failures listed by relais send, past fifty', () => {
  it('says how many more there are than the lines shown', async () => {
    const server = await scriptedSmtp({ rcpt: () => ({ code: 550, message: '5.1.1 User unknown' }) });
    closers.push(server.close);
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20' };
    const send = await relais(['-C', dir, 'send', '--dep', '45', '--limit', '60', '--yes'], { env });
    expect(send.code).toBe(1);
    expect(send.stdout).toMatch(/Cette exécution : 0 envoyé, 60 échecs/);
    const shown = send.stdout.split('\n').filter((l) => l.startsWith('✖ ')).length;
    expect(shown).toBe(50);
    expect(send.stdout, 'fifty failures listed as if they were all').toMatch(/\b10 autres\b/);
  });
});
