import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { ReadyCampaign } from '../campaign/check.js';
import { departementContext, recipientContext } from '../campaign/context.js';
import { campaignPath } from '../campaign/load.js';
import { renderEmail, renderMessages, withMessages } from '../campaign/messages.js';
import type { Recipient } from '../campaign/recipients.js';
import { RelaisError } from '../errors.js';
import { slug } from '../text/french.js';
import type { OutgoingMessage } from './transport.js';

/**
 * The email to one town hall: From, Reply-To and sender name from campagne.yaml, the rendered
 * subject, text and HTML, the commune's letter and the campaign's attachments. Its Message-ID is
 * deterministic per campaign and commune, so anyone can recognise a duplicate; its hash tells
 * whether what would be sent now differs from what was sent.
 */
export const SIZE_WARNING = 10 * 1024 * 1024;

export function campaignKey(ready: ReadyCampaign): string {
  return slug(`${ready.campaign.config.campagne.titre}-${ready.campaign.config.campagne.date}`, 80);
}

export interface PreparedEmail {
  recipient: Recipient;
  message: OutgoingMessage;
  hash: string;
  messageId: string;
  /** Approximate size once encoded (attachments grow by a third in base64). */
  size: number;
}

export function attachmentsOf(ready: ReadyCampaign): Array<{ filename: string; path: string; hash: string; size: number }> {
  return (ready.campaign.config.pieces_jointes ?? []).map((p) => {
    const path = campaignPath(ready.campaign, p);
    try {
      const data = readFileSync(path);
      return { filename: basename(p), path, hash: createHash('sha256').update(data).digest('hex'), size: data.length };
    } catch {
      throw new RelaisError(`pièce jointe introuvable : ${p}`, { file: 'campagne.yaml', field: 'pieces_jointes' });
    }
  });
}

export function prepareEmail(ready: ReadyCampaign, r: Recipient, letterPath: string, common: ReturnType<typeof attachmentsOf>, key: string): PreparedEmail {
  const sender = ready.campaign.config.expediteur;
  if (!sender) throw new RelaisError('expéditeur manquant : ajoutez « expediteur: » (nom, courriel, repondre_a) dans campagne.yaml', { file: 'campagne.yaml', field: 'expediteur' });
  const to = r.contact?.courriel;
  if (!to) throw new Error(`no email for ${r.commune.code}`);
  const dep = ready.campaign.departements.find((d) => d.code === r.departement.code)!;
  const context = recipientContext(departementContext(ready.campaign, dep, ready.figures), r);
  const email = renderEmail(ready.templates, withMessages(context, renderMessages(ready.templates, context)));
  let letter: Buffer;
  try {
    letter = readFileSync(letterPath);
  } catch {
    throw new RelaisError(`lettre introuvable : ${letterPath}`, { file: letterPath });
  }
  const domain = sender.courriel.split('@')[1] ?? 'relais.invalid';
  const messageId = `<${key}.${r.commune.code}@${domain}>`;
  const letterName = `lettre-${r.commune.code}-${slug(r.commune.nom)}.pdf`;
  const hash = createHash('sha256')
    .update(JSON.stringify([to, email.objet, email.texte, email.html, common.map((a) => a.hash)]))
    .update(letter)
    .digest('hex')
    .slice(0, 32);
  const mail: Mail.Options = {
    from: { name: sender.nom, address: sender.courriel },
    ...(sender.repondre_a ? { replyTo: sender.repondre_a } : {}),
    to,
    subject: email.objet,
    text: email.texte,
    html: email.html,
    messageId,
    attachments: [
      { filename: letterName, content: letter, contentType: 'application/pdf' },
      ...common.map((a) => ({ filename: a.filename, path: a.path })),
    ],
  };
  const size = Math.ceil((letter.length + common.reduce((n, a) => n + a.size, 0)) * 1.37) + email.texte.length + email.html.length;
  return { recipient: r, message: { mail, dep: r.departement.code, fileName: `${r.commune.code}-${slug(r.commune.nom)}.eml` }, hash, messageId, size };
}

export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
