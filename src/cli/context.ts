import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CAMPAIGN_FILE, packageRoot } from '../paths.js';
import { Output } from './output.js';

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
}

export function contextOf(command: Command, fail: (code: number) => void): Context {
  const opts = command.optsWithGlobals<GlobalOptions>();
  const cwd = process.cwd();
  const campaignDir = opts.campagne ? resolve(cwd, opts.campagne) : existsSync(join(cwd, CAMPAIGN_FILE)) ? cwd : packageRoot();
  return { campaignDir, out: new Output(Boolean(opts.json)), fail: (code = 1) => fail(code) };
}
