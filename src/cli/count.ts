import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { plural } from './report.js';
import { channelName, checkChannel, countLabel, type ChannelResult } from '../channels/index.js';
import { UsageError } from '../errors.js';
import { contextOf } from './context.js';
import type { Output } from './output.js';

const COUNTABLE = ['sms', 'twitter', 'facebook', 'linkedin'] as const;

export function printChannelResult(out: Output, label: string, r: ChannelResult): void {
  const c = out.colors;
  const unit = r.channel === 'twitter' ? 'caractères pondérés' : 'caractères';
  const detail = r.channel === 'sms' ? `${plural(r.length, 'caractère')} (${r.encoding}), ${r.parts} SMS` : `${countLabel(r)} ${unit}`;
  out.line(`${c.bold(label)} : ${detail} — ${r.valid ? c.green('valide') : c.red('invalide')}`);
  for (const p of r.problems) out.line(`  ${p.severity === 'error' ? c.red('✖') : c.yellow('!')} ${p.message}`);
  if (r.suggestion) {
    out.line(`  Suggestion en GSM-7 (${plural(r.suggestion.length, 'caractère')}, ${r.suggestion.parts} SMS), à reprendre dans le modèle si elle convient :`);
    out.line(`  ${r.suggestion.text}`);
  }
}

export function parseChannel(value: string | undefined, allowed: readonly string[]): string {
  const name = value ? channelName(value) : undefined;
  if (!name || !allowed.includes(name)) {
    throw new UsageError(`canal ${value ? `« ${value} » ` : ''}inconnu : ${allowed.join(', ')} (x est un autre nom de twitter)`);
  }
  return name;
}

export function registerCount(program: Command, fail: (code: number) => void): void {
  program
    .command('count')
    .description("compte un texte selon les règles d'un canal (SMS, X, Facebook, LinkedIn)")
    .requiredOption('--channel <canal>', 'sms, twitter (ou x), facebook, linkedin')
    .argument('[texte]', 'le texte, ou « - » pour le lire sur l’entrée standard')
    .action((texte: string | undefined, opts: { channel: string }, command: Command) => {
      const ctx = contextOf(command, fail);
      const channel = parseChannel(opts.channel, COUNTABLE) as (typeof COUNTABLE)[number];
      let text = texte;
      if (text === undefined || text === '-') {
        if (text === undefined && process.stdin.isTTY) throw new UsageError('texte manquant : donnez-le en argument, ou « - » pour le lire sur l’entrée standard');
        // A text pasted or saved on Windows (CRLF) or an old Mac (CR) counts as the template would.
        text = readFileSync(0, 'utf8')
          .replace(/\r\n?/g, '\n')
          .replace(/\n$/, '');
      }
      const result = checkChannel(channel, text);
      if (!result.valid) ctx.fail(1);
      if (ctx.out.json) ctx.out.document(result);
      else printChannelResult(ctx.out, { twitter: 'X (Twitter)', sms: 'SMS', facebook: 'Facebook', linkedin: 'LinkedIn' }[channel], result);
    });
}
