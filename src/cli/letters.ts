import { relative } from 'node:path';
import type { Command } from 'commander';
import { ready as readyCampaign } from './campaign.js';
import { normalizeInsee } from '../data/cog.js';
import { generateLetters } from '../letters/generate.js';
import { contextOf } from './context.js';
import { interruption } from './interrupt.js';
import { withSelection } from './list-option.js';
import { progressReporter } from './progress.js';
import { plural } from './report.js';

export function registerLetters(program: Command, fail: (code: number) => void): void {
  withSelection(program.command('letters'))
    .description('écrit une lettre PDF par commune et, par département, le fichier à imprimer des mairies sans courriel')
    .option('--all', 'le fichier à imprimer contient toutes les communes, pas seulement celles sans courriel')
    .option('--force', 'réécrit toutes les lettres, même celles qui n’ont pas changé')
    .action(async (opts: { dep?: string[]; commune?: string[]; all?: boolean; force?: boolean }, command: Command) => {
      const ctx = contextOf(command, fail);
      const deps = opts.dep ?? [];
      const ready = await readyCampaign(ctx.campaignDir, deps);
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
        onProgress: (d, t) => progress.update(d, t),
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
          impression: result.print.map((p) => ({ departement: p.dep, fichier: rel(p.path), lettres: p.letters, retours: p.bounced, pages: p.pages, ecrit: p.written, ajouts: p.additions ? { fichier: rel(p.additions.path), lettres: p.additions.letters, pages: p.additions.pages } : null })),
          secondes: Number(seconds.toFixed(2)),
        });
        return;
      }
      const { out } = ctx;
      out.line(`${plural(result.written.length, 'lettre écrite', 'lettres écrites')}${result.unchanged.length ? `, ${plural(result.unchanged.length, 'inchangée', 'inchangées')} (--force pour tout réécrire)` : ''} en ${seconds.toFixed(1).replace('.', ',')}\u00a0s, dans out/lettres/`);
      for (const p of result.print) {
        out.line(`  ${rel(p.path)} : ${plural(p.letters, 'lettre')} à imprimer${p.bounced ? ` (dont ${plural(p.bounced, 'courriel revenu', 'courriels revenus')} en erreur)` : ''}, ${plural(p.pages, 'page')}${p.written ? '' : ' (inchangé)'}`);
        if (p.additions) {
          out.line(out.colors.yellow(`    dont ${plural(p.additions.letters, "lettre qui n'était", "lettres qui n'étaient")} dans aucun fichier à imprimer précédent : ${rel(p.additions.path)} (${plural(p.additions.pages, 'page')}) ; si le précédent est déjà posté, n'imprimez que ${p.additions.letters > 1 ? 'celles-ci' : 'celle-ci'}`));
        }
      }
    });
}
