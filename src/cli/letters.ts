import { relative } from 'node:path';
import { type Command, Option } from 'commander';
import { ready as readyCampaign } from './campaign.js';
import { generateLetters } from '../letters/generate.js';
import { contextOf } from './context.js';
import { interruption } from './interrupt.js';
import { withSelection } from './list-option.js';
import { progressReporter } from './progress.js';
import { plural, printFileAccounts } from './report.js';
import type { LettersResult, PrintChange, PrintFile } from '../letters/generate.js';
import type { Output } from './output.js';
import { frenchDateTime, namedList } from '../text/format.js';
import { joinedLine, recordPosted, removedNames, rewrittenNames } from '../letters/posted.js';
import { versionName } from '../letters/print-changes.js';
import { askYesNo } from './confirm.js';
import { UsageError } from '../errors.js';

const versionJson = (v: { n: number; date: string }) => ({ numero: v.n, date: v.date || null });
const letterJson = (c: { code: string; nom: string; version: { n: number; date: string } }) => ({ code: c.code, nom: c.nom, version: c.version.n });

/** Letters to print named on the terminal; the whole list is in a file beside the print file. */
const SHOWN_PATHS = 10;

export function registerLetters(program: Command, fail: (code: number) => void): void {
  withSelection(program.command('letters'))
    .description('écrit une lettre PDF par commune et, par département, le fichier à imprimer des mairies sans courriel')
    .option('--all', 'le fichier à imprimer contient toutes les communes, pas seulement celles sans courriel')
    .option('--force', 'réécrit toutes les lettres, même celles qui n’ont pas changé')
    .option('--posted', 'note comme postées les lettres du dernier fichier à imprimer (de chaque département, ou de --dep) : elles ne seront plus imprimées, et ces mairies ne recevront pas de courriel')
    .option('--posted-version <n°>', 'avec --posted et --dep : c’est cette version du fichier à imprimer (son numéro, ou sa date, comme relais letters les liste) qui a été postée ; les lettres ajoutées après elle restent à imprimer')
    .option('--yes', 'avec --posted : confirme que la dernière version du fichier a été postée telle quelle, avec les lettres ajoutées ou réécrites après sa première version (depuis le dernier --posted), sans celles retirées depuis (obligatoire sans terminal)')
    // « la version précédente » could not be known for true once a file had three versions: gone, said so.
    .addOption(new Option('--previous').hideHelp())
    .action(async (opts: { dep?: string[]; commune?: string[]; all?: boolean; force?: boolean; posted?: boolean; postedVersion?: string; previous?: boolean; yes?: boolean }, command: Command) => {
      const ctx = contextOf(command, fail);
      const deps = opts.dep ?? [];
      if (opts.previous) throw new UsageError('--previous n’existe plus : nommez la version postée, « relais letters --posted --dep <département> --posted-version <n°> » (relais letters liste les versions de chaque fichier à imprimer, avec leur date)');
      if (opts.posted && (opts.commune?.length || opts.all)) throw new UsageError('--posted note les lettres des derniers fichiers à imprimer : il va seul, ou avec --dep');
      if (!opts.posted && (opts.postedVersion !== undefined || opts.yes)) throw new UsageError(`${opts.yes ? '--yes' : '--posted-version'} va avec --posted`);
      // An empty value (a script's unset variable) would be a prefix of every date: it names nothing.
      if (opts.postedVersion !== undefined && !opts.postedVersion.trim()) throw new UsageError('--posted-version est vide : nommez la version postée par son numéro (« --posted-version 2 ») ou sa date comme relais letters la montre ; rien n’est noté posté');
      if (opts.postedVersion !== undefined && opts.yes) throw new UsageError('--posted-version et --yes : la version nommée est celle notée postée, les lettres ajoutées après elle restent à imprimer ; --yes confirme la dernière version');
      const ready = await readyCampaign(ctx.campaignDir, deps);
      // Recorded before the print files are written again: what was posted is the file on disk.
      const posted = opts.posted
        ? await recordPosted(ready, deps, {
            ...(opts.postedVersion !== undefined ? { version: opts.postedVersion } : {}),
            // Letters that joined the file after the version the mail room may have printed: noted
            // posted on the user's word only (asked on a terminal, --yes otherwise).
            confirm: async (joined) => {
              if (opts.yes) return true;
              if (ctx.out.json || !process.stdin.isTTY || !process.stderr.isTTY) return false;
              for (const j of joined) process.stderr.write(`${ctx.out.colors.yellow(`! ${joinedLine(j)}`)}\n`);
              const one = joined.reduce((n, j) => n + j.communes.length + j.rewritten.length, 0) === 1;
              if (!joined.some((j) => j.communes.length || j.rewritten.length)) return askYesNo('La dernière version, sans les lettres retirées, est-elle celle qui a été imprimée et postée ?');
              return askYesNo(one ? 'Cette lettre, ajoutée ou réécrite, a-t-elle été imprimée et postée telle quelle avec les autres ?' : 'Ces lettres, ajoutées ou réécrites, ont-elles été imprimées et postées telles quelles avec les autres ?');
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
        // As typed: generateLetters repairs codes and names what is no recipient as it was given.
        communes: opts.commune ?? [],
        all: Boolean(opts.all),
        force: Boolean(opts.force),
        // A file just noted posted counts its versions again from the next one.
        ...(posted ? { restart: posted.files.map((f) => f.dep) } : {}),
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
          impression: result.print.map((p) => printFileJson(p, rel)),
          supprimes: result.removedPrint.map(rel),
          // Written for départements no longer in the campaign: removed (or a print file left, not relais's).
          departementsRetires: result.departed.map((d) => ({ departement: d.dep, lettresSupprimees: d.letters, impressionSupprimee: d.print ? rel(d.print) : null, impressionLaissee: d.kept ? rel(d.kept) : null })),
          postees: posted
            ? {
                nouvelles: posted.added,
                fichiers: posted.files.map((f) => ({
                  departement: f.dep,
                  version: f.version.n,
                  date: f.version.date || null,
                  derniere: f.latest.n,
                  lettres: f.letters,
                  // Confirmed posted with the rest; or left to print (joined after the version posted).
                  ajouteesApres: f.joined ? { version: f.joined.versions[0]!.n, date: f.joined.since || null, lettres: f.joined.sinceLetters, communes: f.joined.communes.map(letterJson), reecrites: f.joined.rewritten.map(letterJson), retireesNonNotees: f.joined.removed.map(letterJson) } : null,
                  restentAImprimer: f.left.map(letterJson),
                  // Of the version posted: left the file since (noted all the same), rewritten since.
                  retireesDepuis: f.removed.map(letterJson),
                  reecritesDepuis: f.rewritten.map(letterJson),
                })),
              }
            : null,
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
          out.line(`Département ${f.dep} : ${plural(f.letters, 'lettre notée postée', 'lettres notées postées')} (fichier à imprimer, version ${versionName(f.version)}${f.version.n === f.latest.n ? '' : ` ; la dernière est la n° ${f.latest.n}`})`);
          const names = (list: Array<{ code: string; nom: string; version: { n: number } }>) => namedList(list.map((c) => `${c.nom} ${c.code} (version n° ${c.version.n})`));
          // Named either way: confirmed posted, or left in the print file to be printed.
          if (f.left.length) out.line(out.colors.yellow(`  ${plural(f.left.length, 'lettre ajoutée', 'lettres ajoutées')} après cette version ${f.left.length > 1 ? 'restent' : 'reste'} à imprimer et à poster : ${names(f.left)}`));
          const j = f.joined;
          if (j?.communes.length) out.line(out.colors.yellow(`  dont ${plural(j.communes.length, 'lettre ajoutée', 'lettres ajoutées')} après sa version ${versionName(j.versions[0]!)} (${plural(j.sinceLetters, 'lettre')}), ${j.communes.length > 1 ? 'confirmées postées' : 'confirmée postée'} : ${names(j.communes)}`));
          if (j?.rewritten.length) out.line(out.colors.yellow(`  dont ${plural(j.rewritten.length, 'lettre réécrite', 'lettres réécrites')} depuis la version n° ${j.versions[0]!.n}, ${j.rewritten.length > 1 ? 'confirmées postées' : 'confirmée postée'} telle${j.rewritten.length > 1 ? 's' : ''} quelle${j.rewritten.length > 1 ? 's' : ''} : ${rewrittenNames(j.rewritten)}`));
          if (j?.removed.length) out.line(out.colors.yellow(`  ${plural(j.removed.length, 'lettre retirée', 'lettres retirées')} depuis la version n° ${j.versions[0]!.n}, pas dans la version postée : ${j.removed.length > 1 ? 'non notées postées' : 'non notée postée'} : ${removedNames(j.removed)}`));
          // Of the version posted: their town hall has that letter, whatever changed since.
          if (f.removed.length) out.line(out.colors.yellow(`  dont ${plural(f.removed.length, 'lettre retirée', 'lettres retirées')} du fichier depuis cette version, ${f.removed.length > 1 ? 'notées postées' : 'notée postée'} avec elle (aucun courriel ne suivra) : ${removedNames(f.removed)}`));
          if (f.rewritten.length) out.line(out.colors.yellow(`  dont ${plural(f.rewritten.length, 'lettre réécrite', 'lettres réécrites')} depuis cette version (la poste a celle de la version n° ${f.version.n}), ${f.rewritten.length > 1 ? 'notées postées' : 'notée postée'} : ${rewrittenNames(f.rewritten)}`));
        }
        out.line(`${plural(posted.added, 'nouvelle', 'nouvelles')} au journal : ${posted.added > 1 ? 'ces mairies ne recevront' : 'cette mairie ne recevra'} ni une seconde lettre ni de courriel.`);
      }
      out.line(`${plural(result.written.length, 'lettre écrite', 'lettres écrites')}${result.unchanged.length ? `, ${plural(result.unchanged.length, 'inchangée', 'inchangées')} (--force pour tout réécrire)` : ''} en ${seconds.toFixed(1).replace('.', ',')}\u00a0s, dans out/lettres/`);
      for (const line of printFileLines(out, result, rel)) out.line(line);
    });
}

/**
 * What `letters` says of each print file, as `run` says it too (one text): removed, or its letters,
 * pages and version, its versions since the last --posted, and the letters that joined it since
 * the first of them with the list of them all beside it. `only` keeps the files rewritten (a new
 * version): `run` names those, not the ones unchanged.
 */
export function printFileLines(out: Output, result: Pick<LettersResult, 'print' | 'removedPrint'> & Partial<Pick<LettersResult, 'departed'>>, rel: (p: string) => string, only?: 'written'): string[] {
  const lines: string[] = [];
  // A département campagne.yaml no longer names: what relais wrote for it is gone, never printed by mistake.
  for (const d of result.departed ?? []) {
    const what = [d.letters ? plural(d.letters, 'lettre') : '', d.print ? `le fichier à imprimer ${rel(d.print)}` : ''].filter(Boolean).join(' et ');
    const removed = d.print ? (d.letters ? 'supprimés' : 'supprimé') : d.letters > 1 ? 'supprimées' : 'supprimée';
    if (what) lines.push(`  département ${d.dep} : ${what} d'une exécution précédente ${removed}, ce département n'est plus dans campagne.yaml`);
    if (d.kept) lines.push(out.colors.yellow(`  ${rel(d.kept)} laissé en place : le département ${d.dep} n'est plus dans campagne.yaml, mais ce fichier n'est plus celui que relais a écrit (modifié ou remplacé depuis) ; ne l'imprimez pas pour cette campagne, déplacez-le ou supprimez-le`));
  }
  for (const p of result.removedPrint) lines.push(`  ${rel(p)} supprimé : plus aucune lettre à poster dans ce département`);
  for (const p of result.print) {
    if (only === 'written' && !p.written) continue;
    lines.push(`  ${rel(p.path)} : ${plural(p.letters, 'lettre')} à imprimer${p.bounced || p.refused ? ` (dont ${[p.bounced ? `${plural(p.bounced, 'courriel revenu', 'courriels revenus')} en erreur` : '', p.refused ? `${plural(p.refused, 'adresse refusée', 'adresses refusées')} par le serveur` : ''].filter(Boolean).join(', ')})` : ''}, ${plural(p.pages, 'page')}${p.written ? '' : ' (inchangé)'}${p.version ? `, version ${versionName(p.version)}` : ''}`);
    // Each version since the last --posted, dated: the mail room names the one it printed (--posted-version).
    if (p.versions && p.versions.length > 1) lines.push(`    versions depuis le dernier --posted : ${p.versions.map((v) => `${versionName(v)} (${plural(v.letters, 'lettre')})`).join(', ')}`);
    if (p.changes) {
      const { since, letters, added, removed } = p.changes;
      const names = (list: PrintChange[]) => namedList(list.map((c) => `${c.nom} ${c.code}${c.version ? ` en version n° ${c.version.n}` : ''}`));
      const when = p.versions?.[0] ? versionName(p.versions[0]) : since ? `du ${frenchDateTime(since)}` : 'précédente';
      const what = [added.length ? `${plural(added.length, 'lettre ajoutée', 'lettres ajoutées')} (${names(added)})` : '', removed.length ? `${plural(removed.length, 'retirée', 'retirées')} (${names(removed)})` : ''].filter(Boolean).join(', ');
      // The earlier version may be in the post: reprinting everything would post the others twice.
      lines.push(out.colors.yellow(`    depuis la version ${when} (${plural(letters, 'lettre')}) : ${what}${added.length ? ` ; si elle est déjà postée, n'imprimez que ${added.length > 1 ? 'leurs lettres' : 'sa lettre'} : ${added.slice(0, SHOWN_PATHS).map((c) => rel(c.path)).join(', ')}${added.length > SHOWN_PATHS ? ` et ${plural(added.length - SHOWN_PATHS, 'autre')}` : ''}` : ''}`));
      // The mail room needs every one of them, not ten: the whole list is in a file beside the print file.
      if (p.changes.list) lines.push(out.colors.yellow(`    liste complète des lettres ajoutées : ${rel(p.changes.list)}`));
    }
  }
  return lines;
}

/** A print file in the --json document of `letters` and of `run`: the same facts as printFileLines. */
export function printFileJson(p: PrintFile, rel: (p: string) => string) {
  return {
    departement: p.dep,
    fichier: rel(p.path),
    lettres: p.letters,
    retours: p.bounced,
    refus: p.refused,
    pages: p.pages,
    ecrit: p.written,
    version: p.version ? versionJson(p.version) : null,
    versions: (p.versions ?? []).map((v) => ({ ...versionJson(v), lettres: v.letters })),
    depuis: p.changes ? { date: p.changes.since || null, lettres: p.changes.letters, ajoutees: p.changes.added.map((c) => ({ code: c.code, nom: c.nom, fichier: rel(c.path), version: c.version?.n ?? null })), retirees: p.changes.removed.map((c) => ({ code: c.code, nom: c.nom })), liste: p.changes.list ? rel(p.changes.list) : null } : null,
  };
}
