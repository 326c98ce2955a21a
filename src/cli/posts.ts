import { relative } from 'node:path';
import type { Command } from 'commander';
import { plural } from './report.js';
import { ready as readyCampaign } from './campaign.js';
import { countLabel } from '../channels/index.js';
import { CHANNEL_LABELS, SOCIAL_CHANNELS } from '../campaign/messages.js';
import { renderDepartementMessages, writeDepartementMessages } from '../campaign/posts.js';
import { contextOf } from './context.js';
import { collectDeps } from './list-option.js';

export function registerPosts(program: Command, fail: (code: number) => void): void {
  program
    .command('posts')
    .description('écrit les messages Twitter, Facebook, LinkedIn et SMS de chaque département dans out/messages/')
    .option('--dep <codes>', 'départements (répétable, ou séparés par des virgules)', collectDeps)
    .action(async (opts: { dep?: string[] }, command: Command) => {
      const ctx = contextOf(command, fail);
      const deps = opts.dep ?? [];
      const ready = await readyCampaign(ctx.campaignDir, deps);
      const rendered = renderDepartementMessages(ready, deps);
      const files = await writeDepartementMessages(ready, rendered);
      const rel = (p: string) => relative(ready.campaign.dir, p);
      if (ctx.out.json) {
        ctx.out.document({
          ok: true,
          departements: rendered.map((d) => ({
            code: d.code,
            nom: d.nom,
            messages: Object.fromEntries(SOCIAL_CHANNELS.map((c) => [c, { texte: d.messages[c].texte, ...d.messages[c].result }])),
          })),
          fichiers: files.map(rel),
        });
        return;
      }
      for (const d of rendered) {
        ctx.out.line(ctx.out.colors.bold(`${d.code} ${d.nom}`));
        // Staff see the technical count; the mayors' annex has its own (annexCount).
        for (const c of SOCIAL_CHANNELS) ctx.out.line(`  ${CHANNEL_LABELS[c].padEnd(9)} ${countLabel(d.messages[c].result)}`);
      }
      ctx.out.line(`${plural(files.length, 'fichier écrit', 'fichiers écrits')} dans ${rel(files[0] ?? '').split('/').slice(0, 2).join('/')}/`);
    });
}
