import { CHANNEL } from '../delivery/send.js';
import type { Journal } from '../delivery/journal.js';
import { NOTHING_CHANGED, type MailSource } from './files.js';
import { RelaisError } from '../errors.js';
import { countOf, frenchDateTime } from '../text/format.js';
import { Matcher, type Outcome } from './match.js';
import { readMessage, type Failure } from './read.js';

/**
 * `relais bounces` as a use case: every message of the source is read, sorted, and either recorded
 * against its delivery or listed with the reason it was not. Every message is accounted for:
 * read = recorded + already known + unmatched + auto-replies + replies + others + unreadable.
 */
export interface BounceEntry {
  commune: string;
  departement: string;
  recipient: string;
  status: string | null;
  diagnostic: string;
  /** Which message of the source said so. */
  ref: string;
}

export type UnmatchedReason = Extract<Outcome, { kind: 'unmatched' }>['reason'];

export interface UnmatchedEntry {
  ref: string;
  address: string | null;
  reason: UnmatchedReason;
  /** Said to the user. */
  explanation: string;
  commune?: string;
  campaign?: string;
  diagnostic: string;
}

export interface BounceReport {
  source: string;
  /** Messages read from the source. */
  read: number;
  /** Messages that brought a new bounce or delay into the journal. */
  recorded: number;
  /** Messages whose bounces the journal already had (a second reading changes nothing). */
  known: number;
  /** Bounces and delays newly written into the journal. */
  bounced: BounceEntry[];
  delayed: BounceEntry[];
  /** Messages that are bounces of no delivery of this campaign (each failure listed in `unmatched`). */
  unmatchedMessages: number;
  unmatched: UnmatchedEntry[];
  setAside: { autoReplies: number; replies: number; others: number };
  unreadable: Array<{ ref: string; reason: string; from: string | null; subject: string }>;
  /** Messages moved to the processed folder (IMAP). */
  moved: number;
}

export function explain(reason: UnmatchedReason, u: { commune?: string; campaign?: string; sentTo?: string; originalDate?: string; noticeDate?: string; sentAt?: string }): string {
  switch (reason) {
    case 'earlier-message':
      if (u.noticeDate && u.sentAt) {
        return `retour d'un message plus ancien : l'avis est daté du ${frenchDateTime(u.noticeDate)}, avant que relais n'écrive à la commune ${u.commune ?? '?'} (le ${frenchDateTime(u.sentAt)}) ; un autre envoi de la même adresse, rien n'est changé pour cette mairie`;
      }
      return `retour d'un message plus ancien (daté du ${u.originalDate ? frenchDateTime(u.originalDate) : '?'}), envoyé avant que relais n'écrive à la commune ${u.commune ?? '?'} : un autre envoi de la même adresse, rien n'est changé pour cette mairie`;
    case 'earlier-version':
      // Found by address, dated between relais's first send and its last (--resend-changed or
      // --resend-unconfirmed): about the copy sent before, not necessarily a corrected one.
      if (u.noticeDate && u.sentAt) {
        return `retour d'un envoi précédent du courriel de la commune ${u.commune ?? '?'} : l'avis est daté du ${frenchDateTime(u.noticeDate)}, avant que relais le renvoie à ${u.sentTo ?? '?'} (le ${frenchDateTime(u.sentAt)}) ; rien n'est changé pour cette mairie ; si la même adresse refuse aussi le courriel renvoyé, son propre retour le dira`;
      }
      return `retour de la version précédente du courriel de la commune ${u.commune ?? '?'}, corrigé et renvoyé depuis à ${u.sentTo ?? '?'} : rien n'est changé pour cette mairie ; si la même adresse refuse aussi le courriel corrigé, son propre retour le dira`;
    case 'other-campaign':
      return `retour d'une autre campagne (${u.campaign ?? '?'}) : laissé pour elle`;
    case 'never-written':
      return `relais n'a jamais écrit à la commune ${u.commune ?? '?'} par un serveur SMTP dans cette campagne`;
    case 'unknown-address':
      return 'adresse à laquelle cette campagne n’a rien envoyé';
    case 'ambiguous':
      return 'plusieurs envois possibles (adresse partagée) : à vérifier à la main';
    case 'other-address':
      return `adresse à laquelle relais n'a pas écrit : le courriel de la commune ${u.commune ?? '?'} est parti à ${u.sentTo ?? '?'} (transfert automatique de la mairie vers une autre boîte, ou adresse remplacée depuis dans les données) ; rien n'est changé pour cette mairie`;
    case 'no-recipient':
      return 'retour qui ne dit ni le destinataire ni le message d’origine';
  }
}

const fingerprint = (id: string, f: Failure) => `${id}|${f.address ?? ''}|${f.action}`;

export async function processBounces(source: MailSource, journal: Journal, options: { onProgress?: (read: number) => void } = {}): Promise<BounceReport> {
  const matcher = new Matcher(journal.campaign, journal.all(CHANNEL, 'server'));
  const report: BounceReport = { source: source.description, read: 0, recorded: 0, known: 0, bounced: [], delayed: [], unmatchedMessages: 0, unmatched: [], setAside: { autoReplies: 0, replies: 0, others: 0 }, unreadable: [], moved: 0 };
  const handled: string[] = [];
  let moving = false;
  try {
    for await (const message of source.messages()) {
      report.read++;
      options.onProgress?.(report.read);
      const reading = await readMessage(message.raw);
      if (reading.kind === 'auto-reply') report.setAside.autoReplies++;
      else if (reading.kind === 'reply') report.setAside.replies++;
      else if (reading.kind === 'other') report.setAside.others++;
      else if (reading.kind === 'unreadable') report.unreadable.push({ ref: message.ref, reason: reading.reason, from: reading.from, subject: reading.subject });
      else if (reading.kind === 'bounce') {
        let added = 0;
        let matched = 0;
        for (const o of matcher.match(reading)) {
          if (o.kind === 'unmatched') {
            report.unmatched.push({ ref: message.ref, address: o.failure.address, reason: o.reason, explanation: explain(o.reason, o), diagnostic: o.failure.diagnostic, ...(o.commune ? { commune: o.commune } : {}), ...(o.campaign ? { campaign: o.campaign } : {}) });
            continue;
          }
          matched++;
          const kind = o.failure.action === 'failed' ? 'bounced' : 'delayed';
          const recorded = journal.recordBounce(CHANNEL, { fingerprint: fingerprint(reading.id, o.failure), commune: o.row.commune, recipient: o.row.recipient, kind, status: o.failure.status, diagnostic: o.failure.diagnostic });
          if (!recorded) continue;
          added++;
          const entry = { commune: o.row.commune, departement: o.row.departement, recipient: o.row.recipient, status: o.failure.status, diagnostic: o.failure.diagnostic, ref: message.ref };
          (kind === 'bounced' ? report.bounced : report.delayed).push(entry);
        }
        if (added) report.recorded++;
        else if (matched) report.known++;
        else report.unmatchedMessages++;
        // Only what this campaign's journal holds leaves the mailbox: the rest waits for a person.
        if (matched) handled.push(message.ref);
      }
    }
    // A delay notice read beside the failure of the same message (Outlook files « Non remis »
    // before « Remise différée »), or after it in an earlier reading: that server no longer retries.
    const now = journal.all(CHANNEL, 'server');
    report.delayed = report.delayed.filter((d) => now.get(d.commune)?.status !== 'bounced');
    moving = true;
    if (source.moveHandled) report.moved = await source.moveHandled(handled);
  } catch (err) {
    // Each bounce is recorded as it is read: a source cut part-way has changed the journal.
    if (err instanceof RelaisError && report.read > 0) throw cutShort(err, report, moving);
    throw err;
  } finally {
    await source.close();
  }
  return report;
}

function cutShort(err: RelaisError, report: BounceReport, moving: boolean): RelaisError {
  const recorded = [
    countOf(report.bounced.length, 'retour définitif enregistré', 'retours définitifs enregistrés') + (report.bounced.length ? ' (ces mairies passent au courrier postal)' : ''),
    countOf(report.delayed.length, 'remise retardée notée', 'remises retardées notées'),
  ].join(', ');
  const base = err.message.endsWith(NOTHING_CHANGED) ? err.message.slice(0, -NOTHING_CHANGED.length) : err.message;
  const when = moving ? `messages traités non déplacés (${countOf(report.read, 'message lu', 'messages lus')})` : `lecture coupée après ${countOf(report.read, 'message')}`;
  return new RelaisError(`${base} — ${when} : ${recorded} ; relancez la même commande quand le serveur répond (les messages déjà lus ne comptent pas deux fois)`, err.location, { cause: err });
}

/** Opens the campaign's journal around one reading (the journal is created if there is none yet). */
export async function readBouncesInto(campaignDir: string, campaignKey: string, source: MailSource, options: { onProgress?: (read: number) => void } = {}): Promise<BounceReport> {
  const { Journal } = await import('../delivery/journal.js');
  let journal: Journal;
  try {
    journal = Journal.open(campaignDir, campaignKey);
  } catch (err) {
    await source.close();
    throw err;
  }
  try {
    return await processBounces(source, journal, options);
  } finally {
    journal.close();
  }
}
