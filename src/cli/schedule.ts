import { resolve } from 'node:path';
import type { Command } from 'commander';
import { normalizeDepartement } from '../data/cog.js';
import { ready as readyCampaign } from './campaign.js';
import { requireCampaign, type Campaign } from '../campaign/load.js';
import { RelaisError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import type { Post, PostStore } from '../delivery/posts-store.js';
import { DEFAULT_TZ, planPost } from '../delivery/schedule.js';
import { campaignZone } from '../data/zones.js';
import { exportPosts } from '../delivery/schedule-export.js';
import { checkOutputTarget } from '../campaign/output-target.js';
import { mediaOutsideCampaign, mediaRows, networkOf, openScheduler, templateText } from '../delivery/schedule-io.js';
import { importPostsDetailed } from '../delivery/schedule-import.js';
import type { MediaStore } from '../delivery/media-store.js';
import { commandLineMedia } from '../media/declared.js';
import { formatLabel } from '../media/probe.js';
import { size } from '../media/validate.js';
import { checkZone, formatLocal } from '../delivery/time.js';
import { frenchNumber, plural } from '../text/format.js';
import { contextOf, type Context } from './context.js';
import { runSchedule, tally, tallyLine } from './schedule-run.js';

const collect = (value: string, previous: string[]) => [...previous, value];

const LABELS: Record<Post['status'], string> = { queued: 'prévu', publishing: 'en cours', published: 'publié', failed: 'refusé', unconfirmed: 'non confirmé', cancelled: 'annulé' };

/** Where a post went, for people: the network account, or nothing yet. */
function where(p: Post): string {
  if (!p.destination) return '';
  if (p.destination === 'network') return ' sur le réseau';
  const [network, account] = p.destination.split(/:(.*)/s);
  return ` sur ${network}${account ? ` (${account})` : ''}`;
}

/** Opens the campaign's post store for one command and always closes it; `readOnly` for one that only reads it. */
async function withStore<T>(ctx: Context, use: (store: PostStore, campaign: Campaign, media: MediaStore) => Promise<T> | T, options: { readOnly?: boolean } = {}): Promise<T> {
  const campaign = await requireCampaign(ctx.campaignDir);
  const { journal, store, media } = openScheduler(campaign, { settings: ctx.settings, variables: ctx.env }, options);
  try {
    return await use(store, campaign, media);
  } finally {
    journal.close();
  }
}

/**
 * The network an option names: a wrong one is a mistake of the command line (exit 2, as preview
 * and count say of a wrong --channel), where a wrong `canal` in an imported file is the file's.
 */
function optionNetwork(value: string, option: '--channel' | '--template'): ReturnType<typeof networkOf> {
  // SMS are in the letters' annex, for the town halls to send: relais publishes on the networks only.
  if (/^sms$/i.test(value.trim())) throw new UsageError(`${option} ${value} : les SMS ne se programment pas : ils sont dans l’annexe des lettres, que les mairies envoient ; relais publie sur twitter (ou x), facebook et linkedin`);
  try {
    return networkOf(value, option);
  } catch (err) {
    if (!(err instanceof RelaisError)) throw err;
    throw new UsageError(`${option} ${value} : ${err.message}`);
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
    .option('--tz <fuseau>', `fuseau horaire de --at (par défaut celui de la région de la campagne : ${DEFAULT_TZ} en métropole)`)
    .option('--template <nom>', 'le modèle du canal (twitter, facebook, linkedin)')
    .option('--text <texte>', 'le texte à publier')
    .option('--dep <code>', 'département dont le modèle est rendu (obligatoire si le modèle diffère d’un département à l’autre)', normalizeDepartement)
    .option('--media <fichier>', 'vidéo MP4, image PNG/JPEG ou PDF joint à la publication (répétable)', collect, [])
    .option('--alt <texte>', 'texte alternatif du média, en français (un par --media, dans le même ordre)', collect, [])
    .action(async (opts: { channel: string; at: string; tz?: string; template?: string; text?: string; dep?: string; media: string[]; alt: string[] }, command: Command) => {
      const ctx = contextOf(command, fail);
      if (Boolean(opts.template) === Boolean(opts.text)) throw new UsageError('donnez soit --template, soit --text');
      const channel = optionNetwork(opts.channel, '--channel');
      if (opts.tz) checkZone(opts.tz);
      const text = opts.template ? templateText(await readyCampaign(ctx.campaignDir), optionNetwork(opts.template, '--template'), opts.dep) : opts.text!;
      await withStore(ctx, async (store, campaign, mediaStore) => {
        const tz = opts.tz ?? campaignZone(campaign);
        // Every medium is probed and checked for the network before the post is planned.
        const media = await commandLineMedia(campaign, opts.media, opts.alt, channel);
        const planned = store.transaction(() => {
          const p = planPost(store, { channel, text, at: opts.at, tz, now: new Date() })!;
          if (media.length) mediaStore.attach(p.post.id, mediaRows(media));
          return p;
        });
        planned.warnings.push(...mediaOutsideCampaign(media));
        if (ctx.out.json) return ctx.out.document({ ...planned.post, medias: mediaStore.of(planned.post.id), avertissements: planned.warnings });
        ctx.out.line(`Publication n° ${planned.post.id} prévue sur ${channel} le ${planned.post.local_time} (${tz}), soit ${planned.post.due_utc.slice(0, 16).replace('T', ' ')} UTC`);
        for (const m of media) ctx.out.line(`  avec ${m.shown} (${formatLabel(m.probe.format)}, ${size(m.probe.size)})`);
        for (const w of planned.warnings) ctx.out.line(ctx.out.colors.yellow(`! ${w}`));
      });
    });

  schedule
    .command('list')
    .description('les publications prévues et leur sort')
    .action(async (_opts: unknown, command: Command) => {
      const ctx = contextOf(command, fail);
      await withStore(ctx, (store, campaign, media) => {
        // A post left « en cours » by a run that is gone (killed) is not being published: shown as
        // the next run will record it (its fate unknown), the journal left to that run; a live
        // run's posts are « en cours ».
        const posts = store.listSettled();
        if (ctx.out.json) return ctx.out.document(posts.map((p) => ({ ...p, medias: media.of(p.id) })));
        if (!posts.length) {
          // The campaign's own posts enter the journal at the next run: say so, not "none".
          const declared = campaign.config.publications?.length ?? 0;
          if (declared) {
            return ctx.out.line(
              `Aucune publication dans le journal pour l’instant : ${declared > 1 ? `les ${frenchNumber(declared)} publications` : 'la publication'} de campagne.yaml ${declared > 1 ? 'seront mises' : 'sera mise'} en file au prochain « relais schedule run » (ou « relais run »).`,
            );
          }
          return ctx.out.line('Aucune publication prévue.');
        }
        ctx.out.line(tallyLine(tally(posts)));
        // Numbers right-aligned to the widest: n° 9 and n° 10 keep their columns in line.
        const idWidth = String(Math.max(...posts.map((p) => p.id))).length;
        const indent = ' '.repeat(idWidth + 5);
        for (const p of posts) {
          ctx.out.line(`n° ${String(p.id).padStart(idWidth)}  ${p.channel.padEnd(8)} ${p.local_time} ${p.tz}  ${LABELS[p.status].padEnd(12)} ${p.text.slice(0, 60).replace(/\s+/g, ' ')}${p.text.length > 60 ? '…' : ''}`);
          const attached = media.of(p.id);
          if (attached.length) ctx.out.line(`${indent}médias : ${attached.map((m) => `${m.name} (${m.kind === 'video' ? 'vidéo' : m.kind === 'image' ? 'image' : 'PDF'}, ${size(m.size)})`).join(', ')}`);
          if (p.status === 'published') ctx.out.line(`${indent}publié${where(p)} : ${p.remote_url ?? p.remote_id ?? ''}`);
          else if (p.destination && p.status !== 'queued') ctx.out.line(`${indent}tenté${where(p)}`);
          // The rehearsal is shown apart: a copy in the outbox is not a publication.
          // On the post's own clock, as its time above: one entry, one clock.
          if (p.outbox_at) ctx.out.line(`${indent}répétition : ${p.outbox_path ?? 'out/publications/'} (${formatLocal(new Date(p.outbox_at), p.tz)} ${p.tz})${p.status === 'queued' ? ' — pas encore publié sur le réseau' : ''}`);
          if (p.last_error && p.status !== 'published') ctx.out.line(ctx.out.colors.yellow(`       ${p.last_error}`));
          if (p.status === 'unconfirmed') ctx.out.line(ctx.out.colors.yellow('       vérifiez sur le réseau : s’il n’y est pas, reprogrammez-le (schedule add), sinon annulez-le (schedule cancel)'));
        }
      }, { readOnly: true });
    });

  schedule
    .command('cancel')
    .description('annule une publication prévue')
    .argument('<id>', 'numéro de la publication')
    .action(async (id: string, _opts: unknown, command: Command) => {
      const ctx = contextOf(command, fail);
      await withStore(ctx, (store) => {
        // A run that died publishing it is waited for no more: the post is unconfirmed (see list).
        store.recoverInterrupted();
        const post = /^\d+$/.test(id) ? store.get(Number(id)) : undefined;
        if (!post) throw new RelaisError(`aucune publication n° ${id} (« relais schedule list » les montre)`);
        if (post.status === 'cancelled') {
          if (ctx.out.json) return ctx.out.document({ ...post });
          return ctx.out.line(`Publication n° ${id} déjà annulée.`);
        }
        if (!store.cancel(post.id)) {
          const now = store.get(post.id)!;
          if (now.status === 'publishing') throw new RelaisError(`la publication n° ${id} est en cours de publication${where(now)} : attendez la fin de « relais schedule run », puis voyez « relais schedule list »`);
          throw new RelaisError(`la publication n° ${id} est déjà publiée${where(now)} : supprimez-la sur le réseau`);
        }
        if (ctx.out.json) return ctx.out.document({ ...store.get(post.id) });
        // A rehearsed post was never on a network: cancelling it is plain, its outbox copy stays as a record.
        ctx.out.line(`Publication n° ${id} annulée.${post.outbox_path ? ` Sa copie de répétition reste dans ${post.outbox_path}.` : ''}${post.status === 'unconfirmed' ? ` Son issue sur le réseau était inconnue (${post.last_error ?? 'non confirmée'}) : vérifiez qu’elle n’y est pas, sinon supprimez-la sur le réseau.` : ''}`);
      });
    });

  schedule
    .command('run')
    .description('publie ce qui est dû, une fois ; --watch continue et publie chaque message à son heure')
    .option('--watch', 'reste actif jusqu’à Ctrl-C')
    .option('--publish-late', 'publie aussi sur les réseaux les messages prévus il y a plus de 24 h (sinon ils attendent, ou une confirmation est demandée sur un terminal)')
    .action(async (opts: { watch?: boolean; publishLate?: boolean }, command: Command) => {
      const ctx = contextOf(command, fail);
      const result = await runSchedule(ctx, { watch: Boolean(opts.watch), publishLate: Boolean(opts.publishLate) });
      if (ctx.out.json) ctx.out.document(result);
    });

  schedule
    .command('import')
    .description('importe des publications depuis un CSV (id, canal, date, texte, statut, et media_1, texte_alternatif_1… pour leurs médias)')
    .argument('<fichier>', 'fichier CSV')
    .action(async (file: string, _opts: unknown, command: Command) => {
      const ctx = contextOf(command, fail);
      await withStore(ctx, async (store, campaign, media) => {
        const r = await importPostsDetailed(store, resolve(process.cwd(), file), file, new Date(), { campaign, store: media });
        if (ctx.out.json) return ctx.out.document({ lues: r.read, importees: r.imported, ecartees: r.setAside, avertissements: r.warnings });
        ctx.out.line(`${frenchNumber(r.read)} ${plural(r.read, 'ligne lue', 'lignes lues')} : ${frenchNumber(r.imported)} ${plural(r.imported, 'publication importée', 'publications importées')}, ${frenchNumber(r.setAside.length)} ${plural(r.setAside.length, 'écartée', 'écartées')}.`);
        for (const a of r.setAside) ctx.out.line(`  ${file}:${a.line}: ${a.reason}`);
        for (const w of r.warnings) ctx.out.line(ctx.out.colors.yellow(`! ${file}:${w.line}: ${w.message}`));
      });
    });

  schedule
    .command('export')
    .description('exporte les publications en CSV, avec leurs médias')
    .argument('<fichier>', 'fichier CSV à écrire')
    .action(async (file: string, _opts: unknown, command: Command) => {
      const ctx = contextOf(command, fail);
      await withStore(ctx, async (store, campaign, media) => {
        const target = resolve(process.cwd(), file);
        checkOutputTarget(campaign, target, file, "l'export", 'out/publications.csv');
        await writeFileAtomic(target, exportPosts(store, { campaign, store: media }));
        const count = store.list().length;
        if (ctx.out.json) return ctx.out.document({ fichier: file, publications: count });
        ctx.out.line(`${frenchNumber(count)} ${plural(count, 'publication exportée', 'publications exportées')} dans ${file}`);
      }, { readOnly: true });
    });

  for (const sub of schedule.commands) sub.helpOption('-h, --help', "affiche l'aide").exitOverride().configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  schedule.helpOption('-h, --help', "affiche l'aide");
}
