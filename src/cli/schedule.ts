import { resolve } from 'node:path';
import type { Command } from 'commander';
import { readyCampaign } from '../campaign/check.js';
import { requireCampaign } from '../campaign/load.js';
import { RelaisError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import type { Post, PostStore } from '../delivery/posts-store.js';
import { DEFAULT_TZ, planPost, publishDue, retryBaseMs, type RunResult } from '../delivery/schedule.js';
import { exportPosts, importPosts, networkOf, openScheduler, queueCampaignPublications, templateText } from '../delivery/schedule-io.js';
import { pause } from '../delivery/grace.js';
import { checkZone } from '../delivery/time.js';
import { contextOf, type Context } from './context.js';
import { interruption } from './interrupt.js';

const LABELS: Record<Post['status'], string> = { queued: 'prévu', publishing: 'en cours', published: 'publié', failed: 'refusé', unconfirmed: 'non confirmé', cancelled: 'annulé' };

function printRun(ctx: Context, r: RunResult): void {
  const { out } = ctx;
  for (const p of r.published) out.line(`✔ n° ${p.id} ${p.channel} : ${p.outbox ? 'écrit dans out/publications/ (aucun compte configuré)' : `publié ${p.url ?? p.remoteId}`}`);
  for (const p of r.failed) out.line(out.colors.red(`✖ n° ${p.id} ${p.channel} : ${p.reason}`));
  for (const p of r.deferred) out.line(out.colors.yellow(`… n° ${p.id} ${p.channel} : ${p.reason}${p.until ? `, nouvel essai après ${p.until}` : ''}`));
  for (const p of r.unconfirmed) out.line(out.colors.yellow(`? n° ${p.id} ${p.channel} : ${p.reason} — vérifiez sur le réseau ; « relais schedule list » le garde en « non confirmé »`));
  for (const m of new Set(r.authErrors)) out.line(out.colors.red(`✖ ${m}`));
  if (!r.published.length && !r.failed.length && !r.deferred.length && !r.unconfirmed.length) out.line('Rien à publier pour l’instant.');
}

export async function runSchedule(ctx: Context, options: { watch: boolean }): Promise<RunResult> {
  const ready = await readyCampaign(ctx.campaignDir);
  const { journal, store, pubs } = openScheduler(ready.campaign, process.env);
  const total: RunResult = { published: [], failed: [], deferred: [], unconfirmed: [], authErrors: [] };
  const interrupt = interruption();
  const { signal } = interrupt;
  try {
    const interrupted = store.recoverInterrupted();
    if (interrupted) ctx.out.note(`${interrupted} publication(s) interrompue(s) en cours de route : marquée(s) non confirmée(s)`);
    queueCampaignPublications(ready, store, new Date());
    for (;;) {
      const r = await publishDue(store, pubs, { now: () => new Date(), retryBaseMs: retryBaseMs(process.env), signal });
      for (const k of Object.keys(total) as Array<keyof RunResult>) (total[k] as unknown[]).push(...(r[k] as unknown[]));
      if (!ctx.out.json) printRun(ctx, r);
      if (!options.watch || signal.aborted || r.authErrors.length) break;
      // Sleep until the next post is due, waking up regularly (and at once on Ctrl-C).
      const next = store.nextDue();
      const wait = Math.min(30_000, Math.max(200, (next?.getTime() ?? Date.now() + 30_000) - Date.now()));
      await pause(wait, signal);
      if (signal.aborted) break;
    }
  } finally {
    interrupt.release();
    journal.close();
  }
  if (total.failed.length || total.authErrors.length || total.unconfirmed.length) ctx.fail(1);
  return total;
}

/** Opens the campaign's post store for one command and always closes it. */
async function withStore<T>(ctx: Context, use: (store: PostStore) => Promise<T> | T): Promise<T> {
  const campaign = await requireCampaign(ctx.campaignDir);
  const { journal, store } = openScheduler(campaign, process.env);
  try {
    return await use(store);
  } finally {
    journal.close();
  }
}

export function registerSchedule(program: Command, fail: (code: number) => void): void {
  const schedule = program
    .command('schedule')
    .usage('[options] <commande>')
    .description('programme et publie les messages sur X, Facebook et LinkedIn')
    .helpCommand('help [commande]', "affiche l'aide d'une commande");

  schedule
    .command('add')
    .description('programme une publication')
    .requiredOption('--channel <canal>', 'twitter (ou x), facebook, linkedin')
    .requiredOption('--at <date>', '« AAAA-MM-JJ HH:MM » (heure locale), un instant ISO 8601 avec décalage, ou « now »')
    .option('--tz <fuseau>', `fuseau horaire de --at (par défaut ${DEFAULT_TZ})`)
    .option('--template <nom>', 'le modèle du canal (twitter, facebook, linkedin)')
    .option('--text <texte>', 'le texte à publier')
    .option('--dep <code>', 'département dont le modèle est rendu (par défaut le premier)')
    .action(async (opts: { channel: string; at: string; tz?: string; template?: string; text?: string; dep?: string }, command: Command) => {
      const ctx = contextOf(command, fail);
      if (Boolean(opts.template) === Boolean(opts.text)) throw new UsageError('donnez soit --template, soit --text');
      const channel = networkOf(opts.channel);
      const tz = checkZone(opts.tz ?? DEFAULT_TZ);
      const text = opts.template ? templateText(await readyCampaign(ctx.campaignDir), networkOf(opts.template, '--template'), opts.dep) : opts.text!;
      await withStore(ctx, (store) => {
        const planned = planPost(store, { channel, text, at: opts.at, tz, now: new Date() })!;
        if (ctx.out.json) return ctx.out.document({ ...planned.post, avertissements: planned.warnings });
        ctx.out.line(`Publication n° ${planned.post.id} prévue sur ${channel} le ${planned.post.local_time} (${tz}), soit ${planned.post.due_utc} UTC`);
        for (const w of planned.warnings) ctx.out.line(ctx.out.colors.yellow(`! ${w}`));
      });
    });

  schedule
    .command('list')
    .description('les publications prévues et leur sort')
    .action(async (_opts: unknown, command: Command) => {
      const ctx = contextOf(command, fail);
      await withStore(ctx, (store) => {
        const posts = store.list();
        if (ctx.out.json) return ctx.out.document(posts);
        if (!posts.length) return ctx.out.line('Aucune publication prévue.');
        for (const p of posts) {
          ctx.out.line(`n° ${p.id}  ${p.channel.padEnd(8)} ${p.local_time} ${p.tz}  ${LABELS[p.status].padEnd(12)} ${p.text.slice(0, 60).replace(/\s+/g, ' ')}${p.text.length > 60 ? '…' : ''}`);
          if (p.remote_url || p.remote_id) ctx.out.line(`       ${p.remote_url ?? p.remote_id}`);
          if (p.last_error && p.status !== 'published') ctx.out.line(ctx.out.colors.yellow(`       ${p.last_error}`));
          if (p.status === 'unconfirmed') ctx.out.line(ctx.out.colors.yellow('       vérifiez sur le réseau : s’il n’y est pas, reprogrammez-le (schedule add), sinon annulez-le (schedule cancel)'));
        }
      });
    });

  schedule
    .command('cancel')
    .description('annule une publication prévue')
    .argument('<id>', 'numéro de la publication')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const ctx = contextOf(command, fail);
      await withStore(ctx, (store) => {
        const post = /^\d+$/.test(id) ? store.get(Number(id)) : undefined;
        if (!post) throw new RelaisError(`aucune publication n° ${id} (« relais schedule list » les montre)`);
        if (post.status === 'published') throw new RelaisError(`la publication n° ${id} est déjà publiée : supprimez-la sur le réseau`);
        store.update(post.id, { status: 'cancelled' });
        if (ctx.out.json) return ctx.out.document({ ...store.get(post.id) });
        ctx.out.line(`Publication n° ${id} annulée.`);
      });
    });

  schedule
    .command('run')
    .description('publie ce qui est dû, une fois ; --watch continue et publie chaque message à son heure')
    .option('--watch', 'reste actif jusqu’à Ctrl-C')
    .action(async (opts: { watch?: boolean }, command: Command) => {
      const ctx = contextOf(command, fail);
      const result = await runSchedule(ctx, { watch: Boolean(opts.watch) });
      if (ctx.out.json) ctx.out.document(result);
    });

  schedule
    .command('import')
    .description('importe des publications depuis un CSV (id, canal, date, texte, statut)')
    .argument('<fichier>', 'fichier CSV')
    .action(async (file: string, _opts: unknown, command: Command) => {
      const ctx = contextOf(command, fail);
      await withStore(ctx, async (store) => {
        const n = await importPosts(store, resolve(process.cwd(), file), file, new Date());
        if (ctx.out.json) return ctx.out.document({ importees: n });
        ctx.out.line(`${n} publication(s) importée(s).`);
      });
    });

  schedule
    .command('export')
    .description('exporte les publications en CSV')
    .argument('<fichier>', 'fichier CSV à écrire')
    .action(async (file: string, _opts: unknown, command: Command) => {
      const ctx = contextOf(command, fail);
      await withStore(ctx, async (store) => {
        await writeFileAtomic(resolve(process.cwd(), file), exportPosts(store));
        if (ctx.out.json) return ctx.out.document({ fichier: file, publications: store.list().length });
        ctx.out.line(`${store.list().length} publication(s) exportée(s) dans ${file}`);
      });
    });

  for (const sub of schedule.commands) sub.helpOption('-h, --help', "affiche l'aide").exitOverride().configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  schedule.helpOption('-h, --help', "affiche l'aide");
}
