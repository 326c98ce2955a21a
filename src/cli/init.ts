import type { Command } from 'commander';
import { initCampaign } from '../campaign/init.js';
import { packageRoot } from '../paths.js';
import { contextOf } from './context.js';

export function registerInit(program: Command, fail: (code: number) => void): void {
  program
    .command('init')
    .description("crée une nouvelle campagne dans <dossier> à partir de la campagne d'exemple")
    .argument('<dossier>', 'dossier à créer (doit être absent ou vide)')
    .action(async (dossier: string, _opts: unknown, command: Command) => {
      const ctx = contextOf(command, fail);
      const copied = await initCampaign(packageRoot(), dossier);
      if (ctx.out.json) {
        ctx.out.document({ ok: true, dossier, fichiers: copied });
        return;
      }
      ctx.out.line(`Campagne créée dans ${dossier} : ${copied.join(', ')}`);
      ctx.out.line(`Étapes suivantes : modifiez ${dossier}/campagne.yaml, déposez vos fichiers dans ${dossier}/data/, puis lancez « relais -C ${shellWord(dossier)} check ».`);
    });
}

/** A folder name as a shell takes it in one piece: quoted when it holds a space or a special character. */
function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
