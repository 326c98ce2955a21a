import type { Campaign } from '../campaign/load.js';
import { toCsv } from '../data/csv-write.js';
import { exportedMediumName } from '../media/declared.js';
import type { PostStore } from './posts-store.js';
import type { CampaignMedia } from './schedule-import.js';

/** `schedule export`: the calendar as a CSV that `schedule import` (schedule-io.ts) reads back. */

/**
 * The posts as a CSV that `schedule import` reads back: with their media (a name declared under
 * `medias:`, or a file of the campaign) and each one's alt text, one column pair per medium.
 */
export function exportPosts(store: PostStore, media?: CampaignMedia): string {
  const posts = store.list();
  const carried = new Map(posts.map((p) => [p.id, media?.store.of(p.id) ?? []]));
  const most = Math.max(0, ...[...carried.values()].map((m) => m.length));
  const header = ['id', 'canal', 'date', 'texte', 'statut', 'fuseau'];
  for (let n = 1; n <= most; n++) header.push(`media_${n}`, `texte_alternatif_${n}`);
  return toCsv(
    header,
    posts.map((p) => {
      const cells: Array<string | number> = [p.id, p.channel, p.due_utc, p.text, p.status, p.tz];
      const own = carried.get(p.id)!;
      for (let n = 0; n < most; n++) cells.push(own[n] ? exportedMediumName(media!.campaign, own[n]!) : '', own[n]?.alt ?? '');
      return cells;
    }),
  );
}
