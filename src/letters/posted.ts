import type { ReadyCampaign } from '../campaign/check.js';
import { RelaisError } from '../errors.js';
import { lastPrinted } from './generate.js';

/**
 * `relais letters --posted`: the letters of the last print file of each département (or of those
 * chosen) were printed and posted. Recorded in the journal, those town halls are reached: their
 * letter is not printed again, and no email goes to them if an address turns up later.
 */
export interface PostedFiles {
  /** Letters newly recorded (a letter already recorded keeps its first date). */
  added: number;
  files: Array<{ dep: string; date: string; letters: number }>;
}

export async function recordPosted(ready: ReadyCampaign, departements: string[]): Promise<PostedFiles> {
  const printed = [...(await lastPrinted(ready.plan))].filter(([, v]) => !departements.length || departements.includes(v.dep));
  if (!printed.length) {
    throw new RelaisError(`aucun fichier à imprimer n'a encore été écrit${departements.length ? ` pour ${departements.join(', ')}` : ''} : lancez « relais letters », imprimez et postez les fichiers, puis « relais letters --posted »`, { field: '--posted' });
  }
  const files = new Map<string, { dep: string; date: string; letters: number }>();
  for (const [, v] of printed) {
    const f = files.get(v.dep) ?? { dep: v.dep, date: v.date, letters: 0 };
    f.letters++;
    files.set(v.dep, f);
  }
  const letters = printed.map(([code, v]) => {
    const r = ready.plan.recipient(code);
    return { commune: code, departement: v.dep, recipient: r ? r.letter.model.adresse.join(' / ') : code, hash: r?.letter.key ?? '' };
  });
  const { Journal } = await import('../delivery/journal.js');
  const journal = Journal.open(ready.campaign.dir, ready.plan.campaign);
  try {
    const when = new Date().toISOString().slice(0, 10);
    return { added: journal.markPosted(letters, `lettre postée (fichier à imprimer noté posté le ${when})`), files: [...files.values()] };
  } finally {
    journal.close();
  }
}
