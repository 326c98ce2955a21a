import type { RecipientPlan } from '../campaign/plan.js';
import { EMAIL_CHANNEL, POST_CHANNEL, unreachableAt, type Destination, type Journal, type Row, type Status } from './journal.js';

/**
 * Where the town halls stand in the journal, by email and by post: the figures `send`, `run` and
 * `status` say alike. Apart from the sending itself, so that reading them (status) loads nothing
 * of what makes and sends a message.
 */
export const CHANNEL = EMAIL_CHANNEL;

/** What the journal says of the selected town halls for this destination, after the run. */
export interface DeliveryState {
  sent: number;
  failed: number;
  unconfirmed: number;
  /** Accepted, then returned for good (a bounce): the letter goes by post. */
  bounced: number;
  /** Of `failed`, refused for good by the server at this address: the letter goes by post too. */
  refused: number;
  /** No row yet for this destination (or one still pending): the next run sends them. */
  notSent: number;
  /** Never emailed, their letter posted (relais letters --posted): reached by post. */
  posted: number;
  /** Without an address in the data now, whose email this destination took before: reached, not by post. */
  reached: number;
  /** Of the town halls reached by post (reachedByPost), those whose letter is noted posted (relais letters --posted). */
  lettersPosted: number;
}

/**
 * The town halls reached by post among `recipients`, `withEmail` of whom have an address in the
 * data: those without one (unless a server took their email before), those whose address cannot be
 * reached (bounced, refused for good), and those whose letter was posted before an address turned
 * up. One rule for status and run; the others are reached by email.
 */
export function reachedByPost(recipients: number, withEmail: number, s: DeliveryState): number {
  return recipients - withEmail - s.reached + s.bounced + s.refused + s.posted;
}

/**
 * How a town hall whose letter may be noted posted (relais letters --posted) counts, one rule for
 * send, run and status. `posted`: its letter is noted posted and no server took its email — reached
 * by post, never written to. `emailed`: a server took its email (before its letter, printed while it
 * had no address, was posted as well) — reached by email, counted among those sent, never written
 * to again (its letter is in its hands: no corrected version follows). null: no letter noted posted.
 * `serverRow`: its email's row for the SMTP servers (a copy in the outbox reaches nobody).
 */
export function postedLetter(serverRow: Pick<Row, 'status'> | undefined, postRow: Pick<Row, 'status'> | undefined): 'posted' | 'emailed' | null {
  if (postRow?.status !== 'sent') return null;
  return serverRow?.status === 'sent' ? 'emailed' : 'posted';
}

/** Failures the next send tries again: the temporary ones (a refusal for good is by post). */
export function toRetry(s: DeliveryState): number {
  return s.failed - s.refused;
}

/** Town halls still to send to by email: never tried, or tried and to try again. */
export function stillToSend(s: DeliveryState): number {
  return s.notSent + toRetry(s);
}

/**
 * Where each town hall of `recipients` stands in the journal for a destination (server or
 * outbox), per département: the figures of `send`, `run` and `status` alike.
 */
export function deliveryState(recipients: RecipientPlan[], journal: Pick<Journal, 'all'>, destination: Destination): DeliveryState & { byDepartement: Record<string, DeliveryState> } {
  const after = journal.all(CHANNEL, destination);
  // Whether a town hall was reached by email is the server's word, whatever the destination
  // counted here: a copy in the outbox (a rehearsal) reaches nobody. So letters and send decide.
  const server = destination === 'server' ? after : journal.all(CHANNEL, 'server');
  const posted = journal.all(POST_CHANNEL, 'server');
  const byDepartement: Record<string, DeliveryState> = {};
  for (const p of recipients) {
    const row = after.get(p.recipient.commune.code);
    const d = (byDepartement[p.recipient.departement.code] ??= { ...EMPTY_STATE });
    const serverRow = server.get(p.recipient.commune.code);
    const letter = postedLetter(serverRow, posted.get(p.recipient.commune.code));
    if (p.to === null) {
      // No address in the data now, but a server took its email before: reached, not by post.
      if (serverRow?.status === 'sent') d.reached++;
      else if (letter === 'posted') d.lettersPosted++;
      continue;
    }
    // An address a server found unreachable (a bounce, a refusal for good) is reached by post, its
    // letter in the print file, whatever copy a rehearsal wrote to the outbox before or since:
    // counted once, by post, never also as an email written.
    const fate = destination === 'outbox' && unreachableAt(serverRow, p.to) ? serverRow : row;
    // A bounce or a refusal at an address the data has since corrected: to send again, as send does.
    const stale = fate !== undefined && (fate.status === 'bounced' || fate.status === 'failed-permanent') && !unreachableAt(fate, p.to);
    // Its letter posted, never emailed: reached by post (send writes nothing to it). Emailed
    // before its letter was posted: counted by its email, like any other.
    if (letter === 'posted') {
      d.posted++;
      d.lettersPosted++;
    } else tally(d, stale ? undefined : fate?.status);
  }
  const totals = { ...EMPTY_STATE };
  for (const d of Object.values(byDepartement)) for (const k of Object.keys(totals) as Array<keyof DeliveryState>) totals[k] += d[k];
  return { ...totals, byDepartement };
}

export const EMPTY_STATE: Readonly<DeliveryState> = { sent: 0, failed: 0, unconfirmed: 0, bounced: 0, refused: 0, notSent: 0, posted: 0, reached: 0, lettersPosted: 0 };

function tally(d: DeliveryState, status: Status | undefined): void {
  if (status === 'sent') d.sent++;
  else if (status === 'bounced') d.bounced++;
  else if (status === 'failed-permanent' || status === 'failed-temporary') {
    d.failed++;
    if (status === 'failed-permanent') d.refused++;
  }
  else if (status === 'unconfirmed' || status === 'sending') d.unconfirmed++;
  else d.notSent++;
}
