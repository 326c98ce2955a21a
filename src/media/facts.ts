import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Campaign } from '../campaign/load.js';
import { campaignPath } from '../campaign/load.js';
import { sniff } from './probe.js';
import { size } from './validate.js';

/**
 * What the mayors are told of the campaign's media: each declared medium's size and type, and its
 * address when it is online. The video is offered as a link with its size, never attached (a
 * town hall's mailbox refuses a 20 MB email). Read once per campaign: a stat and 64 bytes a file.
 */
export interface OnlineMedium {
  nom: string;
  titre: string | null;
  lien: string | null;
  taille: string;
  octets: number;
  type: 'vidéo MP4' | 'image PNG' | 'image JPEG' | 'PDF' | 'fichier';
}

const cache = new WeakMap<object, OnlineMedium[]>();

export function campaignMedia(campaign: Pick<Campaign, 'dir' | 'config'>): OnlineMedium[] {
  const known = cache.get(campaign.config);
  if (known) return known;
  const out: OnlineMedium[] = [];
  for (const [nom, m] of Object.entries(campaign.config.medias ?? {})) {
    const path = campaignPath(campaign, m.fichier);
    let octets: number;
    const head = Buffer.alloc(64);
    try {
      octets = statSync(path).size;
      const fd = openSync(path, 'r');
      try {
        readSync(fd, head, 0, 64, 0);
      } finally {
        closeSync(fd);
      }
    } catch {
      continue; // `check` reports a missing medium
    }
    const format = sniff(head);
    const type = format === 'mp4' ? 'vidéo MP4' : format === 'png' ? 'image PNG' : format === 'jpeg' ? 'image JPEG' : format === 'pdf' ? 'PDF' : 'fichier';
    out.push({ nom, titre: m.titre ?? null, lien: m.lien ?? null, taille: size(octets), octets, type });
  }
  cache.set(campaign.config, out);
  return out;
}

/** The campaign's video for the templates and the annex: the first declared MP4, or null. */
export function campaignVideo(campaign: Pick<Campaign, 'dir' | 'config'>): { nom: string; titre: string | null; lien: string | null; taille: string } | null {
  const v = campaignMedia(campaign).find((m) => m.type === 'vidéo MP4');
  return v ? { nom: v.nom, titre: v.titre, lien: v.lien, taille: v.taille } : null;
}
