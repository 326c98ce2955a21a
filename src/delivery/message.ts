import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ReadyCampaign } from '../campaign/check.js';
import { campaignPath } from '../campaign/load.js';
import type { RecipientPlan } from '../campaign/plan.js';
import type { Recipient } from '../campaign/recipients.js';
import { RelaisError } from '../errors.js';
import { Composer } from './compose.js';
import { campaignSheet, SHEET_FILE } from '../media/sheet-cache.js';
import type { OutgoingMessage } from './transport.js';

/**
 * The email to one town hall: From, Reply-To and sender name from campagne.yaml, the subject,
 * text and HTML rendered by the plan, the commune's letter and the campaign's attachments. Its
 * hash tells whether what would be sent now differs from what was sent. Its Message-ID names the
 * campaign, the commune and that hash (messageIdOf): the same message sent again (a resend of an
 * unconfirmed one) is a duplicate anyone can recognise, and a corrected one is a message of its
 * own — mail stores keep the first copy of a Message-ID (Gmail, Exchange's duplicate detection)
 * and would have dropped the correction.
 */
export const SIZE_WARNING = 10 * 1024 * 1024;

/**
 * What the plan keeps of each email: enough to decide and to show, not the attachments (35,000
 * letters held in memory would be a gigabyte). The message itself is built when it is sent.
 */
export interface PreparedEmail {
  recipient: Recipient;
  hash: string;
  messageId: string;
  /** Approximate size once encoded (attachments grow by a third in base64). */
  size: number;
  letterPath: string;
  /** The letter's name as attached, and where the outbox writes the message: from the plan. */
  attachmentName: string;
  outboxPath: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export async function attachmentsOf(ready: ReadyCampaign): Promise<Array<{ filename: string; data: Buffer; hash: string; size: number }>> {
  // The summary sheet, written from the campaign, goes with every email; the video never does (a link in the text).
  const sheet = await campaignSheet(ready.campaign);
  const kit = { filename: SHEET_FILE, data: sheet, hash: createHash('sha256').update(sheet).digest('hex'), size: sheet.length };
  return [kit, ...(ready.campaign.config.pieces_jointes ?? []).map((p) => {
    const path = campaignPath(ready.campaign, p);
    try {
      const data = readFileSync(path);
      return { filename: basename(p), data, hash: createHash('sha256').update(data).digest('hex'), size: data.length };
    } catch {
      throw new RelaisError(`pièce jointe introuvable : ${p}`, { file: 'campagne.yaml', field: 'pieces_jointes' });
    }
  })];
}

/** The sender, required before anything is prepared: its domain ends every Message-ID. */
export function senderOf(ready: ReadyCampaign): NonNullable<ReadyCampaign['campaign']['config']['expediteur']> {
  const sender = ready.campaign.config.expediteur;
  if (!sender) throw new RelaisError('expéditeur manquant : ajoutez « expediteur: » (nom, courriel, repondre_a) dans campagne.yaml', { file: 'campagne.yaml', field: 'expediteur' });
  return sender;
}

/**
 * `letter.hash` is the letter's own content hash from `relais letters`: hashing 35,000 PDFs again
 * here took a third of the planning. The texts are the plan's, rendered once by the check.
 */
export function prepareEmail(p: RecipientPlan, letter: { path: string; hash: string }, common: Awaited<ReturnType<typeof attachmentsOf>>): PreparedEmail {
  const to = p.to;
  const paths = p.paths;
  if (!to || !paths.outbox) throw new Error(`no email for ${p.recipient.commune.code}`);
  const email = sharedMailbox(p.recipient, p.email);
  const letterSize = letterFile(letter.path, (path) => statSync(path).size);
  const hash = createHash('sha256')
    .update(JSON.stringify([to, email.objet, email.texte, email.html, common.map((a) => a.hash), letter.hash]))
    .digest('hex')
    .slice(0, 32);
  const size = Math.ceil((letterSize + common.reduce((n, a) => n + a.size, 0)) * 1.37) + email.texte.length + email.html.length;
  return {
    recipient: p.recipient,
    hash,
    messageId: messageIdOf(p.messageId, hash),
    size,
    letterPath: letter.path,
    attachmentName: paths.attachment,
    outboxPath: paths.outbox,
    to,
    subject: email.objet,
    text: email.texte,
    html: email.html,
  };
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The email of a town hall whose mailbox is also another's (recipients.ts, `partage`): the same
 * subject and text for each would show as one conversation of two identical messages, and a
 * secretary would delete the « duplicate ». Its subject and text then name its commune. Only
 * these emails change: the others keep their hash, so a campaign already under way does not see
 * every town hall's email « changed ».
 */
export function sharedMailbox(r: Recipient, email: RecipientPlan['email']): Pick<RecipientPlan['email'], 'objet' | 'texte' | 'html'> {
  if (!r.partage?.length) return email;
  const names = r.partage.map((o) => `${o.deNom} (${o.code})`);
  const others = names.length > 1 ? `des mairies ${names.slice(0, -1).join(', ')} et ${names.at(-1)}` : `de la mairie ${names[0]}`;
  const notice = `Ce courriel et la lettre jointe sont destinés à la mairie ${r.commune.deNom} (${r.commune.code}). Cette adresse électronique est aussi celle ${others} : chaque mairie reçoit son propre courriel.`;
  // In the HTML, a paragraph before the first one, in its style; else at the top of the body.
  const html = (() => {
    const first = /<p(?:\s[^>]*)?>/i.exec(email.html);
    if (first) return `${email.html.slice(0, first.index)}${first[0]}<strong>${escapeHtml(notice)}</strong></p>\n${email.html.slice(first.index)}`;
    const body = /<body(?:\s[^>]*)?>/i.exec(email.html);
    const at = body ? body.index + body[0].length : 0;
    return `${email.html.slice(0, at)}<p><strong>${escapeHtml(notice)}</strong></p>\n${email.html.slice(at)}`;
  })();
  return { objet: `${email.objet} — mairie ${r.commune.deNom}`, texte: `${notice}\n\n${email.texte}`, html };
}

/**
 * `<campaign.commune@domain>` (the plan's) with the message's hash after the commune:
 * `<campaign.commune.1a2b3c4d5e6f@domain>` (bounces/match.ts reads both forms back).
 */
export function messageIdOf(planned: string, hash: string): string {
  return planned.replace(/@/, `.${hash.slice(0, 12)}@`);
}

/**
 * The Message-ID of a corrected email sent again (--resend-changed): its hash taken with the ID the
 * town hall last received, so that a correction undone (the first text again) does not go out
 * under the first message's ID, which mail stores would take for a copy and drop.
 */
export function correctedMessageId(prepared: Pick<PreparedEmail, 'messageId' | 'hash'>, previous: string | null): string {
  if (!previous) return prepared.messageId;
  const chained = createHash('sha256').update(`${prepared.hash}\n${previous}`).digest('hex');
  return prepared.messageId.replace(/\.[0-9a-f]{12}@/, `.${chained.slice(0, 12)}@`);
}

/** Reads the letter (or its size): a missing letter is named, whatever the reading. */
function letterFile<T>(path: string, read: (path: string) => T): T {
  try {
    return read(path);
  } catch {
    throw new RelaisError(`lettre introuvable : ${path}`, { file: path });
  }
}

/** The composer for a run: the sender and the campaign's attachments, laid out once. */
export function composerFor(ready: ReadyCampaign, common: Awaited<ReturnType<typeof attachmentsOf>>): Composer {
  const sender = ready.campaign.config.expediteur!;
  return new Composer({ name: sender.nom, address: sender.courriel, replyTo: sender.repondre_a }, common);
}

/** The message itself, built at the moment it is sent. */
export function toMessage(ready: ReadyCampaign, p: PreparedEmail, composer: Composer): OutgoingMessage {
  const raw = composer.compose({
    to: p.to,
    subject: p.subject,
    text: p.text,
    html: p.html,
    messageId: p.messageId,
    date: new Date(),
    attachments: [{ filename: p.attachmentName, data: letterFile(p.letterPath, (path) => readFileSync(path)) }],
  });
  const sender = ready.campaign.config.expediteur!;
  // The envelope sender is where bounces land: `retour` when the campaign names a mailbox for them.
  const envelopeId = p.messageId.replace(/^<|@.*$/g, '');
  return { envelope: { from: sender.retour ?? sender.courriel, to: p.to }, raw, messageId: p.messageId, envelopeId, outboxPath: p.outboxPath };
}
