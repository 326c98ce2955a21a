import type { Row } from '../delivery/journal.js';
import { mailboxKey } from '../data/contacts.js';
import type { Failure, Reading } from './read.js';

/**
 * Which delivery a bounce is about: through the original Message-ID
 * (`<campaign.commune.hash@domain>`, the hash of the message sent, see delivery/message.ts; an
 * older relais wrote `<campaign.commune@domain>`) or the ENVID we gave (the same without `<>` and
 * the domain), else the To of the original headers, else the recipient the notice names.
 * Anything that does not lead to exactly one delivery to a server is left unmatched, with the
 * reason — never guessed.
 */
export type Outcome =
  | { kind: 'matched'; row: Row; failure: Failure; via: 'message-id' | 'original-to' | 'recipient' }
  | { kind: 'unmatched'; reason: 'other-campaign' | 'never-written' | 'unknown-address' | 'ambiguous' | 'other-address' | 'no-recipient' | 'earlier-message' | 'earlier-version'; failure: Failure; commune?: string; campaign?: string; sentTo?: string; originalDate?: string; noticeDate?: string; sentAt?: string };

/**
 * Found by address only, a notice whose original message is dated well before relais first wrote
 * to that town hall is about another message from the same sender (a newsletter, an earlier
 * campaign): not this campaign's email. The margin covers clocks that disagree and a long send.
 */
const EARLIER_MARGIN_MS = 60 * 60 * 1000;

/**
 * Found by address only, a notice itself dated (its Date, its DSN's Arrival-Date) before relais
 * first wrote to that town hall cannot be about its email: a bounce of an older message; dated
 * between that first send and the last one, it is about relais's earlier copy. The margin covers a
 * reporting server's clock a few minutes behind ours. A notice that gives no readable date is
 * matched by address as before: nothing says it is older.
 */
const NOTICE_SKEW_MS = 10 * 60 * 1000;

const COMMUNE = /^(\d[\dAB]\d{3})$/;
const HASH = /^[0-9a-f]{12}$/;

/** campaign.commune (with the message's hash after it, or without) from a Message-ID or an ENVID; null for any other identifier. */
export function parseIdentifier(id: string): { campaign: string; commune: string; hash?: string } | null {
  const parts = id.trim().replace(/^<|>$/g, '').replace(/@.*$/, '').split('.');
  // The campaign is a slug (no dot): what comes after the commune can only be the hash.
  const hashed = parts.length >= 3 && HASH.test(parts.at(-1)!) && COMMUNE.test(parts.at(-2)!);
  const at = hashed ? parts.length - 2 : parts.length - 1;
  if (at < 1 || !COMMUNE.test(parts[at]!)) return null;
  return { campaign: parts.slice(0, at).join('.'), commune: parts[at]!, ...(hashed ? { hash: parts.at(-1)! } : {}) };
}

export class Matcher {
  private readonly byAddress = new Map<string, Row[]>();

  /** `rows`: this campaign's deliveries to a server, by commune. */
  constructor(
    private readonly campaign: string,
    private readonly rows: Map<string, Row>,
  ) {
    for (const r of rows.values()) {
      const key = mailboxKey(r.recipient);
      const list = this.byAddress.get(key);
      if (list) list.push(r);
      else this.byAddress.set(key, [r]);
    }
  }

  match(reading: Extract<Reading, { kind: 'bounce' }>): Outcome[] {
    const ids = [...(reading.envelopeId ? [reading.envelopeId] : []), ...reading.messageIds].map(parseIdentifier).filter((x): x is NonNullable<typeof x> => x !== null);
    const ours = ids.filter((i) => i.campaign === this.campaign);
    return reading.failures.map((failure): Outcome => {
      if (ours.length) {
        const communes = [...new Set(ours.map((i) => i.commune))];
        if (communes.length > 1) return { kind: 'unmatched', reason: 'ambiguous', failure };
        const commune = communes[0]!;
        const row = this.rows.get(commune);
        if (!row) return { kind: 'unmatched', reason: 'never-written', failure, commune };
        // Our message, failed at an address we did not write to: the town hall's own forwarding to
        // another box, or an address corrected since. The journal keeps only the last address, so
        // which of the two is not guessed: the town hall stays as the journal has it.
        if (failure.address && mailboxKey(failure.address) !== mailboxKey(row.recipient)) return { kind: 'unmatched', reason: 'other-address', failure, commune, sentTo: row.recipient };
        // The notice of a version corrected and sent again since (--resend-changed): the journal
        // holds the new one, which this notice is not about; its own notice, if any, will say.
        const sent = row.message_id ? parseIdentifier(row.message_id)?.hash : undefined;
        const about = ours.map((i) => i.hash).filter((h): h is string => h !== undefined);
        if (sent && about.length && !about.includes(sent)) return { kind: 'unmatched', reason: 'earlier-version', failure, commune, sentTo: row.recipient };
        return { kind: 'matched', row, failure, via: 'message-id' };
      }
      // Our identifiers, but another campaign's: that campaign's reading will take it.
      if (ids.length) return { kind: 'unmatched', reason: 'other-campaign', failure, campaign: ids[0]!.campaign, commune: ids[0]!.commune };
      const earlier = (row: Row): Outcome | undefined => {
        if (reading.originalDate && Date.parse(reading.originalDate) < Date.parse(row.created_at) - EARLIER_MARGIN_MS) {
          return { kind: 'unmatched', reason: 'earlier-message', failure, commune: row.commune, originalDate: reading.originalDate };
        }
        if (!reading.noticeDate) return undefined;
        const noticeAt = Date.parse(reading.noticeDate);
        // When relais first wrote to that town hall (the row's first attempt: the journal keeps no
        // earlier send time), and when its email last left: `sent_at` is overwritten by each resend
        // (--resend-changed, --resend-unconfirmed); a row never confirmed `sent`: its first attempt.
        const firstAt = row.created_at;
        const lastAt = row.sent_at ?? row.created_at;
        if (noticeAt < Date.parse(firstAt) - NOTICE_SKEW_MS) {
          return { kind: 'unmatched', reason: 'earlier-message', failure, commune: row.commune, noticeDate: reading.noticeDate, sentAt: firstAt };
        }
        // Dated after relais first wrote, before its last send: the notice of relais's own earlier
        // copy, which the resend replaced; the email the journal holds may well have arrived.
        if (noticeAt < Date.parse(lastAt) - NOTICE_SKEW_MS) {
          return { kind: 'unmatched', reason: 'earlier-version', failure, commune: row.commune, sentTo: row.recipient, noticeDate: reading.noticeDate, sentAt: lastAt };
        }
        return undefined;
      };
      const byTo = this.single(reading.originalTo.filter((a) => !failure.address || mailboxKey(a) === mailboxKey(failure.address)));
      if (byTo.kind !== 'none') return byTo.kind === 'one' ? (earlier(byTo.row) ?? { kind: 'matched', row: byTo.row, failure, via: 'original-to' }) : { kind: 'unmatched', reason: 'ambiguous', failure };
      if (!failure.address) return { kind: 'unmatched', reason: 'no-recipient', failure };
      const byAddress = this.single([failure.address]);
      if (byAddress.kind === 'one') return earlier(byAddress.row) ?? { kind: 'matched', row: byAddress.row, failure, via: 'recipient' };
      return { kind: 'unmatched', reason: byAddress.kind === 'many' ? 'ambiguous' : 'unknown-address', failure };
    });
  }

  /** The one delivery these addresses lead to; two town halls sharing an address are not guessed between. */
  private single(addresses: string[]): { kind: 'none' } | { kind: 'one'; row: Row } | { kind: 'many' } {
    const found = new Map<string, Row>();
    for (const a of addresses) for (const r of this.byAddress.get(mailboxKey(a)) ?? []) found.set(r.commune, r);
    if (found.size === 0) return { kind: 'none' };
    if (found.size > 1) return { kind: 'many' };
    return { kind: 'one', row: [...found.values()][0]! };
  }
}
