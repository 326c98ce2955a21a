import type { Command } from 'commander';
import { checkOptions } from './campaign.js';
import { checkCampaign, type CheckReport } from '../campaign/check.js';
import { contextOf } from './context.js';
import { collectDeps } from './list-option.js';
import type { Output } from './output.js';
import { plural, printFileAccounts, printProblems } from './report.js';
import { frenchNumber } from '../text/format.js';

export function registerCheck(program: Command, fail: (code: number) => void): void {
  program
    .command('check')
    .description('vérifie la campagne (configuration, maires, mairies) sans rien générer ni envoyer')
    .option('--dep <codes>', 'limite la vérification à ces départements (répétable, ou séparés par des virgules)', collectDeps)
    .action(async (opts: { dep?: string[] }, command: Command) => {
      const ctx = contextOf(command, fail);
      const spinner = ctx.out.spinner('Vérification de la campagne…');
      const { report } = await checkCampaign(ctx.campaignDir, checkOptions(opts.dep ?? [])).finally(() => spinner?.stop());
      if (!report.ok) ctx.fail(1);
      if (ctx.out.json) {
        ctx.out.document(report);
        return;
      }
      const { out } = ctx;
      out.hold();
      try {
        printReport(out, report);
      } finally {
        out.release();
      }
    });
}

function printReport(out: Output, report: CheckReport): void {
  const c = out.colors;
  out.line(`${c.bold('Campagne')} : ${report.titre ?? '(illisible)'} — ${report.campagne}`);
  if (report.departements.length > 0) {
    out.line(`${c.bold('Destinataires')} : ${plural(report.recipients, 'commune')}`);
    for (const d of report.departements) {
      out.line(`  ${d.code} ${d.nom} : ${plural(d.communes, 'commune')}, ${plural(d.maires, 'maire')}, ${frenchNumber(d.parCourriel)} par courriel, ${frenchNumber(d.parCourrier)} par courrier`);
    }
  }
  printFileAccounts(out, report.fichiers);
  if (report.horsCampagne > 0) {
    // RNE and flat-list rows by `hors_campagne: ignorer`; directory records always (a national export is normal).
    out.line(c.dim(`${plural(report.horsCampagne, 'ligne')} ou fiche${report.horsCampagne > 1 ? 's' : ''} de communes hors des départements de la campagne ${report.horsCampagne > 1 ? 'écartées' : 'écartée'}`));
  }
  out.line();
  printProblems(out, 'Erreurs', report.errors, c.red);
  printProblems(out, 'Avertissements', report.warnings, c.yellow);
  if (report.ok) {
    const { warnings } = report.totals;
    out.line(c.green(`✔ Aucune erreur${warnings ? ` (${plural(warnings, 'avertissement')})` : ''} : la campagne est prête.`));
  } else {
    const { errors } = report.totals;
    out.line(c.red(`✖ ${plural(errors, 'erreur')} : ${errors > 1 ? 'corrigez-les' : 'corrigez-la'} avant de générer ou d'envoyer quoi que ce soit.`));
  }
}
