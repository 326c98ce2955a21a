import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, type Argument, type Option } from 'commander';
import { RelaisError, UsageError, formatLocation, isSystemError, systemError } from '../errors.js';
import { readEnvironment, type Settings } from '../settings.js';
import { packageRoot } from '../paths.js';
import { redact } from '../secrets.js';

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

/**
 * What commander adds after an option's or an argument's description, in French: its own
 * « (default: "departement") », « (choices: …) » and « (default: []) » were the only English of
 * the help. An empty list says nothing; a value is shown as typed, without JSON's quotes.
 */
function extraInFrench(description: string, item: { defaultValue?: unknown; defaultValueDescription?: string; argChoices?: string[] }, showDefault: boolean): string {
  const extra: string[] = [];
  if (item.argChoices) extra.push(`valeurs : ${item.argChoices.join(', ')}`);
  const value = item.defaultValue;
  const empty = value === undefined || (Array.isArray(value) && value.length === 0);
  if (showDefault && !empty) extra.push(`par défaut : ${item.defaultValueDescription ?? (Array.isArray(value) ? value.join(', ') : String(value))}`);
  if (!extra.length) return description;
  return description ? `${description} (${extra.join(', ')})` : `(${extra.join(', ')})`;
}

const optionDescription = (option: Option): string =>
  // As commander: a default is shown for an option that takes a value, not for a plain switch.
  extraInFrench(option.description ?? '', option, option.required || option.optional || (option.isBoolean() && typeof option.defaultValue === 'boolean'));
const argumentDescription = (argument: Argument): string => extraInFrench(argument.description ?? '', argument, true);

type Register = (program: Command, fail: (code: number) => void) => void;

/**
 * Each command's module, loaded only when needed: most pull in heavy packages (pdfkit, exceljs,
 * better-sqlite3, nodemailer, imapflow, handlebars…) and every command would otherwise pay for
 * all of them at start-up. The order is the order of the help.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  check: async () => (await import('./check.js')).registerCheck,
  init: async () => (await import('./init.js')).registerInit,
  count: async () => (await import('./count.js')).registerCount,
  preview: async () => (await import('./preview.js')).registerPreview,
  posts: async () => (await import('./posts.js')).registerPosts,
  letters: async () => (await import('./letters.js')).registerLetters,
  send: async () => (await import('./send.js')).registerSend,
  status: async () => (await import('./status.js')).registerStatus,
  track: async () => (await import('./track.js')).registerTrack,
  schedule: async () => (await import('./schedule.js')).registerSchedule,
  run: async () => (await import('./run.js')).registerRun,
  fetch: async () => (await import('./fetch.js')).registerFetch,
  bounces: async () => (await import('./bounces.js')).registerBounces,
};

/**
 * The commands a command line needs: the one it names, or none for `relais --version`, or all of
 * them when the line names none we know (the general help, `help`, a typo that gets a suggestion).
 */
export function commandsFor(args: string[]): string[] {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg === '-C' || arg === '--campagne') {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return Object.hasOwn(COMMANDS, arg) ? [arg] : Object.keys(COMMANDS);
  }
  const versionOnly = args.length > 0 && args.every((a) => a === '-V' || a === '--version' || a === '--json');
  return versionOnly ? [] : Object.keys(COMMANDS);
}

/** Commander's own messages are English: the common ones are said again in French. */
async function commanderMessage(err: CommanderError, program: Command, argv: string[]): Promise<string> {
  const { suggestionFor, usageContext } = await import('./suggest.js');
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
      return unknownCommand(quoted, command, program, name, suggestionFor);
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
      if (args.includes('help') && after !== undefined && !command.commands.some((c) => c.name() === after)) return unknownCommand(after, command, program, name, suggestionFor);
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

function unknownCommand(word: string, command: Command, program: Command, name: string, suggestionFor: (word: string, command: Command, program: Command, kind: 'command') => string | undefined): string {
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

export async function buildProgram(fail: (code: number) => void, onSettings: (settings: Settings) => void = () => undefined, names: string[] = Object.keys(COMMANDS)): Promise<Command> {
  const registers = await Promise.all(names.map((name) => COMMANDS[name]!()));
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
    .configureHelp({ styleTitle: (title) => TITLES[title] ?? title, showGlobalOptions: true, optionDescription, argumentDescription })
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput(output);
  for (const register of registers) register(program, fail);
  configureAll(program);
  // Before any command acts: -C must name something, and every RELAIS_* variable must be valid.
  program.hook('preAction', async () => {
    const { campagne } = program.opts<{ campagne?: string }>();
    if (campagne !== undefined && campagne.trim() === '') throw new UsageError('-C (--campagne) vide : donnez le dossier de la campagne');
    // The one reading of the environment: every command gets it through its context (loaded
    // here, with the output it brings, only when a command acts: not for --version).
    const environment = readEnvironment(process.env);
    const { rememberEnvironment } = await import('./context.js');
    rememberEnvironment(program, environment);
    onSettings(environment.settings);
    const { unknownVariables } = await import('./unknown-variables.js');
    for (const w of unknownVariables(process.env)) process.stderr.write(`relais : ${w}\n`);
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
  const program = await buildProgram(
    fail,
    (settings) => {
      debug = settings.debug;
    },
    commandsFor(argv.slice(2)),
  );
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return 0; // --help, --version
    // Only a failure needs the report's wording (and its French number formats): loaded here.
    const words = await import('./report.js');
    if (err instanceof CommanderError) {
      report(words, await commanderMessage(err, program, argv), json, {}, undefined);
      // A bare command: its help says what can follow.
      if (err.code === 'commander.help' && pendingHelp) process.stderr.write(`\n${pendingHelp}`);
      return 2;
    }
    // Thrown from the templates' module, which is then already loaded: importing it costs nothing.
    const { TemplateError } = await import('../text/templates.js');
    if (err instanceof TemplateError) {
      // Normally caught and grouped by the checks; one that escapes still says where.
      return reportRelaisError(words, new RelaisError(err.message, { file: err.file, ...(err.line === undefined ? {} : { line: err.line }) }, { cause: err }), json);
    }
    if (isSystemError(err)) return reportRelaisError(words, systemError(err, 'd’accéder à'), json);
    if (err instanceof RelaisError) return reportRelaisError(words, err, json);
    report(words, `erreur inattendue : ${(err as Error)?.message ?? String(err)} (relancez avec RELAIS_DEBUG=1 pour le détail)`, json, {}, err);
    return 1;
  }
}

let debug = false;

/** A typed error: its location, its message, and the list of problems it carries. */
type Words = typeof import('./report.js');

function reportRelaisError(words: Words, err: RelaisError, json: boolean): number {
  // A message that already names its file is not prefixed with it a second time.
  const named = err.location.file !== undefined && err.location.line === undefined && err.message.includes(err.location.file);
  const where = named ? '' : formatLocation(err.location);
  const field = err.location.field && !err.location.file && !err.message.includes(err.location.field) ? ` (${err.location.field})` : '';
  report(words, `${where ? `${where}: ` : ''}${err.message}${field}`, json, { ...err.location, ...(err.details ?? {}) }, err);
  const errors = err.details?.errors;
  if (Array.isArray(errors) && !json) for (const p of errors.slice(0, 20)) process.stderr.write(`  ${redact(words.shortenQuotes(words.problemLine(p)))}\n`);
  return err.exitCode;
}

/** Every error leaves through here: a library's message or stack may quote a URL with its password. */
function report(words: Words, message: string, json: boolean, details: Record<string, unknown>, err: unknown): void {
  message = words.shortenQuotes(message);
  process.stderr.write(`relais : ${redact(message)}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${redact(err.stack)}\n`);
  if (json) process.stdout.write(`${redact(JSON.stringify({ ok: false, error: { message: redact(message), ...details } }, null, 2))}\n`);
}
