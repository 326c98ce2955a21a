import { frenchNumber } from '../text/format.js';
import type { SendSummary } from './send.js';
import type { Transport } from './transport.js';

/** The send loop's watch on the server itself: a dead or frozen server stops the run (see deliver). */

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

/**
 * The code of a temporary refusal that speaks of the server (452 4.3.1 disk full, 451 4.3.0),
 * undefined for one that speaks of an address, a mailbox or its domain: that town hall's.
 */
export function serverRefusal(reply: string): string | undefined {
  const code = /^\s*(4\d\d)\b/.exec(reply)?.[1] ?? /\b(4\d\d)[ -]/.exec(reply)?.[1];
  if (!code) return undefined;
  const enhanced = /\b4\.(\d{1,3})\.\d{1,3}\b/.exec(reply);
  // 4.1.x addressing, 4.2.x the mailbox, 4.4.x the route to its domain; a bare 450 is « mailbox
  // unavailable » (RFC 5321): that town hall's.
  if (enhanced ? ['1', '2', '4'].includes(enhanced[1]!) : code === '450') return undefined;
  return enhanced ? `${code} ${enhanced[0]}` : code;
}

export function outageMessage(transport: Transport, watch: OutageWatch, summary: SendSummary, remaining: number, cut: number): string {
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
