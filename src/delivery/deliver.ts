import { JOURNAL_FILE } from '../campaign/paths.js';
import { RelaisError, sqliteReason, systemReason } from '../errors.js';
import { frenchNumber } from '../text/format.js';
import { pause, unlessInterrupted } from './grace.js';
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

/**
 * A dead server: this many connection failures in a row (no answer at all, whatever the lane),
 * each attempt counted only if it began after the previous counted failure — three lanes failing
 * together are one observation, not three. Between them the lanes pause 2 s then 4 s (with the
 * default RELAIS_SMTP_RETRY_MS); each attempt waits at most RELAIS_SMTP_TIMEOUT_MS (15 s). Worst
 * case, whatever the number of messages left: 3 × 15 s + 2 s + 4 s ≈ 51 s, plus at most one more
 * timeout for attempts already under way.
 */
export const OUTAGE_LIMIT = 3;

/*
 * A server that froze (it took the connection, then stopped answering mid-session, often after a
 * whole message) is not tried three more times: each try would wait for a greeting that never
 * comes. The first session gone silent for RELAIS_SMTP_REPLY_TIMEOUT_MS (25 s) stops the run;
 * the lanes still under way end within their own timeouts. Its message may have arrived: the
 * journal says `unconfirmed`, never sent again without --resend-unconfirmed.
 */

/** Counts the connection failures in a row, across lanes (see OUTAGE_LIMIT). */
export class OutageWatch {
  /** Consecutive counted failures. */
  count = 0;
  /** Bumped at each counted failure and each answer: an attempt begun before brings no new evidence. */
  epoch = 0;
  last = '';
  /** A session under way went silent (see above): the server froze. */
  frozen = false;

  begin(): number {
    return this.epoch;
  }

  /** A connection failure of an attempt begun at `since`; true once the server is deemed dead. */
  failed(since: number, reason: string): boolean {
    this.last = reason;
    if (since === this.epoch) {
      this.count++;
      this.epoch++;
    }
    return this.count >= OUTAGE_LIMIT;
  }

  answered(): void {
    this.count = 0;
    this.epoch++;
  }

  /** A session under way went silent: the server is deemed stopped at once. */
  froze(reason: string): true {
    this.last = reason;
    this.frozen = true;
    return true;
  }
}

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

/**
 * The code of a temporary refusal that speaks of the server (452 4.3.1 disk full, 451 4.3.0),
 * undefined for one that speaks of an address, a mailbox or its domain: that town hall's.
 */
function serverRefusal(reply: string): string | undefined {
  const code = /^\s*(4\d\d)\b/.exec(reply)?.[1] ?? /\b(4\d\d)[ -]/.exec(reply)?.[1];
  if (!code) return undefined;
  const enhanced = /\b4\.(\d{1,3})\.\d{1,3}\b/.exec(reply);
  // 4.1.x addressing, 4.2.x the mailbox, 4.4.x the route to its domain; a bare 450 is « mailbox
  // unavailable » (RFC 5321): that town hall's.
  if (enhanced ? ['1', '2', '4'].includes(enhanced[1]!) : code === '450') return undefined;
  return enhanced ? `${code} ${enhanced[0]}` : code;
}

function outageMessage(transport: Transport, watch: OutageWatch, summary: SendSummary, remaining: number, cut: number): string {
  const server = transport.target.server ?? transport.description;
  const { sent, unconfirmed } = summary;
  const went = `${messages(sent)} ${sent > 1 ? 'envoyés' : 'envoyé'} pendant cette exécution`;
  const left = `${messages(remaining)} ${remaining > 1 ? 'restent' : 'reste'} à envoyer${cut ? ` (dont ${frenchNumber(cut)} ${cut > 1 ? 'interrompus' : 'interrompu'} par la panne, ${cut > 1 ? 'notés' : 'noté'} « échec temporaire » au journal : ${cut > 1 ? 'ils partiront' : 'il partira'} à la prochaine exécution)` : ''}`;
  const doubt = unconfirmed
    ? `${messages(unconfirmed)} à la remise incertaine (le serveur ${unconfirmed > 1 ? 'les a' : "l'a"} peut-être ${unconfirmed > 1 ? 'reçus' : 'reçu'}) : le journal ${unconfirmed > 1 ? 'les note' : 'le note'} « non confirmé », relais ne ${unconfirmed > 1 ? 'les renvoie' : 'le renvoie'} pas de lui-même (relais status --failed ${unconfirmed > 1 ? 'les liste' : 'le liste'} ; « relais send --resend-unconfirmed » pour ${unconfirmed > 1 ? 'les renvoyer' : 'le renvoyer'}, au risque d'un doublon), `
    : '';
  if (watch.frozen) {
    return `le serveur SMTP ${server} ne répond plus : il a accepté la connexion puis s'est tu au milieu d'un envoi (${watch.last}). Envoi arrêté : ${went}, ${doubt}${left}. Vérifiez le serveur, puis relancez la même commande : seuls les messages restants partiront.`;
  }
  return `serveur SMTP injoignable (${server}) : ${OUTAGE_LIMIT} tentatives de connexion de suite sans réponse (${watch.last}). Envoi arrêté : ${went}, ${doubt}${left}. Vérifiez le serveur (ou RELAIS_SMTP_URL), puis relancez la même commande : seuls les messages restants partiront.`;
}

/** Thrown inside the loop when a journal write failed (see `write` in deliver): ends that lane. */
class JournalWriteFailed extends Error {}

interface JournalFailure {
  error: unknown;
  commune: string;
  /** The server had accepted that message: it went, and the journal could not say so. */
  accepted: boolean;
}

/**
 * The run stopped because the journal could not be written: said in French, naming the journal
 * file and the reason (a full disk above all), with what went and what is left. The message
 * accepted but not noted stays `sending` in the journal: unconfirmed at the next run, never sent
 * again on its own.
 */
export function journalStopped(f: JournalFailure, summary: Pick<SendSummary, 'sent' | 'unconfirmed'>, remaining: number): RelaisError {
  const reason = sqliteReason(f.error) ?? systemReason(f.error) ?? `erreur du journal (${(f.error as Error)?.name ?? 'inconnue'})`;
  const went = `${messages(summary.sent)} ${summary.sent > 1 ? 'envoyés et notés' : 'envoyé et noté'} pendant cette exécution`;
  const accepted = f.accepted
    ? ` ; le dernier message, pour la commune ${f.commune}, a été accepté par le serveur mais n'a pas pu être noté « envoyé » : il est noté « en cours d'envoi », le prochain « relais send » le dira non confirmé et ne le renverra pas de lui-même (vérifiez auprès de la mairie avant « relais send --resend-unconfirmed »)`
    : '';
  const doubt = summary.unconfirmed ? ` ; ${messages(summary.unconfirmed)} à la remise incertaine (non confirmé${summary.unconfirmed > 1 ? 's' : ''} : relais status --failed)` : '';
  const left = remaining ? ` ; ${messages(remaining)} ${remaining > 1 ? 'restent' : 'reste'} à envoyer` : '';
  return new RelaisError(
    `impossible d'écrire dans le journal des envois ${JOURNAL_FILE} : ${reason}. Envoi arrêté : ${went}${accepted}${doubt}${left}. ${/plein|quota/.test(reason) ? 'Libérez de la place sur ce disque' : 'Corrigez cela'}, puis relancez la même commande : seuls les messages restants partiront.`,
    { file: JOURNAL_FILE },
    { cause: f.error },
  );
}

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
  /**
   * Every journal write of the loop: one that fails (a full disk, a journal gone read-only) stops
   * the run — no message is sent that the journal could not follow — and is said at the end
   * (journalStopped). The first failure is kept, with whether its message had been accepted.
   */
  let journalFailure: JournalFailure | undefined;
  const write = (commune: string, work: () => void, accepted = false): void => {
    try {
      work();
    } catch (error) {
      journalFailure ??= { error, commune, accepted };
      stop.abort();
      throw new JournalWriteFailed();
    }
  };
  /**
   * A streak of refusals that were the relay's, not these town halls' (a wall: see POLICY_WALL and
   * REFUSAL_WALL): none goes by post for it, all are left to send again, and the run stops.
   */
  const relayRefused = (communes: string[], reply: string, why: DeliveryError): void => {
    const streak = new Set(communes);
    for (const c of streak) write(c, () => journal.finish(channel, destination, c, 'failed-temporary', reply));
    summary.failures = summary.failures.filter((f) => !streak.has(f.commune));
    summary.failed = summary.failures.length;
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
      write(who.commune, () => journal.markSending(channel, transport.target, who, 'pending'));
      let handedOver = false;
      let abandoned = false;
      let handoverFailed = false;
      const handover = () => {
        if (abandoned) throw new Error('interrompu avant l’envoi du message');
        try {
          write(who.commune, () => journal.handedOver(channel, destination, who.commune));
        } catch (err) {
          handoverFailed = true;
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
        if (handoverFailed) return;
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
          write(who.commune, () => journal.finish(channel, destination, who.commune, 'failed-temporary', d.message));
          fatal ??= d;
          stop.abort();
          return;
        }
        if (d.kind === 'unknown') {
          write(who.commune, () => journal.finish(channel, destination, who.commune, 'unconfirmed', reply));
          summary.unconfirmed++;
          summary.unconfirmedList.push({ commune: who.commune, recipient: who.recipient });
          return;
        }
        write(who.commune, () => journal.finish(channel, destination, who.commune, d.kind === 'permanent' ? 'failed-permanent' : 'failed-temporary', reply));
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
      write(who.commune, () => journal.finish(channel, destination, who.commune, 'sent', reply), true);
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
  // (A message whose row could not be written before it was handed over did not leave: left to send.)
  if (journalFailure) throw journalStopped(journalFailure, summary, items.length + retryable + (journalFailure.accepted ? 0 : 1));
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
