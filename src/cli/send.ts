import { frenchNumber } from '../text/format.js';
import { askYesNo } from './confirm.js';
import type { Command } from 'commander';
import { ready as readyCampaign } from './campaign.js';
import { normalizeInsee } from '../data/cog.js';
import { sendCampaign, toRetry, type DeliveryState, type SendPlan } from '../delivery/send.js';
import { smtpSettingsFrom, transportFor } from '../delivery/transport.js';
import { UsageError } from '../errors.js';
import { contextOf } from './context.js';
import { interruption } from './interrupt.js';
import { withSelection } from './list-option.js';
import type { Output } from './output.js';
import { progressReporter } from './progress.js';
import { plural } from './report.js';

/** Failures and unknown outcomes listed under the summary; the rest are counted, and all are in relais status --failed. */
const SHOWN = 50;

export function parseRate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+(?:[.,]\d+)?)\s*(?:\/\s*min)?\s*$/i.exec(value);
  const n = m ? Number(m[1]!.replace(',', '.')) : NaN;
  if (!(n > 0)) throw new UsageError(`--rate « ${value} » : un nombre de messages par minute strictement positif est attendu (par exemple 120/min)`);
  return n;
}

export function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit « ${value} » : un nombre entier de messages, au moins 1, est attendu`);
  return n;
}

function printPlan(out: Output, plan: SendPlan): void {
  const first = plan.toSend[0];
  out.note(`Envoi par ${plan.description}`);
  out.note(`  ${plural(plan.toSend.length, 'message')} à envoyer à ${plural(new Set(plan.toSend.map((p) => p.recipient.commune.code)).size, 'mairie')} ; ${frenchNumber(plan.byPost)} par courrier postal ; ${plural(plan.alreadySent, 'déjà envoyé', 'déjà envoyés')}`);
  // Said plainly: a rehearsal in the outbox does not spare anyone the real message.
  if (plan.rehearsed) out.note(`  dont ${plural(plan.rehearsed, 'message')} déjà ${plan.rehearsed > 1 ? 'écrits' : 'écrit'} dans la boîte d’envoi locale (répétition) : ${plan.rehearsed > 1 ? 'ils partent' : 'il part'} maintenant pour de bon`);
  if (first) {
    out.note(`  Premier message : à ${first.to} — « ${first.subject} »`);
    out.note(first.text.split('\n').slice(0, 6).map((l) => `    ${l}`).join('\n'));
  }
}

export async function askToSend(out: Output, plan: SendPlan): Promise<boolean> {
  printPlan(out, plan);
  return askYesNo(plan.toSend.length === 1 ? 'Envoyer ce message maintenant ?' : `Envoyer ces ${frenchNumber(plan.toSend.length)} messages maintenant ?`);
}

/** The journal's figures for the selection, plurals agreed. */
export function stateLine(s: DeliveryState, done = 'envoyé'): string {
  // A temporary failure is tried again by the next send: said, or « 0 pas encore envoyé » reads as done.
  const again = toRetry(s);
  const failed = `${plural(s.failed, 'échec')}${again ? ` (dont ${frenchNumber(again)} à réessayer : relancez « relais send »)` : ''}`;
  return `${plural(s.sent, done)}, ${failed}, ${plural(s.unconfirmed, 'non confirmé')}${s.bounced ? `, ${plural(s.bounced, 'revenu en erreur (par courrier)', 'revenus en erreur (par courrier)')}` : ''}${s.posted ? `, ${plural(s.posted, 'lettre postée', 'lettres postées')}` : ''}, ${plural(s.notSent, `pas encore ${done}`, `pas encore ${done}s`)}`;
}

export function registerSend(program: Command, fail: (code: number) => void): void {
  withSelection(program.command('send'))
    .description('envoie à chaque mairie son courriel et sa lettre, une seule fois (boîte d’envoi locale sans RELAIS_SMTP_URL)')
    .option('--limit <n>', 'au plus n messages pendant cette exécution')
    .option('--rate <n/min>', 'au plus n messages par minute')
    .option('--dry-run', 'prépare et vérifie tout, n’envoie rien')
    .option('--yes', 'ne demande pas de confirmation (obligatoire sans terminal avec un serveur SMTP)')
    .option('--resend-unconfirmed', 'renvoie aussi les messages dont la remise est inconnue (risque de doublon)')
    .option('--resend-changed', 'renvoie aux mairies qui ont reçu une version différente du courriel')
    .action(async (opts: { dep?: string[]; commune?: string[]; limit?: string; rate?: string; dryRun?: boolean; yes?: boolean; resendUnconfirmed?: boolean; resendChanged?: boolean }, command: Command) => {
      const ctx = contextOf(command, fail);
      const limit = parseLimit(opts.limit);
      const rate = parseRate(opts.rate);
      const smtp = smtpSettingsFrom(ctx.settings.smtp, ctx.env);
      if (smtp && !opts.yes && !opts.dryRun && !process.stdin.isTTY) {
        throw new UsageError('envoi par un serveur SMTP sans terminal pour confirmer : relancez avec --yes (ou --dry-run pour vérifier)');
      }
      const deps = opts.dep ?? [];
      const ready = await readyCampaign(ctx.campaignDir, deps);
      const transport = transportFor(ready.campaign.dir, smtp);
      const interrupt = interruption();
      const progress = progressReporter(ctx.out, 'Courriels');
      try {
        const summary = await sendCampaign(ready, transport, {
          workers: ctx.settings.workers,
          departements: deps,
          communes: (opts.commune ?? []).map(normalizeInsee),
          ...(limit === undefined ? {} : { limit }),
          ...(rate === undefined ? {} : { rate }),
          dryRun: Boolean(opts.dryRun),
          resendUnconfirmed: Boolean(opts.resendUnconfirmed),
          resendChanged: Boolean(opts.resendChanged),
          ...(smtp && !opts.yes ? { confirm: (plan: SendPlan) => askToSend(ctx.out, plan) } : {}),
          onProgress: (d, t) => progress.update(d, t),
          signal: interrupt.signal,
        }).finally(() => progress.stop());
        if (!summary.ok) ctx.fail(1);
        if (ctx.out.json) {
          if (summary.outage) ctx.out.note(`relais : ${summary.outage.message}`);
          if (summary.stopped) ctx.out.note(`relais : ${summary.stopped}`);
          ctx.out.document({ ...summary, [summary.transport]: summary.destination });
          return;
        }
        const { out } = ctx;
        const c = out.colors;
        if (summary.cancelled) return out.line('Envoi annulé : rien n’est parti.');
        out.line(summary.dryRun ? c.bold('Simulation : rien n’a été envoyé.') : `Destination : ${summary.destination}`);
        // In the outbox a copy is written, nothing is sent: the words say so.
        const done = summary.transport === 'outbox' ? 'écrit' : 'envoyé';
        out.line(`Cette exécution : ${plural(summary.sent, done)}, ${plural(summary.failed, 'échec')}, ${plural(summary.unconfirmed, 'non confirmé')}, ${plural(summary.skipped, 'ignoré')} (${plural(summary.alreadySent, `déjà ${done}`, `déjà ${done}s`)}), ${frenchNumber(summary.byPost)} par courrier postal`);
        out.line(`${summary.transport === 'outbox' ? 'Boîte d’envoi locale' : 'Serveur SMTP'}, selon le journal : ${stateLine(summary.state, done)}`);
        if (summary.transport === 'outbox' && !summary.dryRun) out.line(c.yellow('Aucun message n’a quitté cet ordinateur : ils sont dans out/outbox/ (RELAIS_SMTP_URL pour envoyer vraiment ; cette répétition ne compte pas comme un envoi).'));
        for (const w of summary.warnings) out.line(c.yellow(`! ${w}`));
        for (const f of summary.failures.slice(0, SHOWN)) out.line(c.red(`✖ ${f.commune} ${f.recipient} : ${f.reply}`));
        if (summary.failures.length > SHOWN) out.line(c.red(`  … et ${plural(summary.failures.length - SHOWN, 'autre')} (tous : relais status --failed)`));
        if (summary.unconfirmedList.length) {
          out.line(c.yellow(`Remise inconnue (non renvoyés sans --resend-unconfirmed) :`));
          for (const u of summary.unconfirmedList.slice(0, SHOWN)) out.line(`  ${u.commune} ${u.recipient}`);
          if (summary.unconfirmedList.length > SHOWN) out.line(`  … et ${plural(summary.unconfirmedList.length - SHOWN, 'autre')} (tous : relais status --failed)`);
        }
        if (summary.state.failed || summary.state.unconfirmed) out.line(c.yellow('Échecs et remises inconnues, avec leur raison : relais status --failed'));
        if (summary.interrupted) out.line(c.yellow('Interrompu : relancez la même commande pour continuer, rien ne sera envoyé deux fois.'));
        if (summary.outage) out.note(c.red(`relais : ${summary.outage.message}`));
        if (summary.stopped) out.note(c.red(`relais : ${summary.stopped}`));
      } finally {
        interrupt.release();
      }
    });
}
