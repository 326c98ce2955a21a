import { resolve } from 'node:path';
import type { Command } from 'commander';
import { requireCampaign } from '../campaign/load.js';
import { communeReference } from '../data/cog.js';
import { toCsv } from '../data/csv-write.js';
import { RelaisError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import { checkOutputTarget } from '../campaign/output-target.js';
import { track } from '../tracker/figures.js';
import { htmlReport, producedOn } from '../tracker/html.js';
import { campaignZone } from '../data/zones.js';
import { parseDay } from '../tracker/cells.js';
import { isoOf, type Figures } from '../tracker/aggregate.js';
import { contextOf } from './context.js';
import type { Output } from './output.js';
import { countOf, frenchNumber, frenchPercent } from '../text/format.js';
import { printProblems } from './report.js';

const BY = ['departement', 'jour', 'categorie', 'metier'] as const;
const FORMATS = ['table', 'csv', 'json', 'html'] as const;

function dateOption(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const day = parseDay(value);
  if (day === undefined) throw new UsageError(`${name} « ${value} » : date attendue (AAAA-MM-JJ ou JJ/MM/AAAA)`);
  return isoOf(day);
}

function rowsOf(f: Figures, by: (typeof BY)[number]): { header: string[]; rows: Array<Array<string | number>> } {
  switch (by) {
    case 'departement':
      return { header: ['code', 'departement', 'inscrits', 'part'], rows: f.departements.map((d) => [d.code, d.nom, d.total, (d.part * 100).toFixed(1)]) };
    case 'jour':
      return { header: ['date', 'inscrits', 'cumul'], rows: f.jours.map((j) => [j.date, j.inscrits, j.cumul]) };
    case 'categorie':
      return { header: ['categorie', 'inscrits'], rows: Object.entries(f.categories) };
    case 'metier':
      return { header: ['metier', 'inscrits'], rows: Object.entries(f.metiers) };
  }
}

/** The table for a terminal (with `colors`) or for a text file (plain). */
function tableLines(f: Figures, by: (typeof BY)[number], colors: Pick<Output['colors'], 'blue' | 'bold'>): string[] {
  const fmt = (n: number) => frenchNumber(n);
  if (by === 'departement') {
    const max = Math.max(1, ...f.departements.map((d) => d.total));
    return [
      ...f.departements.map((d) => `${d.code.padEnd(3)} ${d.nom.padEnd(20)} ${fmt(d.total).padStart(7)}  ${frenchPercent(d.part).padStart(7)}  ${colors.blue('█'.repeat(Math.round((d.total / max) * 30)))}`),
      colors.bold(`    ${'Total région'.padEnd(20)} ${fmt(f.total).padStart(7)}`),
      '',
      ...Object.entries(f.categories).map(([c, n]) => `    ${c.padEnd(20)} ${fmt(n).padStart(7)}`),
    ];
  }
  if (by === 'jour') return f.jours.map((j) => `${j.date}  ${fmt(j.inscrits).padStart(6)}  cumul ${fmt(j.cumul).padStart(7)}`);
  return Object.entries(by === 'categorie' ? f.categories : f.metiers).map(([k, n]) => `${k.padEnd(32)} ${fmt(n).padStart(7)}`);
}

const plain = { blue: String, bold: String };

export function registerTrack(program: Command, fail: (code: number) => void): void {
  program
    .command('track')
    .description('additionne les volontaires inscrits par département, par jour, par catégorie')
    .argument('[fichiers...]', 'exports des inscriptions (par défaut : ceux de campagne.yaml)')
    .option('--by <axe>', `regroupement : ${BY.join(', ')}`, 'departement')
    .option('--from <date>', 'à partir de cette date (incluse)')
    .option('--to <date>', "jusqu'à cette date (incluse)")
    .option('--format <format>', `${FORMATS.join(', ')}`)
    .option('--out <fichier>', 'écrit le résultat dans ce fichier')
    .action(async (files: string[], opts: { by: string; from?: string; to?: string; format?: string; out?: string }, command: Command) => {
      const ctx = contextOf(command, fail);
      if (!(BY as readonly string[]).includes(opts.by)) throw new UsageError(`--by « ${opts.by} » : ${BY.join(', ')}`);
      const by = opts.by as (typeof BY)[number];
      const format = opts.format ?? (ctx.out.json ? 'json' : opts.out?.endsWith('.html') ? 'html' : opts.out?.endsWith('.csv') ? 'csv' : 'table');
      if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format « ${format} » : ${FORMATS.join(', ')}`);
      const from = dateOption(opts.from, '--from');
      const to = dateOption(opts.to, '--to');
      if (from && to && from > to) throw new UsageError(`--from ${from.split('-').reverse().join('/')} est après --to ${to.split('-').reverse().join('/')} : la période serait vide`);
      const campaign = await requireCampaign(ctx.campaignDir);
      const inputs = files.map((f) => resolve(process.cwd(), f));
      // Before reading: the figures must not replace the exports they are computed from.
      if (opts.out) checkOutputTarget(campaign, resolve(process.cwd(), opts.out), opts.out, 'le résultat', `out/volontaires.${format === 'table' ? 'txt' : format}`, inputs);
      const tracked = await track(campaign, communeReference(), { files: inputs, ...(from ? { from } : {}), ...(to ? { to } : {}), now: new Date() });
      if (!tracked) throw new RelaisError('aucun export d’inscriptions : donnez un fichier, ou déclarez « inscriptions: » sous « sources: » dans campagne.yaml', { file: 'campagne.yaml', field: 'sources.inscriptions' });
      const { figures: f, read } = tracked;
      if (read.problems.hasErrors()) ctx.fail(1);
      const document = { total: f.total, departements: f.departements.map((d) => ({ code: d.code, nom: d.nom, total: d.total })), categories: f.categories, metiers: f.metiers, jours: f.jours, doublons: read.doublons, rejetes: read.rejetes, horsRegion: f.horsRegion, exclus: f.exclus, conflits: read.conflits, date: f.date };
      let output: string | undefined;
      if (format === 'json') output = `${JSON.stringify(document, null, 2)}\n`;
      else if (format === 'csv') {
        const { header, rows } = rowsOf(f, by);
        output = toCsv(header, rows);
      } else if (format === 'html') {
        output = htmlReport(f, { titre: campaign.config.campagne.titre, region: campaign.region?.nom ?? '', doublons: read.doublons, rejetes: read.rejetes, genere: producedOn(new Date(), campaignZone(campaign)) });
      } else if (opts.out) {
        // A file with any other name gets the table as plain text.
        output = `${tableLines(f, by, plain).join('\n')}\n`;
      }
      if (opts.out) await writeFileAtomic(resolve(process.cwd(), opts.out), output ?? '');
      const { out } = ctx;
      if (ctx.out.json) out.document(opts.out ? { ...document, fichier: opts.out } : document);
      else if (output && !opts.out) process.stdout.write(output);
      else {
        if (!opts.out) for (const line of tableLines(f, by, out.colors)) out.line(line);
        else out.line(`Écrit : ${opts.out}`);
      }
      const notes = read.problems.items.filter((p) => p.severity !== 'info' || p.kind === 'inscription-conflit');
      if (notes.length) {
        printProblems(out.toStderr(), 'Lignes à vérifier', notes, out.colors.yellow);
      }
      out.note(
        `${countOf(f.total, 'volontaire')} dans la région ; ${countOf(read.doublons, 'doublon retiré', 'doublons retirés')}, ${countOf(read.rejetes, 'ligne rejetée', 'lignes rejetées')}, ${frenchNumber(f.horsRegion)} hors région, ${countOf(f.exclus, 'désinscription non comptée', 'désinscriptions non comptées')}, ${countOf(read.conflits, 'changement')} de département.`,
      );
    });
}
