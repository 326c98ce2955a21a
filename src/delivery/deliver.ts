import { frenchNumber } from '../text/format.js';
import { pause, unlessInterrupted } from './grace.js';
import { JournalGuard, journalStopped, JournalWriteFailed } from './journal-failure.js';
import { OUTAGE_LIMIT, OutageWatch, outageMessage, serverRefusal } from './outage.js';
import type { Journal } from './journal.js';
import type { PreparedEmail } from './message.js';
import type { SendOptions, SendSummary } from './send.js';
import { DeliveryError, policyCode, relayRefusalKey } from './smtp-classify.js';
import type { OutgoingMessage, Transport } from './transport.js';

/**
 * The send loop: lanes as many as the transport allows, the journal written around every message,
 * retries with a bounded backoff, and a watch on the server itself — a dead server stops the run
 * instead of being tried once more for each message left.
 */

export { OUTAGE_LIMIT, OutageWatch } from './outage.js';

const messages = (n: number) => `${frenchNumber(n)} ${n > 1 ? 'messages' : 'message'}`;

/** Three refusals in a row by the same policy (5.7.x), none accepted before: a wall, not three town halls. */
const POLICY_WALL = 3;

/**
 * Three town halls refused for good in a row with the same answer (but for their address), none
 * accepted between, and an answer that speaks of neither address nor mailbox (relayRefusalKey):
 * the relay's refusal of the sender, not three bad addresses.
 */
const REFUSAL_WALL = 3;

/**
 * Messages given up on in a row after all their attempts, each refused for the time being (4xx:
 * a full disk, a relay over its quota), none accepted between: the relay takes no mail now. Each
 * costs its retries (2 s, 4 s, 8 s): the run stops instead of spending them on every message left.
 */
export const TEMPORARY_WALL = 3;

export async function deliver(channel: string, queue: PreparedEmail[], build: (p: PreparedEmail) => OutgoingMessage, transport: Transport, journal: Journal, summary: SendSummary, options: SendOptions): Promise<void> {
  const total = queue.length;
  const interval = options.rate ? 60_000 / options.rate : 0;
  const base = options.retryBaseMs ?? transport.retryBaseMs;
  const maxAttempts = options.maxAttempts ?? 4;
  const { destination } = transport.target;
  let next = Date.now();
  let done = 0;
  let fatal: DeliveryError | undefined;
  // A dead server stops every lane: pauses end, no new message is taken, the rest stays untried.
  const watch = new OutageWatch();
  const stop = new AbortController();
  const stopped = () => stop.signal.aborted || Boolean(options.signal?.aborted);
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let outage = false;
  let retryable = 0;
  // Refusals by the server's policy (5.7.x) while it has accepted nothing: see policyWall.
  const refusedByPolicy: Array<{ commune: string; code: string }> = [];
  // Messages given up on for the same temporary refusal since the last one accepted (TEMPORARY_WALL).
  let givenUp = { n: 0, code: '' };
  // Town halls refused for good with the same answer since the last message accepted (see REFUSAL_WALL).
  let refusedAlike: { key: string; communes: string[] } = { key: '', communes: [] };
  // What the journal held before this run: a town hall refused for its content once already.
  const before = journal.all(channel, destination);
  const lastSent = [...before.values()].reduce((last, r) => (r.sent_at && r.sent_at > last ? r.sent_at : last), '');
  /**
   * The same content refusal as at an earlier run — same address, same code — while the server
   * has taken other messages since (a relay refusing everything is the policy wall's): it is this
   * town hall's (its box, its rules), and its letter goes by post.
   */
  const againRefused = (d: DeliveryError, commune: string, recipient: string): DeliveryError => {
    const prior = before.get(commune);
    const code = d.kind === 'content' ? policyCode(d.reply) : undefined;
    if (!code || prior?.status !== 'failed-temporary' || prior.recipient !== recipient) return d;
    if (policyCode(prior.last_reply ?? '') !== code || !(summary.sent > 0 || lastSent >= prior.updated_at)) return d;
    return new DeliveryError(`refusé une deuxième fois par la politique du serveur (${code}), d'une exécution à l'autre, alors que les autres messages passent : la lettre de cette mairie part par courrier`, 'permanent', d.reply);
  };
  const items = [...queue];
  // Every journal write of the loop: one that fails stops the run, said at the end (journalStopped).
  const journalWrites = new JournalGuard(() => stop.abort());
  const write = journalWrites.write.bind(journalWrites);
  /**
   * A streak of refusals that were the relay's, not these town halls' (a wall: see POLICY_WALL and
   * REFUSAL_WALL): none goes by post for it, all are left to send again, and the run stops.
   */
  const relayRefused = (communes: string[], reply: string, why: DeliveryError): void => {
    // A row the journal could not rewrite keeps its refusal, and is counted with it.
    const rewritten = new Set<string>();
    try {
      for (const c of new Set(communes)) {
        write(c, 'noted', () => journal.finish(channel, destination, c, 'failed-temporary', reply));
        rewritten.add(c);
      }
    } finally {
      summary.failures = summary.failures.filter((f) => !rewritten.has(f.commune));
      summary.failed = summary.failures.length;
    }
    fatal = why;
    stop.abort();
  };

  const one = async (p: PreparedEmail): Promise<void> => {
    try {
      await attempts(p);
    } catch (err) {
      // The journal could not be written: the run stops, said at the end (journalStopped).
      if (!(err instanceof JournalWriteFailed)) throw err;
    }
  };

  const attempts = async (p: PreparedEmail): Promise<void> => {
    const who = { commune: p.recipient.commune.code, departement: p.recipient.departement.code, recipient: p.recipient.contact!.courriel!, hash: p.hash, messageId: p.messageId };
    for (let attempt = 1; ; attempt++) {
      // `pending` while the session is set up: a crash before the message is handed over leaves it
      // to send. `sending` (committed) just before its first byte leaves: from then on it may arrive.
      write(who.commune, 'before', () => journal.markSending(channel, transport.target, who, 'pending'));
      let handedOver = false;
      let abandoned = false;
      let handoverFailed: unknown;
      const handover = () => {
        if (abandoned) throw new Error('interrompu avant l’envoi du message');
        try {
          write(who.commune, 'before', () => journal.handedOver(channel, destination, who.commune));
        } catch (err) {
          handoverFailed = err;
          throw err;
        }
        handedOver = true;
      };
      const since = watch.begin();
      let reply: string;
      try {
        reply = await unlessInterrupted(transport.send(build(p), handover), options.signal, () => {
          // Interrupted before the message was handed over: it will not be (handover refuses), nothing left.
          if (!handedOver) {
            abandoned = true;
            return new DeliveryError('interrompu avant l’envoi du message : rien n’est parti, il partira à la prochaine exécution', 'temporary', '');
          }
          return new DeliveryError('interrompu avant la réponse du serveur SMTP : remise inconnue', 'unknown', '');
        });
      } catch (err) {
        // The journal could not note the handover: the message was not sent (its stream failed).
        // (An error of relais's own there is thrown as is.)
        if (handoverFailed instanceof JournalWriteFailed) return;
        if (handoverFailed !== undefined) throw handoverFailed;
        // An error of relais's own (the outbox cannot write the file) has no server reply: its
        // message says it all, once (it was said twice, as message and as « reply »).
        let answered = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, 'temporary', '');
        // A session lost before the message was handed over (a server silent after MAIL FROM):
        // nothing can have arrived, the message is still to send.
        if (answered.kind === 'unknown' && !handedOver) answered = new DeliveryError(answered.message, 'temporary', answered.reply, answered.connection, answered.silentMs);
        let d = againRefused(answered, who.commune, who.recipient);
        // A quota that names this town hall's own address is its box's, not the sender's.
        if (d.senderLimit && d.reply.toLowerCase().includes(who.recipient.toLowerCase())) d = new DeliveryError(`refusé par le serveur (limite de la boîte de ${who.recipient})`, 'permanent', d.reply);
        const reply = `${d.message} ${d.reply}`.trim();
        if (d.connection) {
          if (!outage && (d.silentMs ? watch.froze(`aucune réponse en ${frenchNumber(d.silentMs / 1000)} s`) : watch.failed(since, d.reply || d.message))) {
            outage = true;
            stop.abort();
          }
        } else if (d.kind === 'temporary' || d.kind === 'permanent' || d.kind === 'content') watch.answered();
        if (d.kind === 'fatal') {
          write(who.commune, handedOver ? 'refused' : 'before', () => journal.finish(channel, destination, who.commune, 'failed-temporary', d.message));
          fatal ??= d;
          stop.abort();
          return;
        }
        if (d.kind === 'unknown') {
          write(who.commune, 'unknown', () => journal.finish(channel, destination, who.commune, 'unconfirmed', reply));
          summary.unconfirmed++;
          summary.unconfirmedList.push({ commune: who.commune, recipient: who.recipient });
          return;
        }
        write(who.commune, handedOver ? 'refused' : 'before', () => journal.finish(channel, destination, who.commune, d.kind === 'permanent' ? 'failed-permanent' : 'failed-temporary', reply));
        const policy = d.kind === 'permanent' || d.kind === 'content' ? policyCode(reply) : undefined;
        if (policy && summary.sent === 0 && !fatal) {
          // A streak of the same refusal: another code is another reason, its own town hall's.
          if (refusedByPolicy[0] && refusedByPolicy[0].code !== policy) refusedByPolicy.length = 0;
          refusedByPolicy.push({ commune: who.commune, code: policy });
          if (refusedByPolicy.length >= POLICY_WALL) {
            // The same policy refusal for every message and none accepted: the relay refuses the
            // campaign (a content filter, a sender it does not accept), not these town halls. None
            // goes by post for it: they are left to send again, and the run stops.
            return relayRefused(
              refusedByPolicy.map((r) => r.commune),
              reply,
              new DeliveryError(`le serveur SMTP refuse chacun des messages au nom de sa politique (${policy}) sans en accepter aucun : c'est le relais qui refuse la campagne (filtre de contenu, expéditeur non autorisé, SPF/DKIM), pas les adresses des mairies ; voyez avec son administrateur ; aucune mairie n'est passée au courrier`, 'fatal', d.reply),
            );
          }
        }
        // (A content refusal said again at a later run is that town hall's: see againRefused.)
        const alike = d.kind === 'permanent' && d === answered && !fatal ? relayRefusalKey(d.reply) : undefined;
        if (alike) {
          refusedAlike = refusedAlike.key === alike ? { key: alike, communes: [...refusedAlike.communes, who.commune] } : { key: alike, communes: [who.commune] };
          if (refusedAlike.communes.length >= REFUSAL_WALL) {
            // The same refusal, word for word but for the address, for message after message and
            // none accepted between: the relay refuses the sender (an account blocked for its
            // volume, « 5.1.8 bad outbound sender »), not these town halls. None goes by post for
            // it: they are left to send again, and the run stops.
            return relayRefused(
              refusedAlike.communes,
              reply,
              new DeliveryError(
                `le serveur SMTP refuse chaque message de la même façon (${frenchNumber(new Set(refusedAlike.communes).size)} de suite, aucun accepté entre-temps) : c'est le relais qui refuse l'envoi (compte bloqué, limite atteinte), pas les adresses des mairies ; aucune mairie n'est passée au courrier pour ce refus ; voyez avec l'administrateur du relais, puis relancez « relais send »`,
                'fatal',
                d.reply,
              ),
            );
          }
        }
        // Refused for what the message says: the same answer again now; left to send (next run).
        if (d.kind === 'temporary' && attempt < maxAttempts && !stopped()) {
          // Exponential backoff, bounded: 2 s, 4 s, 8 s by default. After a connection failure the
          // pause follows the failures in a row across lanes, so that a dead server is given up
          // on within OUTAGE_LIMIT attempts; an interruption or an outage ends the pause.
          await pause(base * 2 ** ((d.connection ? Math.max(1, watch.count) : attempt) - 1), stop.signal);
          if (!stopped()) continue;
        }
        // Stopped by the outage: left for the next run, like the messages not tried, and counted
        // among this run's failures (the journal notes them « échec temporaire »).
        if (d.kind === 'temporary' && outage) retryable++;
        summary.failed++;
        summary.failures.push({ commune: who.commune, recipient: who.recipient, status: d.kind === 'permanent' ? 'failed-permanent' : 'failed-temporary', reply });
        // The same failure for message after message: a refusal of the server itself (not of an
        // address or a mailbox), or an error of relais's own (a folder it cannot write to).
        const own = !(err instanceof DeliveryError);
        const wall = d.connection ? undefined : own ? `relais ${(err as NodeJS.ErrnoException).code ?? (err as Error).name}` : d.kind === 'temporary' ? serverRefusal(d.reply) : undefined;
        if (wall) {
          givenUp = { n: givenUp.code === wall ? givenUp.n + 1 : 1, code: wall };
          if (givenUp.n >= TEMPORARY_WALL && !fatal && !stopped()) {
            const streak = `${givenUp.n} de suite, chacun après ${frenchNumber(maxAttempts)} essais, aucun accepté entre-temps`;
            fatal = new DeliveryError(
              own
                ? `la même erreur pour chaque message (${streak}) : ${d.message} ; ${transport.kind === 'outbox' ? 'écriture dans la boîte d’envoi arrêtée' : 'envoi arrêté'}, corrigez-la puis relancez`
                : `le serveur SMTP refuse pour l'instant chaque message (${streak}) : il ne prend pas de courrier en ce moment ; envoi arrêté, relancez plus tard`,
              'fatal',
              own ? '' : d.reply,
            );
            stop.abort();
          }
        }
        return;
      }
      watch.answered();
      // Accepted: from here the message is never sent again by relais on its own. If the journal
      // cannot say so, the run stops and the row stays `sending` (unconfirmed at the next run).
      write(who.commune, 'accepted', () => journal.finish(channel, destination, who.commune, 'sent', reply));
      summary.sent++;
      givenUp = { n: 0, code: '' };
      refusedAlike = { key: '', communes: [] };
      return;
    }
  };

  const lane = async () => {
    for (;;) {
      if (stopped()) return;
      const p = items.shift();
      if (!p) return;
      if (interval) {
        const wait = next - Date.now();
        next = Math.max(next, Date.now()) + interval;
        if (wait > 0) await pause(wait, stop.signal);
        if (stopped()) {
          items.unshift(p);
          return;
        }
      }
      await one(p);
      options.onProgress?.(++done, total);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(transport.concurrency, items.length)) }, lane));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  // Every journal failure of the run, and what became of each message (the counts add up to the selection).
  if (journalWrites.failures.length) throw journalStopped(journalWrites.failures, summary, total);
  summary.interrupted = Boolean(options.signal?.aborted) && items.length > 0;
  // What stopped the run, said with the run's figures (send prints them, as after an outage).
  // The outbox sends nothing: its messages are written (as send's report says them).
  const went = transport.kind === 'outbox' ? (summary.sent > 1 ? 'écrits dans la boîte d’envoi' : 'écrit dans la boîte d’envoi') : summary.sent > 1 ? 'envoyés' : 'envoyé';
  if (fatal) summary.stopped = `${fatal.message}${fatal.reply ? ` (réponse : ${fatal.reply})` : ''} — ${messages(summary.sent)} ${went} avant l'arrêt, les autres le seront à la prochaine exécution`;
  if (outage) {
    const remaining = items.length + retryable;
    summary.outage = { message: outageMessage(transport, watch, summary, remaining, retryable), sent: summary.sent, remaining, unconfirmed: summary.unconfirmed, frozen: watch.frozen };
  }
}
