import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { RelaisError, UsageError, formatLocation, isSystemError, systemError } from '../errors.js';
import { readEnvironment, type Settings } from '../settings.js';
import { rememberEnvironment } from './context.js';
import { TemplateError } from '../text/templates.js';
import { packageRoot } from '../paths.js';
import { redact } from '../secrets.js';
import { registerBounces } from './bounces.js';
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
import { problemLine, shortenQuotes } from './report.js';
import { suggestionFor, usageContext } from './suggest.js';

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
function commanderMessage(err: CommanderError, program: Command, argv: string[]): string {
  const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? '';
  const args = argv.slice(2);
  const { command, name } = usageContext(program, args);
  const usage = `(utilisation : relais ${name ? `${name} ` : ''}${command.usage()})`;
  switch (err.code) {
    case 'commander.unknownOption': {
      const hint = suggestionFor(quoted, command, program, 'option');
      return `option inconnue : ${quoted}${hint ? ` — vouliez-vous dire ${hint} ?` : ''} (relais ${name ? `${name} ` : ''}--help liste les options)`;
    }
    case 'commander.unknownCommand':
      return unknownCommand(quoted, command, program, name);
    case 'commander.missingArgument':
      return `argument manquant : ${quoted} ${usage}`;
    case 'commander.optionMissingArgument':
      return `valeur manquante pour l'option ${quoted} ${usage}`;
    case 'commander.missingMandatoryOptionValue':
      return `option obligatoire manquante : ${quoted} ${usage}`;
    case 'commander.excessArguments':
      return `trop d'arguments pour « relais ${name} » ${usage}`;
    case 'commander.help': {
      // `relais help chek`: the help command was asked about a command that does not exist.
      const after = args.slice(args.indexOf('help') + 1).find((a) => !a.startsWith('-'));
      if (args.includes('help') && after !== undefined && !command.commands.some((c) => c.name() === after)) return unknownCommand(after, command, program, name);
      return name ? `il manque une commande après « relais ${name} »` : 'il manque une commande';
    }
    case 'commander.conflictingOption': {
      const flags = [...err.message.matchAll(/'([^']+)'/g)].map((m) => m[1]);
      return `options incompatibles : ${flags.join(' et ')}`;
    }
    case 'commander.invalidArgument':
      // Our own parsers' French message comes after commander's English preamble.
      return `${quoted ? `${quoted} : ` : ''}${/is invalid\. (.*)$/s.exec(err.message)?.[1] ?? 'valeur invalide'}`;
    default:
      return `ligne de commande invalide ${usage}`;
  }
}

function unknownCommand(word: string, command: Command, program: Command, name: string): string {
  const hint = suggestionFor(word, command, program, 'command');
  return `commande inconnue : ${word}${hint ? ` — vouliez-vous dire « ${name ? `${name} ` : ''}${hint} » ?` : ''} (relais ${name ? `${name} ` : ''}--help liste les commandes)`;
}

/**
 * Commander writes a help on its error stream when a command is called bare (`relais`,
 * `relais schedule`), then throws "(outputHelp)": the help is kept here and printed by main,
 * next to a French message, instead of being lost.
 */
let pendingHelp = '';
const output = {
  writeErr: (text: string) => {
    pendingHelp += text;
  },
  outputError: () => undefined,
};

/** Every level of commands (schedule add…) gets the French help option and the same output. */
function configureAll(command: Command): void {
  for (const sub of command.commands) {
    sub.helpOption('-h, --help', "affiche l'aide").exitOverride().configureOutput(output).showSuggestionAfterError(false);
    if (sub.commands.length > 0) sub.helpCommand('help [commande]', "affiche l'aide d'une commande");
    configureAll(sub);
  }
}

export function buildProgram(fail: (code: number) => void, onSettings: (settings: Settings) => void = () => undefined): Command {
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
    .configureOutput(output);
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
  registerBounces(program, fail);
  configureAll(program);
  // Before any command acts: -C must name something, and every RELAIS_* variable must be valid.
  program.hook('preAction', () => {
    const { campagne } = program.opts<{ campagne?: string }>();
    if (campagne !== undefined && campagne.trim() === '') throw new UsageError('-C (--campagne) vide : donnez le dossier de la campagne');
    // The one reading of the environment: every command gets it through its context.
    const environment = readEnvironment(process.env);
    rememberEnvironment(program, environment);
    onSettings(environment.settings);
  });
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
  pendingHelp = '';
  // Until the settings are read, RELAIS_DEBUG is taken as it is written.
  debug = process.env.RELAIS_DEBUG === '1';
  const program = buildProgram(fail, (settings) => {
    debug = settings.debug;
  });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0; // --help, --version
      report(`${commanderMessage(err, program, argv)}`, json, {}, undefined);
      // A bare command: its help says what can follow.
      if (err.code === 'commander.help' && pendingHelp) process.stderr.write(`\n${pendingHelp}`);
      return 2;
    }
    if (err instanceof TemplateError) {
      // Normally caught and grouped by the checks; one that escapes still says where.
      return reportRelaisError(new RelaisError(err.message, { file: err.file, ...(err.line === undefined ? {} : { line: err.line }) }, { cause: err }), json);
    }
    if (isSystemError(err)) return reportRelaisError(systemError(err, 'd’accéder à'), json);
    if (err instanceof RelaisError) return reportRelaisError(err, json);
    report(`erreur inattendue : ${(err as Error)?.message ?? String(err)} (relancez avec RELAIS_DEBUG=1 pour le détail)`, json, {}, err);
    return 1;
  }
}

let debug = false;

/** A typed error: its location, its message, and the list of problems it carries. */
function reportRelaisError(err: RelaisError, json: boolean): number {
  // A message that already names its file is not prefixed with it a second time.
  const named = err.location.file !== undefined && err.location.line === undefined && err.message.includes(err.location.file);
  const where = named ? '' : formatLocation(err.location);
  const field = err.location.field && !err.location.file && !err.message.includes(err.location.field) ? ` (${err.location.field})` : '';
  report(`${where ? `${where}: ` : ''}${err.message}${field}`, json, { ...err.location, ...(err.details ?? {}) }, err);
  const errors = err.details?.errors;
  if (Array.isArray(errors) && !json) for (const p of errors.slice(0, 20)) process.stderr.write(`  ${redact(shortenQuotes(problemLine(p)))}\n`);
  return err.exitCode;
}

/** Every error leaves through here: a library's message or stack may quote a URL with its password. */
function report(message: string, json: boolean, details: Record<string, unknown>, err: unknown): void {
  message = shortenQuotes(message);
  process.stderr.write(`relais : ${redact(message)}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${redact(err.stack)}\n`);
  if (json) process.stdout.write(`${redact(JSON.stringify({ ok: false, error: { message: redact(message), ...details } }, null, 2))}\n`);
}
