import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { failingJournal } from './helpers/failing-journal.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * The server has accepted Orléans's email (250) and relais cannot write « envoyé » in its journal
 * (a disk full for a moment, a journal locked by a backup, an I/O error). relais used to take that
 * for a temporary failure of the delivery and send the message again, once the journal answered:
 * Orléans got it twice. A user expects what the README promises: a message the server accepted is
 * never sent again on its own; the run stops and says which message is unconfirmed.
 *
 * The failure is the journal's own, once: a trigger refuses to note « envoyé » at the first attempt
 * (as a transient write error would), and lets it through at any later attempt.
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('relais send when the journal cannot note a message the server accepted', () => {
  it('stops with that message unconfirmed, never sends it again', async () => {
    server = await startSmtp();
    const smtp = server;
    const dir = sampleCampaign();
    const env = { RELAIS_SMTP_URL: smtp.url, RELAIS_SMTP_RETRY_MS: '20' };
    // The journal exists (another town hall's email), then fails once when Orléans's is accepted.
    await failingJournal(dir, env, "CREATE TRIGGER fails_once BEFORE UPDATE OF status ON deliveries WHEN NEW.status = 'sent' AND OLD.attempts = 1 BEGIN SELECT RAISE(ABORT, 'write failed'); END");

    const first = await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env });
    expect(first.code).toBe(1);
    expect(smtp.received.filter((m) => m.to === 'mairie@orleans.example')).toHaveLength(1);
    expect(first.stderr).toContain('.relais/journal.sqlite');
    expect(first.stderr).toContain('45234');
    expect(first.stderr).not.toContain('erreur inattendue');

    const again = await relaisJson<{ sent: number; unconfirmedList: Array<{ commune: string }> }>(['-C', dir, 'send', '--commune', '45234', '--yes'], { env });
    expect(again.json).toMatchObject({ sent: 0, unconfirmedList: [{ commune: '45234' }] });
    expect(smtp.received.filter((m) => m.to === 'mairie@orleans.example')).toHaveLength(1);
  });
});
