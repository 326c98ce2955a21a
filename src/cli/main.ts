import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { RelaisError, formatLocation } from '../errors.js';
import { packageRoot } from '../paths.js';
import { redact } from '../secrets.js';
import { registerCheck } from './check.js';
import { registerCount } from './count.js';
import { registerFetch } from './fetch.js';
import { registerInit } from './init.js';
import { registerLetters } from './letters.js';
import { registerPosts } from './posts.js';
import { registerPreview } from './preview.js';
import { registerRun } from './run.js';
import { registerSchedule } from './schedule.js';
import { registerSend } from './send.js';
import { registerStatus } from './status.js';
import { registerTrack } from './track.js';
import { problemLine } from './report.js';

export { wasInterrupted } from './interrupt.js';

/**
 * The one place that decides the exit code: 0 success, 1 invalid input or failed work,
 * 2 usage error. Commands throw typed errors or report failure through `fail`; nothing else
 * calls process.exit. A stack trace is shown only with RELAIS_DEBUG=1.
 */
const TITLES: Record<string, string> = {
  'Usage:': 'Utilisation :',
  'Options:': 'Options :',
  'Commands:': 'Commandes :',
  'Arguments:': 'Arguments :',
  'Global Options:': 'Options globales :',
};

/** Commander's own messages are English: the common ones are said again in French. */
function commanderMessage(err: CommanderError): string {
  const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? '';
  switch (err.code) {
    case 'commander.unknownOption':
      return `option inconnue : ${quoted}`;
    case 'commander.unknownCommand':
      return `commande inconnue : ${quoted} (relais --help liste les commandes)`;
    case 'commander.missingArgument':
      return `argument manquant : ${quoted}`;
    case 'commander.optionMissingArgument':
      return `valeur manquante pour l'option ${quoted}`;
    case 'commander.missingMandatoryOptionValue':
      return `option obligatoire manquante : ${quoted}`;
    case 'commander.excessArguments':
      return `trop d'arguments`;
    case 'commander.invalidArgument':
      return err.message.replace(/^error: /, '');
    default:
      return err.message.replace(/^error: /, '');
  }
}

export function buildProgram(fail: (code: number) => void): Command {
  const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  const program = new Command('relais');
  program
    .usage('[options] <commande>')
    .description("relais : lettres aux maires, courriels, publications et suivi des volontaires d'une campagne préfecture–ARS")
    .version(version, '-V, --version', 'affiche la version')
    .helpOption('-h, --help', "affiche l'aide")
    .helpCommand('help [commande]', "affiche l'aide d'une commande")
    .option('-C, --campagne <dossier>', "dossier de la campagne (par défaut : le dossier courant s'il contient campagne.yaml, sinon la campagne d'exemple)")
    .option('--json', 'imprime un seul document JSON sur la sortie standard')
    .configureHelp({ styleTitle: (title) => TITLES[title] ?? title, showGlobalOptions: true })
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  registerCheck(program, fail);
  registerInit(program, fail);
  registerCount(program, fail);
  registerPreview(program, fail);
  registerPosts(program, fail);
  registerLetters(program, fail);
  registerSend(program, fail);
  registerStatus(program, fail);
  registerTrack(program, fail);
  registerSchedule(program, fail);
  registerRun(program, fail);
  registerFetch(program, fail);
  for (const command of program.commands) {
    command.helpOption('-h, --help', "affiche l'aide").exitOverride().configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const fail = (c: number) => {
    code = Math.max(code, c);
  };
  const json = argv.includes('--json');
  // `relais preview 45234 | head`: a reader that goes away is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  try {
    await buildProgram(fail).parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0; // --help, --version
      report(`${commanderMessage(err)}`, json, {}, undefined);
      return 2;
    }
    if (err instanceof RelaisError) {
      const where = formatLocation(err.location);
      const field = err.location.field && !err.location.file && !err.message.includes(err.location.field) ? ` (${err.location.field})` : '';
      report(`${where ? `${where}: ` : ''}${err.message}${field}`, json, { ...err.location, ...(err.details ?? {}) }, err);
      const errors = err.details?.errors;
      if (Array.isArray(errors) && !json) for (const p of errors.slice(0, 20)) process.stderr.write(`  ${redact(problemLine(p))}\n`);
      return err.exitCode;
    }
    report(`erreur inattendue : ${(err as Error)?.message ?? String(err)} (relancez avec RELAIS_DEBUG=1 pour le détail)`, json, {}, err);
    return 1;
  }
}

/** Every error leaves through here: a library's message or stack may quote a URL with its password. */
function report(message: string, json: boolean, details: Record<string, unknown>, err: unknown): void {
  process.stderr.write(`relais : ${redact(message)}\n`);
  if (process.env.RELAIS_DEBUG === '1' && err instanceof Error && err.stack) process.stderr.write(`${redact(err.stack)}\n`);
  if (json) process.stdout.write(`${redact(JSON.stringify({ ok: false, error: { message: redact(message), ...details } }, null, 2))}\n`);
}
