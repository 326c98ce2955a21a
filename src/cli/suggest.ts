import { distance } from 'fastest-levenshtein';
import type { Command, Option } from 'commander';

/**
 * "vouliez-vous dire …" for a mistyped command or option. Commander's own suggestion is English;
 * this one also knows the French words staff naturally type for each command (`relais lettres`).
 */
const FRENCH_WORDS: Record<string, string> = {
  lettres: 'letters',
  lettre: 'letters',
  courriers: 'letters',
  courrier: 'letters',
  verifier: 'check',
  verification: 'check',
  controle: 'check',
  envoyer: 'send',
  envoi: 'send',
  courriels: 'send',
  suivi: 'track',
  suivre: 'track',
  volontaires: 'track',
  compter: 'count',
  apercu: 'preview',
  publications: 'posts',
  publier: 'schedule',
  programmer: 'schedule',
  etat: 'status',
  statut: 'status',
  lancer: 'run',
  tout: 'run',
  creer: 'init',
  nouvelle: 'init',
  aide: 'help',
};

const plain = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/** The command the words on the line lead to, and its name as typed ("schedule add"). */
export function usageContext(program: Command, args: string[]): { command: Command; name: string } {
  let command = program;
  const names: string[] = [];
  const takesValue = (cmd: Command, flag: string) => [...cmd.options, ...program.options].some((o: Option) => (o.long === flag || o.short === flag) && (o.required || o.optional));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (!arg.includes('=') && takesValue(command, arg)) i++;
      continue;
    }
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) break;
    command = sub;
    names.push(sub.name());
  }
  return { command, name: names.join(' ') };
}

/** The closest command or option name, or undefined when nothing is close enough to be a typo. */
export function suggestionFor(word: string, command: Command, program: Command, kind: 'command' | 'option'): string | undefined {
  if (!word) return undefined;
  const flag = word.split('=')[0]!;
  if (kind === 'command') {
    const names = command.commands.flatMap((c) => [c.name(), ...c.aliases()]);
    const french = command === program ? FRENCH_WORDS[plain(word)] : undefined;
    if (french && names.includes(french)) return french;
    return closest(plain(word), names);
  }
  const flags = [...command.options, ...(command === program ? [] : program.options)].map((o) => o.long).filter((f): f is string => Boolean(f));
  return closest(flag.toLowerCase(), [...new Set([...flags, '--help'])]);
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // A third of the word may be wrong ("chek", "--deps", "lettres"); beyond that it is a guess.
  const core = word.replace(/^-+/, '');
  if (best === undefined) return undefined;
  if (bestDistance <= Math.max(1, Math.ceil(core.length / 3))) return best;
  // "--dep" for "--departements": the typed word starts the real one.
  const prefixed = candidates.filter((c) => core.length >= 3 && c.replace(/^-+/, '').startsWith(core));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
