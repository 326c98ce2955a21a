import { describe, expect, it } from 'vitest';
import { classify, senderLimit } from '../src/delivery/smtp-classify.js';

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
});
