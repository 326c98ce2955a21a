import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readyCampaign } from '../src/campaign/check.js';
import { campaignKey } from '../src/campaign/load.js';
import { Journal } from '../src/delivery/journal.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { publishDue } from '../src/delivery/schedule.js';
import { queueCampaignPublications } from '../src/delivery/schedule-io.js';
import { publishers } from '../src/delivery/social.js';
import { readEnvironment } from '../src/settings.js';
import { sampleCampaign, setPublications } from './helpers/campaign.js';
import { parisTime } from './helpers/time.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/**
 * The campaign's tweet leaves and X's answer never comes: `unconfirmed`. `relais schedule list`
 * advises: « vérifiez sur le réseau : s’il n’y est pas, reprogrammez-le (schedule add), sinon
 * annulez-le (schedule cancel) ». The communicator finds it on the account and, as told, cancels
 * n° 1. Later the préfecture corrects a typo in templates/twitter.hbs (for the mayors' annex).
 * The next `relais run` / `schedule run` pairs a changed campaign entry only with posts published,
 * publishing or unconfirmed (queueCampaignPublications, src/delivery/schedule-io.ts): the cancelled
 * n° 1 is not among them, so the corrected entry is queued as new — due two hours ago, less than
 * a day late — and published at once. The account carries the campaign's tweet twice, by
 * following relais's own advice.
 */
let server: SocialServer;
beforeAll(async () => {
  server = await startSocial();
});
afterAll(() => server.close());

describe('an unconfirmed campaign post found online, cancelled as advised, then its template corrected', () => {
  it('is not published a second time', async () => {
    const dir = sampleCampaign();
    setPublications(dir, [{ canal: 'twitter', date: parisTime(2), modele: 'twitter' }]);
    const env = readEnvironment({ ...socialEnv(server), RELAIS_HTTP_TIMEOUT_MS: '300' });
    const first = await readyCampaign(dir);
    const journal = Journal.open(dir, campaignKey(first.campaign));
    try {
      const store = new PostStore(journal);
      const pubs = publishers(env, join(dir, 'out', 'publications'), dir);
      // X takes the tweet (it is on the account) and never answers.
      server.script.twitter.push({ hang: true, status: 0 });
      await queueCampaignPublications(first, store, new Date());
      const run = await publishDue(store, pubs, { now: () => new Date(), retryBaseMs: 1 });
      expect(run.unconfirmed).toHaveLength(1);
      const tweeted = server.received.filter((r) => r.network === 'twitter').length;
      expect(tweeted).toBe(1);
      // « sinon annulez-le (schedule cancel) »
      expect(store.cancel(run.unconfirmed[0]!.id)).toBe(true);

      const template = join(dir, 'templates', 'twitter.hbs');
      writeFileSync(template, readFileSync(template, 'utf8').replace('ds la crise', 'dans la crise'));
      await queueCampaignPublications(await readyCampaign(dir), store, new Date());
      await publishDue(store, pubs, { now: () => new Date(), retryBaseMs: 1 });
      expect(server.received.filter((r) => r.network === 'twitter'), 'the campaign tweet sent to X a second time').toHaveLength(tweeted);
    } finally {
      journal.close();
    }
  });
});
