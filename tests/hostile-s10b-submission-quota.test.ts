import { afterEach, describe, expect, it } from 'vitest';
import { classify, senderLimit } from '../src/delivery/smtp-classify.js';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { scriptedSmtp } from './servers/scripted-smtp.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

/**
 * Exchange (on premises and Online) words its sender-rate limit with the enhanced code 5.2.2:
 * « 550 5.2.2 STOREDRV.Submission.Exception:SubmissionQuotaExceededException … » (Microsoft's NDR
 * page for 5.2.2: « Submission quota exceeded »). src/delivery/smtp-classify.ts senderLimit()
 * first excludes every reply holding X.2.2 (a full mailbox), so this reply is a plain permanent
 * refusal: each town hall left after the relay's limit is recorded refused for good and moved to
 * the post — the failure the new quota stop was written to prevent.
 *
 * The other way round, a full mailbox written in French without the accent (SMTP replies are
 * ASCII: « Boite aux lettres pleine ») and no enhanced code is not excluded, and one town hall's
 * full mailbox that speaks of a daily quota stops the whole send as if it were the relay's.
 */
describe('a sender quota worded as Exchange does, and a full mailbox worded in French', () => {
  it('takes Exchange 5.2.2 SubmissionQuotaExceededException for the sender’s quota, stopping the send', () => {
    const reply = '550 5.2.2 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception with message Cannot submit message.';
    expect(senderLimit(reply)).toBe(true);
    const err = Object.assign(new Error(reply), { responseCode: 550, response: reply, command: 'RCPT TO' });
    expect(classify(err).kind).toBe('fatal');
  });

  it('takes « Boite aux lettres pleine » for the town hall’s mailbox, not the sender’s quota', () => {
    expect(senderLimit('552 Boite aux lettres pleine : quota journalier de reception atteint')).toBe(false);
  });

  it('does not move the town halls left to the post when an Exchange relay answers 5.2.2 SubmissionQuotaExceeded after 3 messages', async () => {
    const refused = new Set<string>();
    const server = await scriptedSmtp({
      data: (to, _size, accepted) => {
        if (accepted < 3) return undefined;
        refused.add(to);
        return { code: 550, message: '5.2.2 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception with message Cannot submit message.' };
      },
    });
    closers.push(server.close);
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_MAX_CONNECTIONS: '1' };
    const sent = await relais(['-C', dir, 'send', '--dep', '45', '--limit', '10', '--yes'], { env });
    expect(server.accepted).toHaveLength(3);
    expect(refused.size, 'the relay refused nothing: nothing to check').toBeGreaterThan(0);
    const status = await relais(['-C', dir, 'status']);
    // It says « 45 Loiret — 325 mairies : 294 par courriel … 31 par courrier »: the 7 refused for the relay's quota moved to the post.
    expect(status.stdout, sent.stdout + sent.stderr).toContain('45 Loiret — 325 mairies : 301 par courriel');
  });
});
