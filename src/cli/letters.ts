import { relative } from 'node:path';
import type { Command } from 'commander';
import { ready as readyCampaign } from './campaign.js';
import { normalizeInsee } from '../data/cog.js';
import { generateLetters } from '../letters/generate.js';
import { contextOf } from './context.js';
import { interruption } from './interrupt.js';
import { withSelection } from './list-option.js';
import { progressReporter } from './progress.js';
import { plural, printFileAccounts } from './report.js';
import type { PrintChange } from '../letters/generate.js';
import { frenchDateTime, namedList } from '../text/format.js';
import { joinedLine, recordPosted } from '../letters/posted.js';
import { askYesNo } from './confirm.js';
import { UsageError } from '../errors.js';

/** Letters to print named on the terminal; the whole list is in a file beside the print file. */
const SHOWN_PATHS = 10;

export function registerLetters(program: Command, fail: (code: number) => void): void {
  withSelection(program.command('letters'))
    .description('écrit une lettre PDF par commune et, par département, le fichier à imprimer des mairies sans courriel')
    .option('--all', 'le fichier à imprimer contient toutes les communes, pas seulement celles sans courriel')
    .option('--force', 'réécrit toutes les lettres, même celles qui n’ont pas changé')
    .option('--posted', 'note comme postées les lettres du dernier fichier à imprimer (de chaque département, ou de --dep) : elles ne seront plus imprimées, et ces mairies ne recevront pas de courriel')
    .option('--previous', 'avec --posted : c’est la version précédente du fichier à imprimer qui a été postée ; les lettres ajoutées depuis restent à imprimer')
    .option('--yes', 'avec --posted : confirme que les lettres ajoutées au fichier depuis sa version précédente ont été postées aussi (obligatoire sans terminal)')
    .action(async (opts: { dep?: string[]; commune?: string[]; all?: boolean; force?: boolean; posted?: boolean; previous?: boolean; yes?: boolean }, command: Command) => {
      const ctx = contextOf(command, fail);
      const deps = opts.dep ?? [];
      if (opts.posted && (opts.commune?.length || opts.all)) throw new UsageError('--posted note les lettres des derniers fichiers à imprimer : il va seul, ou avec --dep');
      if (!opts.posted && (opts.previous || opts.yes)) throw new UsageError(`${opts.previous ? '--previous' : '--yes'} va avec --posted`);
      if (opts.previous && opts.yes) throw new UsageError('--previous et --yes : choisissez la version postée, la précédente (--previous) ou la dernière (--yes)');
      const ready = await readyCampaign(ctx.campaignDir, deps);
      // Recorded before the print files are written again: what was posted is the file on disk.
      const posted = opts.posted
        ? await recordPosted(ready, deps, {
            previous: Boolean(opts.previous),
            // Letters that joined the file after the version the mail room may have printed: noted
            // posted on the user's word only (asked on a terminal, --yes otherwise).
            confirm: async (joined) => {
              if (opts.yes) return true;
              if (ctx.out.json || !process.stdin.isTTY || !process.stderr.isTTY) return false;
              for (const j of joined) process.stderr.write(`${ctx.out.colors.yellow(`! ${joinedLine(j)}`)}\n`);
              const one = joined.reduce((n, j) => n + j.communes.length, 0) === 1;
              return askYesNo(one ? 'Cette lettre ajoutée a-t-elle été imprimée et postée avec les autres ?' : 'Ces lettres ajoutées ont-elles été imprimées et postées avec les autres ?');
            },
          })
        : undefined;
      const progress = progressReporter(ctx.out, 'Lettres');
      const started = Date.now();
      const interrupt = interruption();
      const result = await generateLetters(ready, {
        workers: ctx.settings.workers,
        signal: interrupt.signal,
        departements: deps,
        communes: (opts.commune ?? []).map(normalizeInsee),
        all: Boolean(opts.all),
        force: Boolean(opts.force),
        onProgress: (d, t, print) => progress.update(d, t, print && { label: 'dans les fichiers à imprimer', ...print }),
      }).finally(() => {
        progress.stop();
        interrupt.release();
      });
      const seconds = (Date.now() - started) / 1000;
      const rel = (p: string) => relative(ready.campaign.dir, p);
      if (ctx.out.json) {
        ctx.out.document({
          ok: true,
          lettres: result.written.map(rel),
          inchangees: result.unchanged.map(rel),
          impression: result.print.map((p) => ({ departement: p.dep, fichier: rel(p.path), lettres: p.letters, retours: p.bounced, pages: p.pages, ecrit: p.written, depuis: p.changes ? { date: p.changes.since || null, lettres: p.changes.letters, ajoutees: p.changes.added.map((c) => ({ code: c.code, nom: c.nom, fichier: rel(c.path) })), retirees: p.changes.removed.map((c) => ({ code: c.code, nom: c.nom })), liste: p.changes.list ? rel(p.changes.list) : null } : null })),
          supprimes: result.removedPrint.map(rel),
          postees: posted ? { nouvelles: posted.added, fichiers: posted.files.map((f) => ({ departement: f.dep, version: f.version, date: f.date || null, lettres: f.letters, ajouteesDepuis: f.joined ? { date: f.joined.since || null, lettres: f.joined.sinceLetters, communes: f.joined.communes } : null })) } : null,
          // What the data files gave, as check says it: lines read = used + set aside + rejected.
          fichiers: ready.report.fichiers,
          secondes: Number(seconds.toFixed(2)),
        });
        return;
      }
      const { out } = ctx;
      printFileAccounts(out, ready.report.fichiers, [...ready.report.warnings, ...ready.report.errors]);
      if (posted) {
        for (const f of posted.files) {
          out.line(`Département ${f.dep} : ${plural(f.letters, 'lettre notée postée', 'lettres notées postées')} (${f.version === 'precedente' ? 'version précédente du fichier à imprimer' : 'fichier à imprimer'}${f.date ? ` du ${frenchDateTime(f.date)}` : ''})`);
          const j = f.joined;
          if (!j) continue;
          const names = namedList(j.communes.map((c) => `${c.nom} ${c.code}`));
          // Named either way: confirmed posted, or left in the print file to be printed.
          if (f.version === 'precedente') out.line(out.colors.yellow(`  ${plural(j.communes.length, 'lettre ajoutée', 'lettres ajoutées')} depuis cette version ${j.communes.length > 1 ? 'restent' : 'reste'} à imprimer et à poster : ${names}`));
          else out.line(out.colors.yellow(`  dont ${plural(j.communes.length, 'lettre ajoutée', 'lettres ajoutées')} depuis sa version ${j.since ? `du ${frenchDateTime(j.since)}` : 'précédente'} (${plural(j.sinceLetters, 'lettre')}), ${j.communes.length > 1 ? 'confirmées postées' : 'confirmée postée'} : ${names}`));
        }
        out.line(`${plural(posted.added, 'nouvelle', 'nouvelles')} au journal : ${posted.added > 1 ? 'ces mairies ne recevront' : 'cette mairie ne recevra'} ni une seconde lettre ni de courriel.`);
      }
      out.line(`${plural(result.written.length, 'lettre écrite', 'lettres écrites')}${result.unchanged.length ? `, ${plural(result.unchanged.length, 'inchangée', 'inchangées')} (--force pour tout réécrire)` : ''} en ${seconds.toFixed(1).replace('.', ',')}\u00a0s, dans out/lettres/`);
      for (const p of result.removedPrint) out.line(`  ${rel(p)} supprimé : plus aucune lettre à poster dans ce département`);
      for (const p of result.print) {
        out.line(`  ${rel(p.path)} : ${plural(p.letters, 'lettre')} à imprimer${p.bounced ? ` (dont ${plural(p.bounced, 'courriel revenu', 'courriels revenus')} en erreur)` : ''}, ${plural(p.pages, 'page')}${p.written ? '' : ' (inchangé)'}`);
        if (p.changes) {
          const { since, letters, added, removed } = p.changes;
          const names = (list: PrintChange[]) => namedList(list.map((c) => `${c.nom} ${c.code}`));
          const when = since ? `du ${frenchDateTime(since)}` : 'précédente';
          const what = [added.length ? `${plural(added.length, 'lettre ajoutée', 'lettres ajoutées')} (${names(added)})` : '', removed.length ? `${plural(removed.length, 'retirée', 'retirées')} (${names(removed)})` : ''].filter(Boolean).join(', ');
          // The earlier version may be in the post: reprinting everything would post the others twice.
          out.line(out.colors.yellow(`    depuis la version ${when} (${plural(letters, 'lettre')}) : ${what}${added.length ? ` ; si elle est déjà postée, n'imprimez que ${added.length > 1 ? 'leurs lettres' : 'sa lettre'} : ${added.slice(0, SHOWN_PATHS).map((c) => rel(c.path)).join(', ')}${added.length > SHOWN_PATHS ? ` et ${plural(added.length - SHOWN_PATHS, 'autre')}` : ''}` : ''}`));
          // The mail room needs every one of them, not ten: the whole list is in a file beside the print file.
          if (p.changes.list) out.line(out.colors.yellow(`    liste complète des lettres ajoutées : ${rel(p.changes.list)}`));
        }
      }
    });
}
