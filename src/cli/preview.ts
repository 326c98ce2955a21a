import { relative } from 'node:path';
import type { Command } from 'commander';
import { generateLetters } from '../letters/generate.js';
import { ready as readyCampaign } from './campaign.js';
import { letterText } from '../campaign/letter.js';
import { CHANNEL_LABELS, SOCIAL_CHANNELS, type SocialChannel } from '../campaign/messages.js';
import { communeReference, normalizeInsee } from '../data/cog.js';
import { notRecipientReason } from '../campaign/communes.js';
import { RelaisError, UsageError } from '../errors.js';
import { contextOf } from './context.js';
import { parseChannel, printChannelResult } from './count.js';
import { sharedMailbox } from '../delivery/message.js';

const PREVIEW_CHANNELS = ['lettre', 'courriel', ...SOCIAL_CHANNELS] as const;

async function letterPdf(ready: Awaited<ReturnType<typeof readyCampaign>>, code: string): Promise<string | undefined> {
  const result = await generateLetters(ready, { communes: [code] });
  const file = result.written[0] ?? result.unchanged[0];
  return file && relative(ready.campaign.dir, file);
}

export function registerPreview(program: Command, fail: (code: number) => void): void {
  program
    .command('preview')
    .description("montre les textes d'une commune (lettre, courriel, messages) avec leurs comptes")
    .argument('<insee>', 'code INSEE de la commune')
    .option('--channel <canal>', `un seul texte : ${PREVIEW_CHANNELS.join(', ')}`)
    .action(async (insee: string, opts: { channel?: string }, command: Command) => {
      const ctx = contextOf(command, fail);
      const only = opts.channel ? (['lettre', 'courriel'].includes(opts.channel) ? opts.channel : parseChannel(opts.channel, PREVIEW_CHANNELS)) : undefined;
      const ready = await readyCampaign(ctx.campaignDir);
      const code = normalizeInsee(insee);
      const planned = ready.plan.recipient(code);
      if (!planned) throw new UsageError(notRecipientReason(communeReference(), insee, ready.campaign.departements.map((d) => d.code)));
      // The texts as the check rendered them, the very ones the letters and emails carry.
      const { recipient, messages } = planned;
      // As the email leaves: one whose mailbox another town hall shares names its commune.
      const email = sharedMailbox(recipient, planned.email);
      const letter = planned.letter.model;
      const { out } = ctx;
      if (out.json) {
        out.document({
          commune: { code: recipient.commune.code, nom: recipient.commune.nom },
          ...(!only || only === 'lettre' ? { lettre: { ...letter, texte: letterText(letter), ...(only === 'lettre' ? { pdf: await letterPdf(ready, code) } : {}) } } : {}),
          ...(!only || only === 'courriel' ? { courriel: { destinataire: recipient.contact?.courriel ?? null, objet: email.objet, texte: email.texte, html: email.html } } : {}),
          messages: Object.fromEntries(SOCIAL_CHANNELS.filter((c) => !only || only === c).map((c) => [c, { texte: messages[c].texte, ...messages[c].result }])),
        });
        return;
      }
      const heading = (t: string) => out.line(out.colors.bold(out.colors.blue(`── ${t} ──`)));
      if (!only || only === 'lettre') {
        heading(`Lettre — ${recipient.commune.nom} (${recipient.commune.code})`);
        out.line(letterText(letter));
      }
      if (only === 'lettre') {
        // The letter itself, as it will be sent: written and named.
        const file = await letterPdf(ready, code);
        if (file) out.line(`PDF écrit : ${file}`);
      }
      if (!only || only === 'courriel') {
        heading(`Courriel à ${recipient.contact?.courriel ?? '(pas d’adresse : envoi postal)'}`);
        out.line(`Objet : ${email.objet}`);
        out.line();
        out.line(email.texte);
        out.line();
      }
      for (const c of SOCIAL_CHANNELS as readonly SocialChannel[]) {
        if (only && only !== c) continue;
        heading(CHANNEL_LABELS[c]);
        out.line(messages[c].texte);
        out.line();
        printChannelResult(out, CHANNEL_LABELS[c], messages[c].result);
        out.line();
      }
    });
}
