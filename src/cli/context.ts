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

/** Commands that work on no campaign: the sample chosen by default is nothing to them. */
const WITHOUT_CAMPAIGN = new Set(['init', 'count']);

export function contextOf(command: Command, fail: (code: number) => void): Context {
  const opts = command.optsWithGlobals<GlobalOptions>();
  const cwd = process.cwd();
  const sample = !opts.campagne && !existsSync(join(cwd, CAMPAIGN_FILE));
  const campaignDir = opts.campagne ? resolve(cwd, opts.campagne) : sample ? packageRoot() : cwd;
  const { settings, variables } = environmentOf(command);
  const out = new Output(Boolean(opts.json), settings.ci);
  let top = command;
  while (top.parent?.parent) top = top.parent;
  // Run from the wrong folder (a `cd` that failed, a terminal opened in the home folder), a
  // command would otherwise write, send or publish the sample campaign without a word of it.
  if (sample && !WITHOUT_CAMPAIGN.has(top.name())) {
    out.note(`relais : campagne d'exemple fournie avec relais (${campaignDir}) — il n'y a pas de ${CAMPAIGN_FILE} dans ${cwd} ; « relais -C <dossier> » pour votre campagne, « relais init » pour en créer une`);
  }
  return { campaignDir, out, fail: (code = 1) => fail(code), settings, env: variables };
}
