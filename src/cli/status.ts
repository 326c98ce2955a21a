import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { campaignKey, requireCampaign } from '../campaign/load.js';
import { toCsv } from '../data/csv-write.js';
import { Journal, JOURNAL_FILE, STATUSES, type Status } from '../delivery/journal.js';
import { CHANNEL } from '../delivery/send.js';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import { contextOf } from './context.js';

const LABELS: Record<Status, string> = {
  pending: 'en attente',
  sending: 'en cours',
  sent: 'envoyé',
  'failed-temporary': 'échec temporaire',
  'failed-permanent': 'échec définitif',
  unconfirmed: 'non confirmé',
};

export function registerStatus(program: Command, fail: (code: number) => void): void {
  program
    .command('status')
    .description('où en est la campagne : courriels par département et par état, lettres écrites')
    .option('--failed', 'liste les envois en échec ou non confirmés, avec la raison')
    .option('--csv <fichier>', 'avec --failed : exporte cette liste en CSV')
    .action(async (opts: { failed?: boolean; csv?: string }, command: Command) => {
      const ctx = contextOf(command, fail);
      if (opts.csv && !opts.failed) throw new UsageError('--csv va avec --failed');
      const campaign = await requireCampaign(ctx.campaignDir);
      const key = campaignKey(campaign);
      const hasJournal = existsSync(join(campaign.dir, JOURNAL_FILE));
      const journal = hasJournal ? Journal.open(campaign.dir, key) : undefined;
      try {
        const counts = journal?.counts(CHANNEL) ?? [];
        const failed = journal?.rows(CHANNEL, ['failed-temporary', 'failed-permanent', 'unconfirmed']) ?? [];
        const departements = campaign.departements.map((d) => {
          const dir = join(campaign.dir, 'out', 'lettres', d.code);
          const files = existsSync(dir) ? readdirSync(dir) : [];
          const courriels = Object.fromEntries(STATUSES.map((s) => [s, counts.find((c) => c.departement === d.code && c.status === s)?.n ?? 0]));
          return { code: d.code, nom: d.nom, courriels, lettres: files.filter((f) => /^\d[\dAB]\d{3}-.*\.pdf$/.test(f)).length, impression: files.some((f) => f.startsWith('impression-')) };
        });
        if (opts.csv) {
          await writeFileAtomic(resolve(process.cwd(), opts.csv), toCsv(['commune', 'departement', 'destinataire', 'statut', 'tentatives', 'raison', 'mis_a_jour'], failed.map((r) => [r.commune, r.departement, r.recipient, r.status, r.attempts, r.last_reply, r.updated_at])));
        }
        if (ctx.out.json) {
          ctx.out.document({ campagne: key, journal: hasJournal ? JOURNAL_FILE : null, departements, echecs: opts.failed ? failed : undefined });
          return;
        }
        const { out } = ctx;
        if (!hasJournal) out.line('Aucun envoi encore : le journal sera créé par « relais send ».');
        for (const d of departements) {
          const parts = STATUSES.filter((s) => d.courriels[s]).map((s) => `${d.courriels[s]} ${LABELS[s]}`);
          out.line(`${out.colors.bold(`${d.code} ${d.nom}`)} — lettres : ${d.lettres}${d.impression ? ' (+ fichier à imprimer)' : ''} ; courriels : ${parts.join(', ') || 'aucun'}`);
        }
        if (opts.failed) {
          out.line();
          for (const r of failed) out.line(`${r.commune} ${r.recipient} — ${LABELS[r.status]} (${r.attempts} tentative(s)) : ${r.last_reply ?? ''}`);
          if (!failed.length) out.line('Aucun échec.');
          if (opts.csv) out.line(`Liste écrite dans ${opts.csv}`);
        }
      } finally {
        journal?.close();
      }
    });
}
