import { readyCampaign } from '../../src/campaign/check.js';
import { campaignKey } from '../../src/campaign/load.js';
import { Journal } from '../../src/delivery/journal.js';
import { PostStore } from '../../src/delivery/posts-store.js';
import { formatLocal } from '../../src/delivery/time.js';
import { sampleWithoutPublications } from './campaign.js';

/**
 * The sample campaign without its publications, with these posts queued in its journal as
 * `schedule add` queues them (Paris time), each due at its instant: what `schedule run` then
 * publishes to these servers.
 */
export async function sampleWithDuePosts(posts: Array<{ channel: 'twitter' | 'facebook' | 'linkedin'; text: string; at: Date }>): Promise<string> {
  const dir = sampleWithoutPublications();
  const journal = Journal.open(dir, campaignKey((await readyCampaign(dir)).campaign));
  try {
    const store = new PostStore(journal);
    for (const p of posts) store.add({ channel: p.channel, text: p.text, local: formatLocal(p.at, 'Europe/Paris'), tz: 'Europe/Paris', utc: p.at, source: 'cli' });
  } finally {
    journal.close();
  }
  return dir;
}
