import { redact } from '../secrets.js';
import { frenchNumber } from '../text/format.js';

/**
 * What an SMTP server's answer means for relais, read in one place: a refusal of the session (it
 * stops the run, no town hall marked), of one address, of the message itself, a server gone or
 * busy, or a delivery whose outcome is unknown. nodemailer's errors carry the reply, its code and
 * the command it answered (`EMESSAGE` with `DATA`: the end of the message).
 */

export class DeliveryError extends Error {
  readonly reply: string;

  constructor(
    message: string,
    /**
     * `content`: refused for the message itself, after the server read it (a content filter):
     * not the address's fault — the town hall stays to send, not tried again in this run.
     */
    readonly kind: 'temporary' | 'permanent' | 'unknown' | 'fatal' | 'content',
    reply: string,
    /** The server did not answer at all (refused, cut or silent connection), as opposed to a reply. */
    readonly connection = false,
    /** A session under way went silent for this long (ms): the server froze (see deliver.ts); 0 otherwise. */
    readonly silentMs = 0,
    /** The reply speaks of the sender's quota (see senderLimit): unless it names this town hall's address. */
    readonly senderLimit = false,
  ) {
    // A server's reply or a library's message may quote the URL or the credential it was given.
    super(redact(message));
    this.reply = redact(reply);
  }
}

/** The enhanced code of a refusal by the receiving side's policy (5.7.x) in a reply, if any. */
export function policyCode(reply: string): string | undefined {
  return /\b5\.7\.\d{1,3}\b/.exec(reply)?.[0];
}

/**
 * A reply that speaks of the sender's quota or sending limit, as relays word it: Gmail's « 550 5.4.5
 * Daily user sending quota exceeded », Exchange Online's « 554 5.2.0 …SubmissionQuotaExceeded… » and
 * « 550 5.1.90 …reached your daily limit for message recipients », Amazon SES's « 454 Throttling
 * failure: Daily message quota exceeded ». A recipient's full mailbox (« Mailbox quota exceeded »,
 * X.2.2) is that town hall's; a sending rate (« Maximum sending rate exceeded ») passes with time and
 * is retried as any temporary refusal.
 */
export function senderLimit(reply: string): boolean {
  // Exchange's own word for its submission quota, whatever enhanced code it gives (5.2.0, 5.2.2).
  if (/submissionquota/i.test(reply)) return true;
  // A limit of the recipient's (its box, its daily intake) is that town hall's; SMTP replies are
  // ASCII: « boite » without its accent too.
  if (/\b[45]\.2\.2\b|mailbox|bo[iî]te|over quota|\brecipient\b|destinataire|rcpt/i.test(reply)) return false;
  return /\b(daily|sending|submission|message)[ _-]?(user[ _-]?)?(sending[ _-]?)?(quota|limit)|quota (d'envoi|journalier|quotidien)|limite (d'envoi|journalière|quotidienne)|sending (suspended|paused)/i.test(reply);
}

/**
 * What a permanent refusal says once the parts that differ from message to message are taken out
 * (addresses, queue ids, anything with a digit but its codes): the same key for message after
 * message is one refusal of the relay's. Undefined for a refusal that speaks of the address, the
 * mailbox or the recipient's domain (X.1.1–X.1.6, X.1.10, X.2.1, X.2.2, X.4.4, or says so): those
 * are each town hall's own, however many in a row.
 */
export function relayRefusalKey(reply: string): string | undefined {
  const code = /\b([45]\d\d)\b/.exec(reply)?.[1] ?? '';
  const enhanced = /\b[45]\.(\d{1,3})\.(\d{1,3})\b/.exec(reply);
  if (enhanced && ((enhanced[1] === '1' && ['1', '2', '3', '4', '5', '6', '10'].includes(enhanced[2]!)) || (enhanced[1] === '2' && ['1', '2'].includes(enhanced[2]!)) || (enhanced[1] === '4' && enhanced[2] === '4'))) return undefined;
  if (/user|unknown|inconnu|no such|does not exist|n'existe pas|mailbox|boîte|recipient|destinataire|rcpt|invalid address|adresse invalide|domain|domaine/i.test(reply)) return undefined;
  const text = reply
    .replace(/[^\s<>()@]+@[^\s<>()@]+/g, ' ')
    .replace(/\S*\d\S*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  return `${code} ${enhanced?.[0] ?? ''} ${text}`;
}

export type SmtpError = Error & { code?: string; responseCode?: number; command?: string; response?: string; reason?: string; timeoutType?: string };

const CERTIFICATE = /certificate|self[- ]signed|unable to verify|CERT_|DEPTH_ZERO/i;

const NO_TLS = 'le serveur SMTP ne propose pas de connexion chiffrée (STARTTLS) : relais n’y envoie pas le mot de passe, qui passerait en clair ; rien n’a été envoyé. Utilisez smtps:// ou un serveur qui propose STARTTLS (pour un relais sur cet ordinateur seulement : RELAIS_SMTP_ALLOW_PLAIN_AUTH=1)';

/** `replyTimeoutMs`: the silence that ends a session, said in the message when it did. */
export function classify(err: SmtpError, replyTimeoutMs = 0): DeliveryError {
  // What the server said; a library's own message (nodemailer's « Connection closed unexpectedly »,
  // Node's « read ECONNRESET ») is no reply: shown after « réponse du serveur », it was English
  // the server never wrote. The French message says what happened, with the error's code.
  const reply = (err.response ?? '').replace(/\s+/g, ' ').trim();
  if (err.code === 'EAUTH') return new DeliveryError('authentification refusée par le serveur SMTP : vérifiez RELAIS_SMTP_USER et RELAIS_SMTP_PASSWORD', 'fatal', reply);
  if (CERTIFICATE.test(`${err.message} ${err.code ?? ''} ${err.reason ?? ''}`)) {
    return new DeliveryError('certificat du serveur SMTP refusé : donnez l’autorité qui l’a signé avec RELAIS_SMTP_CA_FILE (il n’existe pas de mode sans vérification)', 'fatal', reply);
  }
  // requireTLS: the server offers no STARTTLS (or refuses it), and the password was not sent.
  if ((err.code === 'ETLS' && err.command === 'STARTTLS' && !/initiating/i.test(err.message)) || /does not support required STARTTLS/i.test(err.message)) {
    return new DeliveryError(NO_TLS, 'fatal', reply);
  }
  const code = err.responseCode;
  // The message is too big for the server (RFC 3463 X.3.4, or a 552 that says so; or the size the
  // server announced, checked by nodemailer before sending): the same for every town hall, so the
  // run stops and none is taken for refused.
  const tooBig =
    // (A bare 552 « exceeded storage allocation » is also how older servers say a mailbox is full;
    // at RCPT TO the server has not seen the message: « Mailbox size limit exceeded » is the box's.)
    (code !== undefined && code >= 500 && (/\b5\.3\.4\b/.test(reply) || (code === 552 && err.command !== 'RCPT TO' && !/\b5\.\d{1,3}\.\d{1,3}\b/.test(reply) && /too (big|large)|size/i.test(reply)))) ||
    (err.code === 'EMESSAGE' && /size larger than allowed/i.test(err.message));
  if (tooBig) {
    return new DeliveryError(
      `le serveur SMTP refuse le message, plus gros que ce qu'il accepte${code ? ` (${code})` : ''} : allégez-le (pièces jointes de campagne.yaml, images du modèle) ou demandez à l'administrateur du relais sa limite de taille ; aucune mairie n'est passée au courrier`,
      'fatal',
      reply,
    );
  }
  // Refusals of the session, not of one town hall: every message would get the same answer, so the
  // run stops with what to change, and no town hall is marked refused (the next run sends them).
  if (code === 530 || (code !== undefined && code >= 500 && /authenticat|auth(entification)? (is )?required/i.test(reply))) {
    return new DeliveryError(`le serveur SMTP exige une authentification (${code}) : définissez RELAIS_SMTP_USER et RELAIS_SMTP_PASSWORD`, 'fatal', reply);
  }
  if (code !== undefined && code >= 500 && /MAIL/i.test(err.command ?? '')) {
    return new DeliveryError(`le serveur SMTP refuse l'expéditeur (${code}) : vérifiez l'adresse d'expédition de campagne.yaml et que ce serveur accepte de l'envoyer`, 'fatal', reply);
  }
  if (code !== undefined && code >= 500 && /relay(ing)? (access )?(denied|not permitted|prohibited)|not permitted to relay|relais (refusé|interdit)/i.test(reply)) {
    return new DeliveryError(`le serveur SMTP refuse de relayer vers ce domaine (${code}) : il faut vous authentifier (RELAIS_SMTP_USER, RELAIS_SMTP_PASSWORD) ou passer par le relais de votre administration`, 'fatal', reply);
  }
  // 421 is the server itself going away ("service not available, closing transmission channel",
  // RFC 5321): it counts toward the outage like a refused connection, or a server answering 421
  // to everything would be retried once per message left.
  if (code === 421) return new DeliveryError('serveur SMTP indisponible (421)', 'temporary', reply, true);
  // The sender's quota or sending limit reached (a relay's daily quota, Exchange's submission
  // quota): every message left would get the same answer until it is lifted, the next day for a
  // daily quota. Not the town hall's address: the run stops, none is taken for refused.
  if (code !== undefined && code >= 400 && senderLimit(reply)) {
    return new DeliveryError(
      `le serveur SMTP a atteint sa limite d'envoi pour cet expéditeur (${code}) : ce ne sont pas les adresses des mairies ; aucune mairie n'est passée au courrier, relancez « relais send » quand la limite est levée (le lendemain pour une limite quotidienne) ou demandez à l'administrateur du relais de la relever`,
      'fatal',
      reply,
      false,
      0,
      true,
    );
  }
  // 5.7.x: the receiving side's policy (a spam filter, a sender it does not trust), not the address.
  const policy = policyCode(reply);
  // Refused once the server has read the message (end of DATA): what it says, not who it is for.
  if (code !== undefined && code >= 500 && policy && err.code === 'EMESSAGE' && err.command === 'DATA') {
    return new DeliveryError(`refusé par la politique du serveur une fois le message lu (${code} ${policy} : filtre de contenu ou expéditeur non reconnu ; l'adresse n'est sans doute pas en cause : la mairie reste à envoyer)`, 'content', reply);
  }
  if (code !== undefined && code >= 500 && policy) return new DeliveryError(`refusé par la politique du serveur destinataire (${code} ${policy} : filtre anti-spam ou expéditeur non reconnu ; l'adresse n'est sans doute pas en cause)`, 'permanent', reply);
  if (code !== undefined && code >= 500) return new DeliveryError(`refusé par le serveur (${code})`, 'permanent', reply);
  if (code !== undefined && code >= 400) return new DeliveryError(`refus temporaire du serveur (${code})`, 'temporary', reply);
  // A session that went silent may have been waiting for the answer to a message it already
  // received: nodemailer cannot tell at which step, so the outcome is unknown — never resent alone.
  if (err.code === 'ETIMEDOUT' && err.timeoutType === 'SOCKET_TIMEOUT') {
    const silence = replyTimeoutMs ? ` (aucune réponse en ${frenchNumber(replyTimeoutMs / 1000)} s)` : '';
    return new DeliveryError(`le serveur ne répond plus au cours de l’envoi${silence} : remise inconnue`, 'unknown', reply, true, replyTimeoutMs || 1);
  }
  // The connection was lost after the message went out and before the server's answer: maybe delivered.
  if (err.command === 'DATA' || err.command === 'DATA END' || err.command === 'DATA_END' || /after (sending|message)|during DATA/i.test(err.message)) {
    return new DeliveryError('connexion perdue après l’envoi du message : remise inconnue', 'unknown', reply, true);
  }
  return new DeliveryError(`connexion au serveur SMTP impossible ou interrompue (${err.code ?? 'erreur réseau'})`, 'temporary', reply, true);
}
