/**
 * What the journal's `deliveries` rows hold: one per campaign × channel × commune × destination,
 * and the words for their states. Plain types, shared by the journal, the send loop, `status` and
 * the bounces.
 */

/** The emails to the town halls: their rows in `deliveries`. */
export const EMAIL_CHANNEL = 'courriel';
/**
 * Letters the user says were posted (`relais letters --posted`): a town hall reached by post is
 * not written to by email afterwards, nor printed again. Recorded as deliveries « sent ».
 */
export const POST_CHANNEL = 'courrier';

/**
 * `bounced`: accepted by our server, then returned for good by the town hall's (a bounce read by
 * `relais bounces`): the letter goes by post. A delay is no status — the message is still on its
 * way — and lives in the `delay` columns beside `sent`.
 */
export type Status = 'pending' | 'sending' | 'sent' | 'failed-temporary' | 'failed-permanent' | 'unconfirmed' | 'bounced';
export const STATUSES: Status[] = ['pending', 'sending', 'sent', 'failed-temporary', 'failed-permanent', 'unconfirmed', 'bounced'];
export type Destination = 'outbox' | 'server';
export const DESTINATIONS: Destination[] = ['server', 'outbox'];

/** Where a run sends: the kind of destination, and for a server its host:port. */
export interface Target {
  destination: Destination;
  server: string | null;
}

export interface Row {
  campaign: string;
  channel: string;
  commune: string;
  destination: Destination;
  /** host:port of the SMTP server; null for the outbox and for rows older than format 4. */
  server: string | null;
  departement: string;
  recipient: string;
  status: Status;
  attempts: number;
  last_reply: string | null;
  message_hash: string | null;
  message_id: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  /** Format 5: the bounce's status code (5.1.1) and diagnostic, and when it was read. */
  bounce_status: string | null;
  bounce_diagnostic: string | null;
  bounced_at: string | null;
  /** Format 5: the last delay notice (4.4.1 …), while the message is still being retried. */
  delay_diagnostic: string | null;
  delayed_at: string | null;
}

/** One bounce read from a mailbox, as `relais bounces` records it. */
export interface BounceRecord {
  /** Identifies the notice and the recipient it reports: reading it again changes nothing. */
  fingerprint: string;
  commune: string;
  recipient: string;
  kind: 'bounced' | 'delayed';
  status: string | null;
  diagnostic: string;
}
