import { basename, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { requireCampaign } from '../campaign/load.js';
import { communeReference } from '../data/cog.js';
import { toCsv } from '../data/csv-write.js';
import { RelaisError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import { checkOutputTarget } from '../campaign/output-target.js';
import { track } from '../tracker/figures.js';
import { htmlReport, periodWords, producedOn, type SignupPeriodDays } from '../tracker/html.js';
import { campaignZone } from '../data/zones.js';
import { parseDay } from '../tracker/cells.js';
import { isoOf, type Figures } from '../tracker/aggregate.js';
import { contextOf } from './context.js';
import type { Output } from './output.js';
import { countOf, frenchDay, frenchNumber, frenchPercent, plural } from '../text/format.js';
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
function tableLines(f: Figures, by: (typeof BY)[number], colors: Pick<Output['colors'], 'blue' | 'bold'>, period?: string): string[] {
  // A period's figures are never shown as the région's total: the period heads the table.
  if (period) return [`Inscriptions ${period}`, '', ...tableBody(f, by, colors, 'Total de la période')];
  return tableBody(f, by, colors, 'Total région');
}

function tableBody(f: Figures, by: (typeof BY)[number], colors: Pick<Output['colors'], 'blue' | 'bold'>, totalLabel: string): string[] {
  const fmt = (n: number) => frenchNumber(n);
  if (by === 'departement') {
    const max = Math.max(1, ...f.departements.map((d) => d.total));
    return [
      ...f.departements.map((d) => `${d.code.padEnd(3)} ${d.nom.padEnd(20)} ${fmt(d.total).padStart(7)}  ${frenchPercent(d.part).padStart(7)}  ${colors.blue('█'.repeat(Math.round((d.total / max) * 30)))}`),
      colors.bold(`    ${totalLabel.padEnd(20)} ${fmt(f.total).padStart(7)}`),
      '',
      ...Object.entries(f.categories).map(([c, n]) => `    ${c.padEnd(20)} ${fmt(n).padStart(7)}`),
    ];
  }
  if (by === 'jour') return f.jours.map((j) => `${j.date}  ${fmt(j.inscrits).padStart(6)}  cumul ${fmt(j.cumul).padStart(7)}`);
  return Object.entries(by === 'categorie' ? f.categories : f.metiers).map(([k, n]) => `${k.padEnd(32)} ${fmt(n).padStart(7)}`);
}

const plain = { blue: String, bold: String };

/** The format a file named for --out gets, by its extension. */
const BY_EXTENSION: Record<string, (typeof FORMATS)[number]> = { '.json': 'json', '.csv': 'csv', '.html': 'html', '.htm': 'html', '.txt': 'table' };
const EXTENSIONS = '.json (json), .csv (csv), .html (html), .txt (tableau en texte)';

/**
 * The format of `--out`: from its extension when --format is not given; an extension relais cannot
 * write (.xlsx, .pdf), or one that says another format than --format, is refused before anything
 * is read or written. A name without an extension gets --format, or the table as text.
 */
function outFormat(out: string, format: string | undefined): (typeof FORMATS)[number] | undefined {
  const ext = extname(basename(out.replace(/\\/g, '/'))).toLowerCase();
  if (!/^\.[a-z0-9]+$/.test(ext)) return undefined;
  const byName = BY_EXTENSION[ext];
  if (!byName) throw new UsageError(`--out « ${out} » : relais n’écrit pas de fichier ${ext} ; extensions possibles : ${EXTENSIONS} ; rien n’a été écrit`);
  if (format !== undefined && format !== byName) {
    throw new UsageError(`--format ${format} et --out « ${out} » se contredisent : un fichier ${ext} reçoit le format ${byName} ; changez l’un ou l’autre (extensions possibles : ${EXTENSIONS}) ; rien n’a été écrit`);
  }
  return byName;
}

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
      if (opts.format !== undefined && !(FORMATS as readonly string[]).includes(opts.format)) throw new UsageError(`--format « ${opts.format} » : ${FORMATS.join(', ')}`);
      const format = opts.format ?? (opts.out ? outFormat(opts.out, undefined) : undefined) ?? (ctx.out.json ? 'json' : 'table');
      if (opts.out && opts.format !== undefined) outFormat(opts.out, opts.format);
      const from = dateOption(opts.from, '--from');
      const to = dateOption(opts.to, '--to');
      if (from && to && from > to) throw new UsageError(`--from ${frenchDay(from)} est après --to ${frenchDay(to)} : la période serait vide`);
      const campaign = await requireCampaign(ctx.campaignDir);
      const inputs = files.map((f) => resolve(process.cwd(), f));
      // Before reading: the figures must not replace the exports they are computed from.
      if (opts.out) checkOutputTarget(campaign, resolve(process.cwd(), opts.out), opts.out, 'le résultat', `out/volontaires.${format === 'table' ? 'txt' : format}`, inputs);
      const tracked = await track(campaign, communeReference(), { files: inputs, ...(from ? { from } : {}), ...(to ? { to } : {}), now: new Date() });
      if (!tracked) throw new RelaisError('aucun export d’inscriptions : donnez un fichier, ou déclarez « inscriptions: » sous « sources: » dans campagne.yaml', { file: 'campagne.yaml', field: 'sources.inscriptions' });
      const { figures: f, read } = tracked;
      if (read.problems.hasErrors()) ctx.fail(1);
      const periode: SignupPeriodDays | undefined = from || to ? { ...(from ? { du: from } : {}), ...(to ? { au: to } : {}) } : undefined;
      const period = periodWords(periode, f.date);
      const document = { periode: periode ? { du: periode.du ?? null, au: periode.au ?? null } : null, total: f.total, departements: f.departements.map((d) => ({ code: d.code, nom: d.nom, total: d.total })), categories: f.categories, metiers: f.metiers, jours: f.jours, doublons: read.doublons, rejetes: read.rejetes, horsRegion: f.horsRegion, exclus: f.exclus, horsPeriode: f.horsPeriode, conflits: read.conflits, date: f.date, fichiers: read.fichiers };
      let output: string | undefined;
      if (format === 'json') output = `${JSON.stringify(document, null, 2)}\n`;
      else if (format === 'csv') {
        const { header, rows } = rowsOf(f, by);
        // With a period, each row says the days its figures cover (two columns at the end).
        output = periode ? toCsv([...header, 'du', 'au'], rows.map((r) => [...r, periode.du ?? '', periode.au ?? ''])) : toCsv(header, rows);
      } else if (format === 'html') {
        output = htmlReport(f, { titre: campaign.config.campagne.titre, region: campaign.region?.nom ?? '', doublons: read.doublons, rejetes: read.rejetes, genere: producedOn(new Date(), campaignZone(campaign)), ...(periode ? { periode } : {}) });
      } else if (opts.out) {
        // A file with any other name gets the table as plain text.
        output = `${tableLines(f, by, plain, period).join('\n')}\n`;
      }
      if (opts.out) await writeFileAtomic(resolve(process.cwd(), opts.out), output ?? '');
      const { out } = ctx;
      if (ctx.out.json) out.document(opts.out ? { ...document, fichier: opts.out } : document);
      else if (output && !opts.out) process.stdout.write(output);
      else {
        if (!opts.out) for (const line of tableLines(f, by, out.colors, period)) out.line(line);
        else out.line(`Écrit : ${opts.out}`);
      }
      const notes = read.problems.items.filter((p) => p.severity !== 'info' || p.kind === 'inscription-conflit');
      if (notes.length) {
        printProblems(out.toStderr(), 'Lignes à vérifier', notes, out.colors.yellow);
      }
      // With a period, the rows outside it are said too: the line still adds up to the rows read.
      const inPeriod = period ? `, ${plural(f.total, 'inscrit', 'inscrits')} ${period}` : '';
      const outsidePeriod = period ? `, ${countOf(f.horsPeriode, 'inscription hors de la période (--from/--to)', 'inscriptions hors de la période (--from/--to)')}` : '';
      out.note(
        `${countOf(f.total, 'volontaire')} dans la région${inPeriod} ; ${countOf(read.doublons, 'doublon retiré', 'doublons retirés')}, ${countOf(read.rejetes, 'ligne rejetée', 'lignes rejetées')}, ${frenchNumber(f.horsRegion)} hors région, ${countOf(f.exclus, 'désinscription non comptée', 'désinscriptions non comptées')}${outsidePeriod}, ${countOf(read.conflits, 'changement')} de département.`,
      );
    });
}
