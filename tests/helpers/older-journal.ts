import { readyCampaign } from '../../src/campaign/check.js';
import { campaignKey } from '../../src/campaign/load.js';
import { Journal } from '../../src/delivery/journal.js';
import { PostStore } from '../../src/delivery/posts-store.js';
import { queueCampaignPublications } from '../../src/delivery/schedule-io.js';
import { sampleCampaign, setPublications } from './campaign.js';

/** A sample campaign with these `publications`, queued in its journal by a run of relais. The caller closes `journal`. */
export async function queuedCampaign(publications: Parameters<typeof setPublications>[1]) {
  const dir = sampleCampaign();
  setPublications(dir, publications);
  const key = campaignKey((await readyCampaign(dir)).campaign);
  const journal = Journal.open(dir, key);
  const store = new PostStore(journal);
  try {
    await queueCampaignPublications(await readyCampaign(dir), store, new Date());
  } catch (err) {
    journal.close();
    throw err;
  }
  return { dir, key, journal, store };
}

/**
 * A sample campaign whose `publications` a relais of before posts.withdrawn_at queued and left as
 * `olderState` says (SQL over the posts it queued), then reopened by this one: its journal
 * upgraded once. The caller closes `journal`.
 */
export async function olderJournal(publications: Parameters<typeof setPublications>[1], olderState: string) {
  const { dir, key, journal: older } = await queuedCampaign(publications);
  try {
    older.exec(`${olderState}\nALTER TABLE posts DROP COLUMN withdrawn_at;`);
  } finally {
    older.close();
  }
  const journal = Journal.open(dir, key);
  return { dir, journal, store: new PostStore(journal) };
}
