import { existsSync, readdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { campaignPaths, isPrintFile, JOURNAL_FILE, LETTER_FILE } from '../campaign/paths.js';
import type { Command } from 'commander';
import { campaignKey, requireCampaign } from '../campaign/load.js';
import { toCsv } from '../data/csv-write.js';
import { Journal, STATUSES, type Destination, type Row, type Status } from '../delivery/journal.js';
import { RunLock } from '../delivery/lock.js';
import { CHANNEL, deliveryState, EMPTY_STATE, reachedByPost, stillToSend } from '../delivery/state.js';
import type { ReadyCampaign } from '../campaign/check.js';
import { countOf, frenchNumber } from '../text/format.js';
import { ready as readyCampaign } from './campaign.js';
import { RelaisError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import { checkOutputTarget } from '../campaign/output-target.js';
import { contextOf } from './context.js';
import { plural } from './report.js';
import { departedOnDisk } from '../letters/departed.js';
import { readManifest } from '../letters/manifest.js';

/** Singular and plural, said of emails (masculine). */
const LABELS: Record<Status, [string, string]> = {
  pending: ['en attente', 'en attente'],
  sending: ['en cours', 'en cours'],
  sent: ['envoyé', 'envoyés'],
  'failed-temporary': ['échec temporaire', 'échecs temporaires'],
  'failed-permanent': ['échec définitif', 'échecs définitifs'],
  unconfirmed: ['non confirmé', 'non confirmés'],
  bounced: ['revenu en erreur (par courrier)', 'revenus en erreur (par courrier)'],
};
/** In the outbox nothing is sent: a copy is written. */
const OUTBOX_LABELS: Partial<Record<Status, [string, string]>> = { sent: ['écrit', 'écrits'] };

const label = (s: Status, n: number, destination: Destination) => {
  const [one, many] = (destination === 'outbox' ? OUTBOX_LABELS[s] : undefined) ?? LABELS[s];
  return `${n.toLocaleString('fr-FR')} ${n > 1 ? many : one}`;
};

const WHERE: Record<Destination, string> = { server: 'serveur SMTP', outbox: 'boîte d’envoi locale (répétition)' };

export function registerStatus(program: Command, fail: (code: number) => void): void {
  program
    .command('status')
    .description('où en est la campagne : courriels par département, par destination et par état, lettres écrites')
    .option('--failed', 'liste les envois en échec ou non confirmés, avec la raison')
    .option('--csv <fichier>', 'avec --failed : exporte cette liste en CSV')
    .action(async (opts: { failed?: boolean; csv?: string }, command: Command) => {
      const ctx = contextOf(command, fail);
      if (opts.csv && !opts.failed) throw new UsageError('--csv va avec --failed');
      // The plan says which town halls are written to and which go by post: every one accounted
      // for, not only those the journal already holds. A campaign that no longer checks still
      // shows its journal (the campaign read alone then, its errors said if it cannot be).
      let plan: ReadyCampaign['plan'] | undefined;
      let campaign: ReadyCampaign['campaign'];
      try {
        ({ plan, campaign } = await readyCampaign(ctx.campaignDir));
      } catch (err) {
        if (!(err instanceof RelaisError)) throw err;
        campaign = await requireCampaign(ctx.campaignDir);
        ctx.out.note(`relais : la campagne ne passe plus la vérification (relais check) : seules les figures du journal sont données`);
      }
      const key = campaignKey(campaign);
      const paths = campaignPaths(campaign.dir);
      const hasJournal = existsSync(paths.journal);
      // Read only: a colleague's folder, or a copy, that cannot be written to shows its journal all the same.
      const journal = hasJournal ? Journal.open(campaign.dir, key, undefined, { readOnly: true }) : undefined;
      try {
        // A message left « en cours » by a send that is gone (killed: no live lock) is not being
        // sent: said as the next send records it — to a server, its fate unknown (non confirmé);
        // to the outbox, to write again. The journal itself is left to that send.
        const live = journal !== undefined && RunLock.holder(campaign.dir, 'send') !== undefined;
        const settled = (status: Status, destination: Destination): Status => (live || status !== 'sending' ? status : destination === 'outbox' ? 'failed-temporary' : 'unconfirmed');
        const counts: ReturnType<Journal['counts']> = [];
        for (const c of journal?.counts(CHANNEL) ?? []) {
          const status = settled(c.status, c.destination);
          const same = counts.find((x) => x.departement === c.departement && x.destination === c.destination && x.status === status);
          if (same) same.n += c.n;
          else counts.push({ ...c, status });
        }
        const servers = journal?.servers(CHANNEL) ?? [];
        const failed = (journal?.rows(CHANNEL, ['failed-temporary', 'failed-permanent', 'unconfirmed', 'bounced', 'sending']) ?? []).flatMap((r): Row[] => {
          if (r.status !== 'sending') return [r];
          if (live) return [];
          const status = settled(r.status, r.destination);
          const why = r.destination === 'outbox' ? "interrompu pendant l'écriture dans la boîte d'envoi locale : sera écrit de nouveau" : "interrompu pendant l'envoi (l'exécution s'est arrêtée avant la réponse du serveur) : remise inconnue";
          return [{ ...r, status, last_reply: why }];
        });
        // Bounced town halls, with the reason, and the messages a server is still retrying.
        const bounced = failed.filter((r) => r.status === 'bounced');
        const delayed = journal?.delayed(CHANNEL) ?? [];
        const returned = (dep: string) => bounced.filter((r) => r.departement === dep).map((r) => ({ commune: r.commune, destinataire: r.recipient, code: r.bounce_status, raison: r.bounce_diagnostic ?? r.last_reply, le: r.bounced_at }));
        const late = (dep: string) => delayed.filter((r) => r.departement === dep).map((r) => ({ commune: r.commune, destinataire: r.recipient, raison: r.delay_diagnostic, le: r.delayed_at }));
        const byStatus = (dep: string, destination: Destination) => Object.fromEntries(STATUSES.map((s) => [s, counts.find((c) => c.departement === dep && c.destination === destination && c.status === s)?.n ?? 0])) as Record<Status, number>;
        const state = plan && journal ? deliveryState(plan.recipients, journal, 'server') : undefined;
        const departements = campaign.departements.map((d) => {
          const dir = paths.lettersOf(d.code);
          const files = existsSync(dir) ? readdirSync(dir) : [];
          // A copy in the outbox is a rehearsal: shown apart, never added to what a server accepted.
          const courriels = { serveur: byStatus(d.code, 'server'), boiteEnvoi: byStatus(d.code, 'outbox') };
          const mine = plan?.recipients.filter((p) => p.recipient.departement.code === d.code);
          const withEmail = mine?.filter((p) => p.to !== null).length ?? 0;
          const s = state?.byDepartement[d.code] ?? EMPTY_STATE;
          const byPost = mine ? reachedByPost(mine.length, withEmail, s) : 0;
          const mairies = mine
            ? {
                total: mine.length,
                // Each town hall once: by email, or by post.
                parCourriel: mine.length - byPost,
                // Not yet accepted by a server (a rehearsal in the outbox does not count), temporary
                // failures included: the next `relais send` tries them again.
                aEnvoyer: state ? stillToSend(s) : withEmail,
                parCourrier: byPost,
                // Of those by post, the letters noted posted (relais letters --posted): no longer to print.
                lettresPostees: s.lettersPosted,
              }
            : null;
          return { code: d.code, nom: d.nom, mairies, courriels, retours: returned(d.code), retards: late(d.code), lettres: files.filter((f) => LETTER_FILE.test(f)).length, impression: files.some(isPrintFile) };
        });
        const serveurs = servers.map((s) => ({ serveur: s.server, envoyes: s.n }));
        // Letters and print files written for a département campagne.yaml no longer names: not
        // counted above; named, for nobody to print them (the next `relais letters` removes them).
        const departed = departedOnDisk(paths.letters, campaign.departements.map((d) => d.code), await readManifest(paths.manifest));
        const relPath = (p: string) => relative(campaign.dir, p).split('\\').join('/');
        // Read in a spreadsheet by people: beside the journal's state (what scripts filter on),
        // the same in French, as the terminal says it.
        if (opts.csv) {
          checkOutputTarget(campaign, resolve(process.cwd(), opts.csv), opts.csv, 'la liste des échecs', 'out/echecs.csv');
          await writeFileAtomic(resolve(process.cwd(), opts.csv), toCsv(['commune', 'departement', 'destinataire', 'statut', 'etat', 'tentatives', 'raison', 'mis_a_jour', 'destination', 'serveur', 'code_retour'], failed.map((r) => [r.commune, r.departement, r.recipient, r.status, LABELS[r.status][0], r.attempts, r.last_reply, r.updated_at, r.destination, r.server, r.bounce_status])));
        }
        if (ctx.out.json) {
          ctx.out.document({
            campagne: key,
            journal: hasJournal ? JOURNAL_FILE : null,
            departements,
            departementsRetires: departed.map((d) => ({ departement: d.dep, lettres: d.letters, impression: d.print ? relPath(d.print) : null, impressionModifiee: d.kept ? relPath(d.kept) : null })),
            serveurs,
            echecs: opts.failed ? failed : undefined,
          });
          return;
        }
        const { out } = ctx;
        if (!hasJournal) out.line('Aucun envoi encore : le journal sera créé par « relais send ».');
        for (const d of departements) {
          const parts = (destination: Destination, byS: Record<Status, number>) => STATUSES.filter((s) => byS[s]).map((s) => label(s, byS[s], destination)).join(', ');
          const server = parts('server', d.courriels.serveur);
          const outbox = parts('outbox', d.courriels.boiteEnvoi);
          const m = d.mairies;
          const towns = m ? `${countOf(m.total, 'mairie')} : ${frenchNumber(m.parCourriel)} par courriel dont ${frenchNumber(m.aEnvoyer)} à envoyer, ${frenchNumber(m.parCourrier)} par courrier ; ` : '';
          // A print file is written for the letters left to post: none once every one is noted posted.
          const toPost = m ? m.parCourrier - m.lettresPostees : 0;
          const posted = m?.lettresPostees ? `${countOf(m.lettresPostees, 'lettre notée postée', 'lettres notées postées')}` : '';
          const print = d.impression ? '+ fichier à imprimer' : toPost > 0 ? 'fichier à imprimer pas encore écrit : relais letters' : '';
          const notes = [print, posted].filter(Boolean).join(' ; ');
          out.line(`${out.colors.bold(`${d.code} ${d.nom}`)} — ${towns}lettres : ${d.lettres}${notes ? ` (${notes})` : ''} ; courriels par ${WHERE.server} : ${server || 'aucun'}${outbox ? ` ; ${WHERE.outbox} : ${outbox}` : ''}`);
          for (const r of d.retours) out.line(`  ↩ ${r.commune} ${r.destinataire} : ${r.raison ?? 'retour'} — lettre par courrier`);
          for (const r of d.retards) out.line(`  … ${r.commune} ${r.destinataire} : remise retardée, le serveur réessaie (${r.raison ?? ''})`);
        }
        for (const d of departed) {
          const print = d.print ?? d.kept;
          const what = [d.letters ? plural(d.letters, 'lettre') : '', print ? `le fichier à imprimer ${relPath(print)}` : ''].filter(Boolean).join(' et ');
          out.line(out.colors.yellow(`! département ${d.dep}, qui n'est plus dans campagne.yaml : ${what} d'une exécution précédente, à ne pas imprimer ni poster ; ${d.kept && !d.letters ? 'ce fichier a été modifié depuis : déplacez-le ou supprimez-le vous-même' : `« relais letters » ${d.kept ? 'retire les lettres (le fichier à imprimer, modifié depuis, est à déplacer ou supprimer vous-même)' : 'les retire'}`}`));
        }
        if (serveurs.length) {
          out.line(`Acceptés par : ${serveurs.map((s) => `${s.serveur ?? 'un serveur non noté (journal d’une version précédente)'} (${s.envoyes.toLocaleString('fr-FR')})`).join(', ')}`);
        }
        if (opts.failed) {
          out.line();
          for (const r of failed) out.line(`${r.commune} ${r.recipient} — ${LABELS[r.status][0]}${r.destination === 'outbox' ? ' (boîte d’envoi locale)' : ''} (${r.attempts} ${r.attempts > 1 ? 'tentatives' : 'tentative'}) : ${r.last_reply ?? ''}`);
          if (!failed.length) out.line('Aucun échec.');
          if (opts.csv) out.line(`Liste écrite dans ${opts.csv}`);
        }
      } finally {
        journal?.close();
      }
    });
}
