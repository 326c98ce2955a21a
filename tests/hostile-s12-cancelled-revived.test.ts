import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readyCampaign } from '../src/campaign/check.js';
import { campaignKey } from '../src/campaign/load.js';
import { Journal } from '../src/delivery/journal.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { queueCampaignPublications, withdrawnLine } from '../src/delivery/schedule-io.js';
import { sampleCampaign, setPublications } from './helpers/campaign.js';

/**
 * The ARS communicator decides not to publish the campaign's tweet: `relais schedule cancel 1`, as
 * the README says (« cancel annule un message prévu »). Days later the préfecture fixes a typo in
 * templates/twitter.hbs — the same template writes the mayors' annex, so it is edited for them,
 * not for the agency's account. The next `relais run` / `schedule run` computes a new key for the
 * entry (its text changed), pairs it only with published / unconfirmed posts
 * (queueCampaignPublications in src/delivery/schedule-io.ts), and queues it again as n° 2 — the
 * cancelled tweet is back in the queue and goes out at its hour, and the run says nothing about it
 * (« Rien à publier pour l’instant. … 1 prévue, 1 annulée »).
 *
 * Reproduced with the CLI: init, keep one `canal: twitter, date: 2031-04-11 09:00, modele: twitter`
 * entry, `schedule run`, `schedule cancel 1`, `sed -i 's/ds la crise/dans la crise/'
 * templates/twitter.hbs`, `schedule run`, `schedule list` → n° 1 annulé, n° 2 prévu.
 */
describe('a campaign publication cancelled by the user, then its template corrected for the mayors', () => {
  it('stays cancelled: no new queued version of it (or the run names the cancelled n° 1 it revives)', async () => {
    const dir = sampleCampaign();
    setPublications(dir, [{ canal: 'twitter', date: '2031-04-11 09:00', modele: 'twitter' }]);
    const first = await readyCampaign(dir);
    const journal = Journal.open(dir, campaignKey(first.campaign));
    try {
      const store = new PostStore(journal);
      const queued = await queueCampaignPublications(first, store, new Date());
      expect(queued.added).toBe(1);
      const [post] = store.list();
      expect(store.cancel(post!.id)).toBe(true);

      const template = join(dir, 'templates', 'twitter.hbs');
      writeFileSync(template, readFileSync(template, 'utf8').replace('ds la crise', 'dans la crise'));
      const second = await readyCampaign(dir);
      const again = await queueCampaignPublications(second, store, new Date());

      const waiting = store.list().filter((p) => p.status === 'queued');
      // What the run would say of it: the withdrawn / held lines it prints.
      const said = [...again.withdrawn.map(withdrawnLine), ...again.held.map((p) => `n° ${p.id}`)].join('\n');
      expect(
        waiting.length === 0 || said.includes(`n° ${post!.id}`),
        `publication n° ${post!.id} annulée par l'utilisateur, de nouveau prévue sous ${waiting.map((p) => `n° ${p.id} (${p.local_time})`).join(', ')} sans un mot`,
      ).toBe(true);
    } finally {
      journal.close();
    }
  });
});
