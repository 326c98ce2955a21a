import { existsSync } from 'node:fs';
import { relative, sep } from 'node:path';
import type { ReadyCampaign } from '../campaign/check.js';
import { campaignPaths } from '../campaign/paths.js';
import type { Command } from 'commander';
import { ready as readyCampaign } from './campaign.js';
import { renderDepartementMessages, writeDepartementMessages } from '../campaign/posts.js';
import { EMPTY_STATE, reachedByPost, sendCampaign, stillToSend, type SendPlan } from '../delivery/send.js';
import { smtpSettingsFrom, transportFor } from '../delivery/transport.js';
import { RelaisError, UsageError } from '../errors.js';
import { generateLetters, type LettersResult, type PrintFile } from '../letters/generate.js';
import { printFileJson, printFileLines } from './letters.js';
import { lastPrinted } from '../letters/manifest.js';
import { frenchDate, frenchNumber } from '../text/format.js';
import { contextOf } from './context.js';
import { interruption } from './interrupt.js';
import { collectDeps } from './list-option.js';
import { progressReporter } from './progress.js';
import { plural } from './report.js';
import { askToSend, stateLine } from './send.js';
import type { BounceReport } from '../bounces/process.js';
import { campaignKey } from '../campaign/load.js';
import { publishDue, type RunResult } from '../delivery/schedule.js';
import { heldLine, openScheduler, queueCampaignPublications, withdrawnLine } from '../delivery/schedule-io.js';
import { checkSocialSettings, type SocialEnvironment } from '../delivery/social.js';
import { postsOk } from '../delivery/outcome.js';
import { heldBack, heldRehearsalLine, outageMessage, runProblems, type HeldPost } from './schedule-run.js';

/**
 * `relais run`: the whole campaign in order — check (stop on errors), sign-up figures, letters,
 * messages, emails, social posts — then one summary per département. Every step is the same use case as its own
 * command, so a re-run continues where the last one stopped and sends nothing twice.
 */
export function registerRun(program: Command, fail: (code: number) => void): void {
  program
    .command('run')
    .description('déroule toute la campagne : vérification, volontaires, lettres, messages, courriels, publications')
    .option('--dep <codes>', 'départements (répétable, ou séparés par des virgules)', collectDeps)
    .option('--yes', 'envoie sans demander de confirmation (obligatoire sans terminal avec un serveur SMTP)')
    .option('--publish-late', 'publie aussi sur les réseaux les messages prévus il y a plus de 24 h')
    .action(async (opts: { dep?: string[]; yes?: boolean; publishLate?: boolean }, command: Command) => {
      const ctx = contextOf(command, fail);
      const { out } = ctx;
      const deps = opts.dep ?? [];
      const smtp = smtpSettingsFrom(ctx.settings.smtp, ctx.env);
      // The mailbox side (imapflow, mailparser and their character sets: 3 MB of the bundle, more than
      // the rest of the run) loads only when a mailbox is configured.
      const mailbox = ctx.settings.imap.url ? await import('../bounces/imap.js') : undefined;
      const imap = mailbox?.imapSettingsFrom(ctx.settings.imap, ctx.env);
      checkSocialSettings({ settings: ctx.settings, variables: ctx.env });
      if (smtp && !opts.yes && !process.stdin.isTTY) throw new UsageError('envoi par un serveur SMTP sans terminal pour confirmer : relancez avec --yes');
      // With a bounce mailbox, reading it is one more step, right after the check: the town halls
      // whose email bounced must be in the print file written next.
      const total = imap ? 7 : 6;
      let n = 0;
      const step = (text: string) => out.note(out.colors.bold(`${++n}/${total} ${text}`));

      // Ctrl-C: the step under way stops cleanly (between two letters, two emails) and the run ends.
      const interrupt = interruption();
      const { signal } = interrupt;
      try {
        step('Vérification de la campagne');
        const ready = await readyCampaign(ctx.campaignDir, deps);
        missingPostMedia(ready.campaign, { settings: ctx.settings, variables: ctx.env });
        const rel = (p: string) => relative(ready.campaign.dir, p) || '.';
        out.note(`   ${plural(ready.report.recipients, 'commune')}, ${plural(ready.report.totals.errors, 'erreur')}, ${plural(ready.report.totals.warnings, 'avertissement')}`);

        let bounces: BounceReport | undefined;
        let bouncesView: typeof import('./bounces.js') | undefined;
        if (imap && mailbox) {
          step('Retours de courriels (boîte IMAP)');
          const [{ readBouncesInto }, view] = await Promise.all([import('../bounces/process.js'), import('./bounces.js')]);
          bouncesView = view;
          bounces = await readBouncesInto(ready.campaign.dir, campaignKey(ready.campaign), mailbox.imapSource(imap));
          view.printBounces(out.toStderr(), bounces, '   ');
        }

        step('Volontaires inscrits');
        const volunteers = ready.figures;
        out.note(volunteers ? `   ${volunteers.region.toLocaleString('fr-FR')} dans la région au ${frenchDate(volunteers.date)}` : '   aucun export d’inscriptions : le chiffre de campagne.yaml est utilisé');

        step('Lettres');
        const lettersProgress = progressReporter(out, '   Lettres');
        // The print files as they were: a town hall of them that gets the email now is said.
        const printed = await lastPrinted(ready.plan);
        const passes: LettersResult[] = [];
        let letters = await generateLetters(ready, { departements: deps, signal, workers: ctx.settings.workers, onProgress: (d, t, print) => lettersProgress.update(d, t, print && { label: 'dans les fichiers à imprimer', ...print }) }).finally(() => lettersProgress.stop());
        passes.push(letters);
        out.note(`   ${plural(letters.written.length, 'écrite')}, ${plural(letters.unchanged.length, 'inchangée')}`);

        step('Messages pour les réseaux et les SMS');
        const messages = renderDepartementMessages(ready, deps);
        const messageFiles = await writeDepartementMessages(ready, messages);
        out.note(`   ${plural(messageFiles.length, 'fichier')} dans out/messages/`);

        step('Courriels aux mairies');
        const transport = transportFor(ready.campaign.dir, smtp);
        const sendProgress = progressReporter(out, '   Courriels');
        const sent = await sendCampaign(ready, transport, {
          workers: ctx.settings.workers,
          departements: deps,
          ...(smtp && !opts.yes ? { confirm: (plan: SendPlan) => askToSend(out, plan) } : {}),
          onProgress: (d, t) => sendProgress.update(d, t),
          signal,
          printed,
        }).finally(() => sendProgress.stop());
        if (signal.aborted) {
          const done = sent.transport === 'outbox' ? 'écrit' : 'envoyé';
          // What went before the interruption, and what the journal says is left, as send says it.
          throw new RelaisError(`interrompu pendant les courriels : ${plural(sent.sent, done)} par cette exécution ; selon le journal : ${stateLine(sent.state, done).replace('relancez « relais send »', 'relancez « relais run »')}. Relancez « relais run » pour continuer, rien ne sera envoyé deux fois`);
        }
        // A dead server stops the run here, its message saying what went and what is left.
        if (sent.outage) throw new RelaisError(sent.outage.message.replace('relancez la même commande', 'relancez « relais run »'));
        if (sent.stopped) throw new RelaisError(sent.stopped.replace('relancez « relais send »', 'relancez « relais run »'));
        // An address the server refused for good during this send goes by post: the print files,
        // written before the send, are brought up to date (the letters themselves are unchanged).
        const refused = sent.failures.filter((f) => f.status === 'failed-permanent').length;
        if (refused) {
          letters = await generateLetters(ready, { departements: deps, signal, workers: ctx.settings.workers });
          passes.push(letters);
          out.note(`   ${plural(refused, 'adresse refusée', 'adresses refusées')} pour de bon par le serveur : ${refused > 1 ? 'ces mairies rejoignent' : 'cette mairie rejoint'} le fichier à imprimer`);
        }
        const done = sent.transport === 'outbox' ? 'écrit' : 'envoyé';
        // By post, as the table counts them: refusals of this very send included, letters already
        // posted too (the print files hold only those left to post).
        const selected = ready.plan.recipients.filter((p) => !deps.length || deps.includes(p.recipient.departement.code));
        const byPost = reachedByPost(selected.length, selected.filter((p) => p.to !== null).length, sent.state);
        out.note(`   ${plural(sent.sent, done)}, ${plural(sent.alreadySent, `déjà ${done}`, `déjà ${done}s`)}, ${plural(sent.failed, 'échec')}, ${frenchNumber(byPost)} par courrier — ${sent.destination}`);
        // What send says beside its figures (a town hall that got another version, bounces turned
        // to post…): its advice names the command that has the option, run has none.
        for (const w of sent.warnings) out.note(out.colors.yellow(`   ! ${w}`));

        step('Publications sur les réseaux');
        const { journal, store, media, pubs } = openScheduler(ready.campaign, { settings: ctx.settings, variables: ctx.env });
        let published: RunResult;
        let heldPosts: HeldPost[] = [];
        let queued: number;
        let onNetworks: number;
        try {
          store.recoverInterrupted();
          const changes = await queueCampaignPublications(ready, store, new Date(), media);
          for (const w of changes.withdrawn) out.note(withdrawnLine(w));
          for (const h of changes.held) out.note(heldLine(h));
          // Interrupted during a media upload, the post goes back in the queue (nothing published yet).
          published = await publishDue(store, pubs, { now: () => new Date(), retryBaseMs: ctx.settings.retryMs, signal, allowLate: Boolean(opts.publishLate) });
          // The due posts a stopped network left untried, named as schedule run names them.
          heldPosts = heldBack(store, published, new Date());
          const all = store.list();
          queued = all.filter((p) => p.status === 'queued').length;
          // The campaign's figure, from the journal, like the emails': earlier runs' posts included.
          onNetworks = all.filter((p) => p.status === 'published').length;
        } finally {
          journal.close();
        }
        const posts = {
          publiees: published.published.length,
          publieesEnTout: onNetworks,
          prevues: queued,
          refusees: published.failed.length,
          reportees: published.deferred.length,
          // What makes ok false besides refusals: said in the document, not only by the exit code.
          enRetard: published.late.length,
          nonConfirmees: published.unconfirmed.length,
          identifiantsRefuses: [...new Set(published.authErrors)],
          panne: published.outage ? outageMessage(published, queued) : null,
          // The due posts a stopped network left untried (heldBack), each with its number and why.
          retenues: heldPosts.map((p) => ({ id: p.id, reseau: p.channel, raison: p.reason })),
        };
        const rehearsed = published.rehearsed.length;
        out.note(`   ${plural(posts.publiees, 'publiée')}, ${plural(posts.prevues, 'prévue')}${rehearsed ? ` (${plural(rehearsed, 'répétée')} dans out/publications/ : ${rehearsed > 1 ? 'elles restent prévues pour leur réseau' : 'elle reste prévue pour son réseau'})` : Object.values(pubs).some((p) => p.outbox) ? ' — sans compte configuré, dans out/publications/' : ''}`);
        const held = heldRehearsalLine(published, 'relais run', false);
        if (held) out.note(out.colors.yellow(`   ${held}`));
        for (const line of runProblems(out, published, 'relais run', heldPosts)) out.note(`   ${line}`);
        if (published.outage) out.note(out.colors.red(`   ✖ ${outageMessage(published, queued).replace('relancez « relais schedule run »', 'relancez « relais run »')}`));
        // One notion of failure for ok, the exit code and the table (see emailsOk, postsOk).
        const ok = sent.ok && postsOk(published);
        if (!ok) ctx.fail(1);

        const rows = ready.campaign.departements
          .filter((d) => !deps.length || deps.includes(d.code))
          .map((d) => {
            const mine = ready.plan.recipients.filter((p) => p.recipient.departement.code === d.code);
            // The journal's figures for this destination, never a difference of other figures.
            const state = sent.state.byDepartement[d.code] ?? EMPTY_STATE;
            // Reached by post whether their letter waits in the print file or is already posted, as status counts them.
            const byPost = reachedByPost(mine.length, mine.filter((p) => p.to !== null).length, state);
            return {
              code: d.code,
              nom: d.nom,
              communes: mine.length,
              lettres: mine.length,
              courriels: { envoyes: state.sent, echecs: state.failed, nonConfirmes: state.unconfirmed, retours: state.bounced, aEnvoyer: stillToSend(state), parCourrier: byPost },
              impression: letters.print.find((p) => p.dep === d.code)?.letters ?? 0,
              volontaires: volunteers?.departement?.[d.code] ?? null,
            };
          });
        // Said as the user types them: relative, with forward slashes, a folder ending in one.
        const folder = (p: string) => `${rel(p).split(sep).join('/')}/`;
        const { paths } = ready.plan;
        const files = {
          lettres: folder(paths.letters),
          impression: letters.print.map((p) => rel(p.path)),
          messages: folder(paths.messages),
          courriels: sent.transport === 'outbox' ? folder(paths.outbox) : sent.destination,
          publications: folder(paths.publications),
          journal: rel(paths.journal).split(sep).join('/'),
        };
        // The print files this run gave a new version or removed, told as letters tells them.
        const news = newPrintVersions(passes);
        if (out.json) {
          const impression = { nouvellesVersions: news.print.map((p) => printFileJson(p, rel)), supprimes: news.removedPrint.map(rel) };
          out.document({ ok, volontaires: volunteers?.region ?? null, departements: rows, ...(bounces && bouncesView ? { retours: bouncesView.bouncesDocument(bounces) } : {}), envoi: sent, publications: posts, impression, fichiers: files });
          return;
        }
        out.line();
        out.line(out.colors.bold(`Dép.  Communes  Lettres  Courriels ${sent.transport === 'outbox' ? 'écrits' : 'envoyés'}  Échecs  Non confirmés  Par courrier  Volontaires`));
        const n = (v: number | null) => (v === null ? '—' : frenchNumber(v));
        const tableLine = (label: string, r: Pick<(typeof rows)[number], 'communes' | 'lettres' | 'courriels' | 'volontaires'>) =>
          out.line(`${label.padEnd(6)}${n(r.communes).padStart(8)}${n(r.lettres).padStart(9)}${n(r.courriels.envoyes).padStart(sent.transport === 'outbox' ? 18 : 19)}${n(r.courriels.echecs).padStart(8)}${n(r.courriels.nonConfirmes).padStart(15)}${n(r.courriels.parCourrier).padStart(14)}${n(r.volontaires).padStart(13)}`);
        for (const r of rows) tableLine(r.code, r);
        // A région's préfecture reads its total first: said under the départements when there are several.
        if (rows.length > 1) {
          const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((t, r) => t + f(r), 0);
          const known = rows.filter((r) => r.volontaires !== null);
          tableLine('Total', {
            communes: sum((r) => r.communes),
            lettres: sum((r) => r.lettres),
            courriels: { envoyes: sum((r) => r.courriels.envoyes), echecs: sum((r) => r.courriels.echecs), nonConfirmes: sum((r) => r.courriels.nonConfirmes), retours: 0, aEnvoyer: 0, parCourrier: sum((r) => r.courriels.parCourrier) },
            volontaires: known.length === rows.length ? known.reduce((t, r) => t + r.volontaires!, 0) : null,
          });
        }
        out.line();
        out.line(`Lettres : ${files.lettres} ; à imprimer : ${files.impression.join(', ') || 'aucune'}`);
        // A new version is news for the mail room (it may hold the previous one): said, with what joined it.
        for (const line of printFileLines(out, news, rel, 'written')) out.line(line);
        out.line(`Messages : ${files.messages} ; courriels : ${files.courriels} ; journal : ${files.journal}`);
        out.line(`Publications : ${plural(posts.publieesEnTout, 'publiée')} sur les réseaux${posts.publiees ? ` (dont ${frenchNumber(posts.publiees)} par cette exécution)` : ''}, ${plural(posts.prevues, 'prévue')} (relais schedule list)`);
        if (sent.state.failed || sent.state.unconfirmed) out.line(out.colors.yellow('Courriels en échec ou à remise inconnue, avec leur raison : relais status --failed'));
        if (sent.transport === 'outbox') out.line(out.colors.yellow('Aucun courriel n’a quitté cet ordinateur (RELAIS_SMTP_URL pour envoyer vraiment ; cette répétition ne compte pas comme un envoi).'));
      } finally {
        interrupt.release();
      }
    });
}

/**
 * The media of the posts already queued (schedule add, import) are checked with the campaign: a file
 * deleted since would otherwise be found missing at publishing, after the emails went out.
 */
function missingPostMedia(campaign: ReadyCampaign['campaign'], env: SocialEnvironment): void {
  if (!existsSync(campaignPaths(campaign.dir).journal)) return;
  const { journal, store, media } = openScheduler(campaign, env);
  try {
    const missing = store
      .list()
      .filter((p) => p.status === 'queued')
      .flatMap((p) => media.of(p.id).filter((m) => !existsSync(m.path)).map((m) => `publication n° ${p.id} (${p.channel}, ${p.local_time}) : média « ${m.name} » introuvable (${m.path})`));
    if (missing.length) {
      throw new RelaisError(`${missing.length > 1 ? `${frenchNumber(missing.length)} médias de publications prévues manquent` : 'un média d’une publication prévue manque'} :\n  ${missing.join('\n  ')}\nRemettez le fichier à sa place ou annulez la publication (relais schedule cancel N) ; rien n'a été envoyé.`);
    }
  } finally {
    journal.close();
  }
}

/**
 * The print files a run rewrote (a new version) or removed, over its passes: the letters before
 * the send, and again after it when the server refused addresses for good. A version written by
 * the first pass and found unchanged by the second is still this run's news; the last one written
 * of each file is told, and a file is told removed only when the last pass left it so.
 */
export function newPrintVersions(passes: LettersResult[]): Pick<LettersResult, 'print' | 'removedPrint' | 'departed'> {
  const last = passes.at(-1);
  const gone = new Set(last?.removedPrint ?? []);
  const present = new Set((last?.print ?? []).map((p) => p.path));
  const written = new Map<string, PrintFile>();
  for (const pass of passes) for (const p of pass.print) if (p.written && !gone.has(p.path)) written.set(p.path, p);
  // What a pass removed for a département campagne.yaml no longer names (the first pass does it).
  const departed = passes.flatMap((p) => p.departed ?? []);
  return { print: [...written.values()], removedPrint: [...new Set(passes.flatMap((p) => p.removedPrint))].filter((p) => !present.has(p)), departed };
}
