import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

/**
 * What one message of the bounce mailbox says. A delivery status notification (RFC 3464
 * `multipart/report; report-type=delivery-status`) is read field by field; the servers that write
 * text instead (qmail, Exim, old Exchange, Gmail) are read from their `X-Failed-Recipients` header
 * and their text. Whatever is not a bounce is set aside with its kind: an auto-reply, a town hall's
 * reply, anything else (spam). Nothing here decides which delivery a bounce is about (match.ts).
 */
export interface Failure {
  /** The recipient the notice reports (Final-Recipient, X-Failed-Recipients, the text); null if it names none. */
  address: string | null;
  /** `failed`: given up for good; `delayed`: still being retried. */
  action: 'failed' | 'delayed';
  /** The enhanced status code (5.1.1, 4.4.1) when there is one. */
  status: string | null;
  diagnostic: string;
}

export type Reading =
  | {
      kind: 'bounce';
      format: 'dsn' | 'text';
      failures: Failure[];
      /** Message-IDs of the original message: its headers returned with the notice, or In-Reply-To/References. */
      messageIds: string[];
      /** ENVID we gave, returned as Original-Envelope-Id. */
      envelopeId: string | null;
      /** The To of the original message, when its headers came back. */
      originalTo: string[];
      /** The Date of the original message (ISO 8601), when its headers came back. */
      originalDate: string | null;
      /**
       * The earliest date the notice itself gives (ISO 8601): the DSN's Arrival-Date (when the
       * original reached the server that reports) or the notice's own Date. A notice is written
       * after the message it is about was sent. Null when it gives no readable date.
       */
      noticeDate: string | null;
      /** Identifies the notice (its Message-ID, else its content). */
      id: string;
    }
  | { kind: 'auto-reply' | 'reply' | 'other'; from: string | null; subject: string; id: string }
  | { kind: 'unreadable'; reason: string; from: string | null; subject: string; id: string };

/**
 * An address as notices write it: a local part in UTF-8 (RFC 6532: « élodie.mairie@… », which an
 * RFC 6533 report gives as such) and a domain in either form, its U-label or its A-label (xn--…).
 */
const EMAIL = /[\p{L}\p{M}\p{N}.!#$%&'*+/=?^_`{|}~-]+@[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?)+/gu;
const ENHANCED = /(?:^|[^\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.]*\d)/;
// Exchange's system mailbox signs its notices « Microsoft Exchange <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@…> ».
const DAEMON = /mailer-daemon|postmaster|mail delivery|maildelivery|mail-daemon|microsoftexchange[0-9a-f]{32}@/i;
/**
 * The first sentence of Exchange's text notices (2010 and later, Microsoft 365), in English and
 * French; the failed recipients follow it (or are in it: « Votre message à … n'a pas pu être remis »).
 */
const EXCHANGE_FAILED = /delivery has failed to these recipients or groups|your message to .{0,200}? couldn['’]t be delivered|your message couldn['’]t be delivered|la remise aux destinataires ou groupes suivants a échoué|échec de la remise à ces destinataires ou groupes|votre message (?:à .{0,200}? )?n['’]a pas pu être remis/i;
/** Sentences that say, in a text notice, that the message did not arrive. */
const FAILED_TEXT = /permanent error|could not be delivered|wasn['’]t delivered|cannot be reached|n['’]a pas pu être remis|impossible de remettre|undeliverable|delivery has failed|address(es)? failed|la remise aux destinataires ou groupes suivants a échoué|échec de la remise/i;
// Servers set up in a neighbour's language write their notices in it (Exchange's « Unzustellbar »):
// German, Italian, Spanish and Dutch subjects beside the English and French ones.
const BOUNCE_SUBJECT = /undeliver|undelivered|not delivered|delivery (status notification|failure|failed|has failed)|returned mail|returned to sender|failure notice|mail delivery failed|non remis|non distribu|impossible de remettre|échec de (la )?(remise|distribution)|delayed mail|delivery delayed|remise différée|^warning: message \S+ delayed|unzustellbar|nicht zustellbar|zustellung fehlgeschlagen|non recapitabile|mancato recapito|no se puede entregar|no entregado|onbestelbaar|niet bezorgd/i;
const DELAYED_TEXT = /\(delay\)|delayed mail|delivery delayed|warning only|still being retried|will be retried|will continue (trying|to try)|has not yet been delivered|n'a pas encore été remis|remise différée|retardé/i;
const AUTO_SUBJECT = /absent|absence|out of (the )?office|r[ée]ponse automatique|automatic reply|auto(matic)?[- ]?reply|autoreply|vacation|vacances|cong[ée]s/i;

function header(mail: ParsedMail, name: string): string {
  const v = mail.headers.get(name);
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(String).join(' ');
  if (typeof v === 'object' && 'value' in v) return String((v as { value: unknown }).value);
  return String(v);
}

function firstAddress(a: AddressObject | AddressObject[] | undefined): string | null {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  for (const o of list) for (const v of o.value) if (v.address) return v.address.toLowerCase();
  return null;
}

/** RFC 822 header fields of a block of text (continuation lines unfolded), names lowercased. */
function fields(block: string): Map<string, string> {
  const out = new Map<string, string>();
  let last = '';
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) {
      out.set(last, `${out.get(last)} ${line.trim()}`);
      continue;
    }
    const m = /^([!-9;-~]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    last = m[1]!.toLowerCase();
    // The first occurrence wins: a DSN gives each field once per block.
    if (!out.has(last)) out.set(last, m[2]!.trim());
    else last = '';
  }
  return out;
}

/** "rfc822; mairie@x.fr" → the address. */
function typedAddress(value: string | undefined): string | null {
  if (!value) return null;
  const m = value.match(EMAIL);
  return m ? m[0].toLowerCase() : null;
}

function withoutType(value: string): string {
  return value.replace(/^\s*[a-z0-9-]+\s*;\s*/i, '').replace(/\s+/g, ' ').trim();
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** An RFC 5322 date-time (« Mon, 2 Mar 2020 09:00:07 +0100 (CET) »), its zone required; anything else is not guessed at. */
const DATE_TIME = /^\s*(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|UT|UTC|GMT|Z|[ECMP][SD]T)\b/;

/** An RFC 5322 date as ISO 8601, or null when it is missing or not one. */
function mailDate(value: string | undefined): string | null {
  const m = value ? DATE_TIME.exec(value) : null;
  if (!m || !MONTHS.includes(m[2]!.toLowerCase())) return null;
  const when = Date.parse(`${m[1]} ${m[2]} ${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'} ${m[7]}`);
  return Number.isNaN(when) ? null : new Date(when).toISOString();
}

/** The per-recipient blocks of a message/delivery-status body (RFC 3464 §2.1). */
function readDeliveryStatus(text: string): { envelopeId: string | null; arrivalDate: string | null; failures: Failure[]; recipients: number } {
  const blocks = text.split(/\r?\n[ \t]*\r?\n/).map(fields);
  const envelopeId = blocks[0]?.get('original-envelope-id')?.trim() || null;
  const arrivalDate = mailDate(blocks[0]?.get('arrival-date'));
  const failures: Failure[] = [];
  let recipients = 0;
  for (const b of blocks) {
    const address = typedAddress(b.get('final-recipient')) ?? typedAddress(b.get('original-recipient'));
    if (!address && !b.has('action')) continue;
    recipients++;
    const action = (b.get('action') ?? '').toLowerCase().trim();
    const status = (b.get('status') ?? '').match(ENHANCED)?.[1] ?? null;
    // Delivered, relayed or expanded: no failure to report. A `failed` with a 4.x.x status is a
    // server that gave up retrying (4.4.7, expired): the message will never arrive either.
    if (action !== 'failed' && action !== 'delayed') {
      if (action || !status) continue;
    }
    const diagnostic = withoutType(b.get('diagnostic-code') ?? '') || status || action;
    const kind: Failure['action'] = action === 'delayed' || (!action && status?.startsWith('4')) ? 'delayed' : 'failed';
    failures.push({ address, action: kind, status, diagnostic });
  }
  return { envelopeId, arrivalDate, failures, recipients };
}

/** Message-IDs, To and Date of the original message, from its returned headers or its copy. */
function originalHeaders(texts: string[]): { messageIds: string[]; to: string[]; date: string | null } {
  const messageIds: string[] = [];
  const to: string[] = [];
  let date: string | null = null;
  for (const t of texts) {
    for (const m of t.matchAll(/^message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^>\s]+>)/gim)) messageIds.push(m[1]!);
    for (const m of t.matchAll(/^to:[ \t]*(.*(?:\r?\n[ \t]+.*)*)/gim)) for (const a of m[1]!.match(EMAIL) ?? []) to.push(a.toLowerCase());
    if (date === null) {
      const m = /^date:[ \t]*(.+)$/im.exec(t);
      const when = m ? Date.parse(m[1]!.trim()) : Number.NaN;
      if (!Number.isNaN(when)) date = new Date(when).toISOString();
    }
  }
  return { messageIds: [...new Set(messageIds)], to: [...new Set(to)], date };
}

/**
 * Where a text bounce's own notice ends and the copy of the original message (or of its headers:
 * Exchange's « Original message headers: », « En-têtes du message d’origine : ») begins. The
 * addresses after it are the original's (its From, Reply-To, To), never failed recipients. In
 * French, « message d'origine » is such a heading only as a line of its own: Exchange Online's
 * notice names « le message d'origine » in a sentence before its diagnostic (the status code).
 */
const COPY = /^.*(this is a copy of the message|below this line is (?:a copy|the original message)|original message follows|original message headers|copie du message|-{3,} ?(?:original message|message original|message d['’]origine|ursprüngliche nachricht) ?-{3,}|------ This is a copy).*$|^[ \t]*(?:en-t[êe]tes du )?message d['’]origine[ \t]*:?[ \t]*$/im;

/**
 * Lines of a notice that name the original message (« Message-ID d'origine : <…@…> », Exchange's
 * « Original-Message-ID »): a Message-ID is shaped like an address, and is not a recipient.
 */
const MESSAGE_ID_LINE = /^.*message-id.*$/gim;

function noticeMessageIds(notice: string): string[] {
  return [...notice.matchAll(MESSAGE_ID_LINE)].flatMap((line) => line[0].match(/<[^>\s]+@[^>\s]+>/g) ?? []);
}

function textFailures(mail: ParsedMail, notice: string, own: Set<string>, failedHeader: string[]): Failure[] {
  const delayed = DELAYED_TEXT.test(`${mail.subject ?? ''}\n${notice}`);
  const status = notice.match(ENHANCED)?.[1] ?? null;
  const smtp = /\b([245]\d\d)[ -]/.exec(notice)?.[1];
  const reason = (() => {
    const lines = notice.split(/\r?\n/).map((l) => l.trim());
    // The server's own answer first (its code), else the sentence that says why.
    const line = lines.find((l) => /\b[45]\d\d[ -]|#[45]\.\d/.test(l)) ?? lines.find((l) => /mailbox|user unknown|does not exist|introuvable|n'existe pas|not found|quota|full|plein/i.test(l));
    return (line ?? status ?? smtp ?? 'retour sans diagnostic').replace(/\s+/g, ' ').slice(0, 300);
  })();
  const action: Failure['action'] = delayed ? 'delayed' : 'failed';
  // Exchange names the failed recipients after its first sentence (or in it): what comes before is
  // not about them.
  const exchange = notice.search(EXCHANGE_FAILED);
  const naming = exchange < 0 ? notice : notice.slice(notice.lastIndexOf('\n', exchange) + 1);
  const named = failedHeader.length ? failedHeader : [...new Set((naming.replace(MESSAGE_ID_LINE, ' ').match(EMAIL) ?? []).map((a) => a.toLowerCase()))].filter((a) => !own.has(a) && !DAEMON.test(a));
  if (!named.length) return [{ address: null, action, status, diagnostic: reason }];
  return named.map((address) => ({ address, action, status: status ?? (smtp ? `${smtp[0]}.0.0` : null), diagnostic: reason }));
}

export async function readMessage(raw: Buffer): Promise<Reading> {
  // Line endings aside, so that the same notice read over IMAP (CRLF) or from an mbox (LF) is one.
  const digest = createHash('sha256').update(raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1').digest('hex').slice(0, 32);
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  } catch (err) {
    return { kind: 'unreadable', reason: `message illisible (${(err as Error).message})`, from: null, subject: '', id: digest };
  }
  const id = mail.messageId ? `${mail.messageId}` : digest;
  const from = firstAddress(mail.from);
  const subject = (mail.subject ?? '').trim();
  const contentType = header(mail, 'content-type').toLowerCase();
  const reportType = (mail.headers.get('content-type') as { params?: Record<string, string> } | undefined)?.params?.['report-type']?.toLowerCase();
  const status = mail.attachments.filter((a) => /^message\/(global-)?delivery-status$/i.test(a.contentType));
  const returned = mail.attachments.filter((a) => /^(message\/rfc822|text\/rfc822-headers|message\/global(-headers)?)$/i.test(a.contentType)).map((a) => a.content.toString('utf8'));
  const text = mail.text ?? '';
  const own = new Set([from, firstAddress(mail.to)].filter((a): a is string => Boolean(a)));
  const failedHeader = [...new Set((header(mail, 'x-failed-recipients').match(EMAIL) ?? []).map((a) => a.toLowerCase()))];
  const inReply = `${header(mail, 'in-reply-to')} ${header(mail, 'references')}`.match(/<[^>\s]+>/g) ?? [];
  const isReport = contentType === 'multipart/report' && (reportType === 'delivery-status' || status.length > 0);

  if (isReport || status.length || failedHeader.length || (DAEMON.test(`${from ?? ''} ${header(mail, 'from')}`) && (BOUNCE_SUBJECT.test(subject) || EXCHANGE_FAILED.test(text))) || (BOUNCE_SUBJECT.test(subject) && !/^(re|tr|fwd?)\s*:/i.test(subject) && FAILED_TEXT.test(text))) {
    const notice = text.split(COPY)[0] ?? text;
    // The copy of the original message, when a text bounce quotes it inline.
    const copy = text.length > notice.length ? text.slice(notice.length) : '';
    const original = originalHeaders([...returned, copy]);
    let failures: Failure[] = [];
    let envelopeId: string | null = null;
    let format: 'dsn' | 'text' = 'text';
    // The notice's own Date, read from its header line: mailparser puts the time of reading for a
    // Date it cannot read, and a notice is not dated by when it is read.
    const dates = [mailDate(mail.headerLines.find((h) => h.key === 'date')?.line.replace(/^date:/i, '').replace(/\r?\n[ \t]+/g, ' '))];
    for (const s of status) {
      const read = readDeliveryStatus(s.content.toString('utf8'));
      envelopeId ??= read.envelopeId;
      dates.push(read.arrivalDate);
      failures.push(...read.failures);
      if (read.recipients) format = 'dsn';
    }
    if (format === 'text') {
      // A report whose status part is missing or cut: read as text only if the text names someone.
      failures = textFailures(mail, notice, own, failedHeader);
      if (isReport && failures.every((f) => !f.address) && !original.messageIds.length) {
        return { kind: 'unreadable', reason: 'avis de non-remise incomplet (tronqué ?) : aucun destinataire ni message d’origine', from, subject, id };
      }
    }
    if (!failures.length) return { kind: 'other', from, subject, id };
    const messageIds = [...new Set([...original.messageIds, ...noticeMessageIds(notice), ...inReply])];
    if (failures.every((f) => !f.address) && !messageIds.length && !envelopeId) {
      return { kind: 'unreadable', reason: 'avis de non-remise sans destinataire ni message d’origine', from, subject, id };
    }
    const noticeDate = dates.filter((d): d is string => d !== null).sort()[0] ?? null;
    return { kind: 'bounce', format, failures, messageIds, envelopeId, originalTo: original.to, originalDate: original.date, noticeDate, id };
  }
  const autoSubmitted = header(mail, 'auto-submitted').toLowerCase().trim();
  if ((autoSubmitted && autoSubmitted !== 'no') || mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond') || /^(auto_reply|bulk|junk)$/i.test(header(mail, 'precedence').trim()) || AUTO_SUBJECT.test(subject)) {
    return { kind: 'auto-reply', from, subject, id };
  }
  if (inReply.length || /^(re|tr|fwd?|réf)\s*:/i.test(subject)) return { kind: 'reply', from, subject, id };
  return { kind: 'other', from, subject, id };
}
