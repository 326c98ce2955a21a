import { join } from 'node:path';
import { insideFolder, writeFileAtomic } from '../files.js';
import { departementContext } from './context.js';
import type { ReadyCampaign } from './check.js';
import { CHANNEL_LABELS, renderMessages, SOCIAL_CHANNELS, type RenderedMessage, type SocialChannel } from './messages.js';

/**
 * `relais posts`: the social and SMS messages of each département, one file per channel and a
 * copy-friendly annexe.md, under out/messages/<dep>/. Everything is rendered and checked before
 * the first file is written.
 */
export interface DepartementMessages {
  code: string;
  nom: string;
  messages: Record<SocialChannel, RenderedMessage>;
}

export function renderDepartementMessages(ready: ReadyCampaign, departements: string[]): DepartementMessages[] {
  return ready.campaign.departements
    .filter((d) => departements.length === 0 || departements.includes(d.code))
    .map((d) => ({ code: d.code, nom: d.nom, messages: renderMessages(ready.templates, departementContext(ready.campaign, d, ready.figures)) }));
}

export function annexMarkdown(title: string, dep: DepartementMessages): string {
  const parts = [`# Messages proposés aux maires — ${dep.nom} (${dep.code})`, '', `Campagne : ${title}`, ''];
  for (const channel of SOCIAL_CHANNELS) {
    const m = dep.messages[channel];
    parts.push(`## ${CHANNEL_LABELS[channel]} — ${m.compte}`, '', '```text', m.texte, '```', '');
  }
  return parts.join('\n');
}

export async function writeDepartementMessages(ready: ReadyCampaign, deps: DepartementMessages[]): Promise<string[]> {
  const root = join(ready.campaign.dir, 'out', 'messages');
  const written: string[] = [];
  for (const dep of deps) {
    for (const channel of SOCIAL_CHANNELS) {
      const path = insideFolder(root, dep.code, `${channel}.txt`);
      await writeFileAtomic(path, `${dep.messages[channel].texte}\n`);
      written.push(path);
    }
    const annex = insideFolder(root, dep.code, 'annexe.md');
    await writeFileAtomic(annex, annexMarkdown(ready.campaign.config.campagne.titre, dep));
    written.push(annex);
  }
  return written;
}
