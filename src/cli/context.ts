import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CAMPAIGN_FILE, packageRoot } from '../paths.js';
import { Output } from './output.js';
import type { Environment, Settings } from '../settings.js';

export interface GlobalOptions {
  campagne?: string;
  json?: boolean;
}

/** What a command action gets: the campaign folder, the output, and a way to report failure. */
export interface Context {
  /** -C, else the current directory if it holds campagne.yaml, else the sample campaign. */
  campaignDir: string;
  out: Output;
  /** A command that finished its work but must report failure (invalid input, failed work). */
  fail(code?: number): void;
  /** RELAIS_* settings, validated at start. */
  settings: Settings;
  /** The environment as read at start: credentials for the edges that use them. */
  env: Readonly<Record<string, string | undefined>>;
}

/** The environment read by the program's preAction hook, for the actions of that program. */
const environments = new WeakMap<Command, Environment>();

export function rememberEnvironment(program: Command, environment: Environment): void {
  environments.set(program, environment);
}

function environmentOf(command: Command): Environment {
  let root = command;
  while (root.parent) root = root.parent;
  const found = environments.get(root);
  if (!found) throw new Error('settings not read before the action');
  return found;
}

export function contextOf(command: Command, fail: (code: number) => void): Context {
  const opts = command.optsWithGlobals<GlobalOptions>();
  const cwd = process.cwd();
  const campaignDir = opts.campagne ? resolve(cwd, opts.campagne) : existsSync(join(cwd, CAMPAIGN_FILE)) ? cwd : packageRoot();
  const { settings, variables } = environmentOf(command);
  return { campaignDir, out: new Output(Boolean(opts.json), settings.ci), fail: (code = 1) => fail(code), settings, env: variables };
}
