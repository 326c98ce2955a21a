import type { Command } from 'commander';
import { resolve } from 'node:path';
import { campaignKey, requireCampaign } from '../campaign/load.js';
import { fileSource, type MailSource } from '../bounces/files.js';
import { imapSettingsFrom, imapSource } from '../bounces/imap.js';
import { readBouncesInto, type BounceReport } from '../bounces/process.js';
import { UsageError } from '../errors.js';
import type { Settings } from '../settings.js';
import { contextOf } from './context.js';
import type { Output } from './output.js';
import { progressReporter } from './progress.js';
import { plural } from './report.js';

/**
 * `relais bounces [source]`: reads the bounces (IMAP with RELAIS_IMAP_URL, or an mbox file, a
 * folder of .eml files, one .eml file), records them in the journal, and lists what it could not
 * match. The town halls whose email bounced then go by post (`relais letters`).
 */
export function bouncesSource(path: string | undefined, opts: { folder?: string; moveTo?: string }, settings: Settings['imap'], env: Readonly<Record<string, string | undefined>>): Promise<MailSource> | MailSource {
  if (path !== undefined) {
    if (opts.folder || opts.moveTo) throw new UsageError('--folder et --move-to vont avec une boîte IMAP (RELAIS_IMAP_URL), pas avec un fichier');
    return fileSource(resolve(process.cwd(), path));
  }
  const imap = imapSettingsFrom(settings, env);
  if (!imap) throw new UsageError('aucune boîte de retours : donnez un fichier mbox, un dossier de fichiers .eml, ou RELAIS_IMAP_URL (imaps://serveur) pour lire la boîte par IMAP');
  return imapSource({ ...imap, ...(opts.folder ? { folder: opts.folder } : {}), ...(opts.moveTo ? { moveTo: opts.moveTo } : {}) });
}

/** The report as a JSON document (French keys, like `status` and `run`). */
export function bouncesDocument(r: BounceReport): Record<string, unknown> {
  return {
    ok: true,
    source: r.source,
    lus: r.read,
    enregistres: r.recorded,
    dejaLus: r.known,
    retours: r.bounced,
    retards: r.delayed,
    sansCorrespondance: r.unmatched,
    messagesSansCorrespondance: r.unmatchedMessages,
    misDeCote: { reponsesAutomatiques: r.setAside.autoReplies, reponses: r.setAside.replies, autres: r.setAside.others },
    illisibles: r.unreadable,
    deplaces: r.moved,
  };
}

const SHOWN = 50;

export function printBounces(out: Output, r: BounceReport, indent = ''): void {
  const c = out.colors;
  out.line(`${indent}${plural(r.read, 'message lu', 'messages lus')} dans ${r.source}`);
  out.line(`${indent}  ${plural(r.bounced.length, 'retour définitif enregistré', 'retours définitifs enregistrés')}${r.bounced.length ? ' (ces mairies passent au courrier postal)' : ''}, ${plural(r.delayed.length, 'remise retardée', 'remises retardées')}, ${plural(r.known, 'message déjà lu', 'messages déjà lus')} (rien de changé)`);
  for (const b of r.bounced.slice(0, SHOWN)) out.line(c.red(`${indent}    ✖ ${b.departement} ${b.commune} ${b.recipient} — ${b.diagnostic}`));
  for (const b of r.delayed.slice(0, SHOWN)) out.line(c.yellow(`${indent}    … ${b.departement} ${b.commune} ${b.recipient} — ${b.diagnostic} (le serveur réessaie)`));
  out.line(`${indent}  Mis de côté : ${plural(r.setAside.autoReplies, 'réponse automatique', 'réponses automatiques')}, ${plural(r.setAside.replies, 'réponse', 'réponses')} (à lire dans la boîte), ${plural(r.setAside.others, 'autre message', 'autres messages')}`);
  if (r.unmatched.length) {
    out.line(c.yellow(`${indent}  ${plural(r.unmatched.length, 'retour sans envoi correspondant', 'retours sans envoi correspondant')} (rien n'a été modifié pour ${r.unmatched.length > 1 ? 'eux' : 'lui'}) :`));
    for (const u of r.unmatched.slice(0, SHOWN)) out.line(`${indent}    ${u.ref} ${u.address ?? '(destinataire inconnu)'} — ${u.explanation}`);
  }
  if (r.unreadable.length) {
    out.line(c.yellow(`${indent}  ${plural(r.unreadable.length, 'message illisible', 'messages illisibles')} (à lire dans la boîte) :`));
    for (const u of r.unreadable.slice(0, SHOWN)) out.line(`${indent}    ${u.ref}${u.subject ? ` « ${u.subject} »` : ''} — ${u.reason}`);
  }
  if (r.moved) out.line(`${indent}  ${plural(r.moved, 'message déplacé', 'messages déplacés')} dans le dossier des retours traités`);
}

export function registerBounces(program: Command, fail: (code: number) => void): void {
  program
    .command('bounces')
    .argument('[source]', 'fichier mbox, dossier de fichiers .eml ou fichier .eml (sans lui : la boîte IMAP de RELAIS_IMAP_URL)')
    .description('lit les retours de courriels (non-remises) et fait passer au courrier les mairies dont l’adresse ne fonctionne plus')
    .option('--folder <dossier>', 'dossier IMAP à lire (par défaut RELAIS_IMAP_FOLDER, sinon INBOX)')
    .option('--move-to <dossier>', 'dossier IMAP où ranger les retours traités (par défaut RELAIS_IMAP_MOVE_TO ; sans lui ils restent en place)')
    .action(async (path: string | undefined, opts: { folder?: string; moveTo?: string }, command: Command) => {
      const ctx = contextOf(command, fail);
      const campaign = await requireCampaign(ctx.campaignDir);
      const source = await bouncesSource(path, opts, ctx.settings.imap, ctx.env);
      const progress = progressReporter(ctx.out, 'Retours');
      const report = await readBouncesInto(campaign.dir, campaignKey(campaign), source, { onProgress: (n) => progress.update(n, n) }).finally(() => progress.stop());
      if (ctx.out.json) {
        ctx.out.document(bouncesDocument(report));
        return;
      }
      printBounces(ctx.out, report);
      if (report.bounced.length) {
        ctx.out.line(`Fichier à imprimer : relais letters ajoute ces mairies à impression-<dép>.pdf ; pour corriger l'annuaire : relais status --failed --csv retours.csv`);
      }
    });
}
