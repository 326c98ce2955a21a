import { copyFile, rename } from 'node:fs/promises';
import { basename } from 'node:path';
import { campaignMedia } from '../media/facts.js';
import { campaignSheet, SHEET_FILE } from '../media/sheet-cache.js';
import { size } from '../media/validate.js';
import { campaignPath } from './load.js';
import { writeFileAtomic } from '../files.js';
import type { ReadyCampaign } from './check.js';
import { CHANNEL_LABELS, SOCIAL_CHANNELS, type RenderedMessage, type SocialChannel } from './messages.js';

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

/** The départements' messages, as the plan rendered them. */
export function renderDepartementMessages(ready: ReadyCampaign, departements: string[]): DepartementMessages[] {
  return ready.plan.departements
    .filter((d) => departements.length === 0 || departements.includes(d.departement.code))
    .map((d) => ({ code: d.departement.code, nom: d.departement.nom, messages: d.messages }));
}

export function annexMarkdown(title: string, dep: DepartementMessages, media: Array<{ fichier: string; type: string; taille: string; lien: string | null }> = []): string {
  const parts = [`# Messages proposés aux maires — ${dep.nom} (${dep.code})`, '', `Campagne : ${title}`, ''];
  for (const channel of SOCIAL_CHANNELS) {
    const m = dep.messages[channel];
    parts.push(`## ${CHANNEL_LABELS[channel]}${m.compte ? ` — ${m.compte}` : ''}`, '', '```text', m.texte, '```', '');
  }
  if (media.length) {
    parts.push('## Supports de la campagne, dans ce dossier', '');
    for (const m of media) parts.push(`- ${m.fichier} (${m.type}, ${m.taille})${m.lien ? ` — en ligne : ${m.lien}` : ''}`);
    parts.push('');
  }
  return parts.join('\n');
}

/**
 * Everything a mayor needs in one folder: the texts, the summary sheet and the campaign's media
 * (copied by the system, never read whole here).
 */
export async function writeDepartementMessages(ready: ReadyCampaign, deps: DepartementMessages[]): Promise<string[]> {
  const paths = ready.plan.paths;
  const written: string[] = [];
  const sheet = await campaignSheet(ready.campaign);
  const media = campaignMedia(ready.campaign).map((m) => ({ ...m, path: campaignPath(ready.campaign, ready.campaign.config.medias![m.nom]!.fichier) }));
  const listed = [{ fichier: SHEET_FILE, type: 'PDF', taille: size(sheet.length), lien: null }, ...media.map((m) => ({ fichier: basename(m.path), type: m.type, taille: m.taille, lien: m.lien }))];
  for (const dep of deps) {
    for (const channel of SOCIAL_CHANNELS) {
      const path = paths.message(dep.code, channel);
      await writeFileAtomic(path, `${dep.messages[channel].texte}\n`);
      written.push(path);
    }
    const sheetPath = paths.messagesFile(dep.code, SHEET_FILE);
    await writeFileAtomic(sheetPath, sheet);
    written.push(sheetPath);
    for (const m of media) {
      const target = paths.messagesFile(dep.code, basename(m.path));
      const tmp = `${target}.${process.pid}.tmp`;
      await copyFile(m.path, tmp);
      await rename(tmp, target);
      written.push(target);
    }
    const annex = paths.messagesFile(dep.code, 'annexe.md');
    await writeFileAtomic(annex, annexMarkdown(ready.campaign.config.campagne.titre, dep, listed));
    written.push(annex);
  }
  return written;
}
