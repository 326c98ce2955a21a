import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign, setPublications } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSocial, socialEnv, type SocialServer } from './servers/social.js';
import { parisTime } from './helpers/time.js';

/**
 * A campaign post of campagne.yaml (`publications:`, modele: twitter) was published this morning.
 * In the afternoon the communicator fixes a typo in templates/twitter.hbs — the same template
 * feeds the annex of the letters and the emails, so the fix is wanted there — and runs
 * `schedule run` (or `relais run`) again. relais queues the corrected text as a new publication
 * and publishes it at once: the agency's account carries the post twice, without a word and
 * without --publish-late (it is less than 24 h late). The same happens when the post's time is
 * moved in campagne.yaml. Emails have --resend-changed for this; posts have nothing
 * (src/delivery/schedule-io.ts queueCampaignPublications keys a campaign post by a hash of its
 * channel, date, text and media: a corrected text is a new key, queued; only a still-queued old
 * version is withdrawn, a published one is not looked at).
 */
let social: SocialServer | undefined;
afterEach(async () => {
  await social?.close();
  social = undefined;
});

describe('a campaign post already published, then its template corrected', () => {
  it('is not published a second time on its own', async () => {
    social = await startSocial();
    const dir = sampleCampaign();
    setPublications(dir, [{ canal: 'twitter', date: parisTime(3), modele: 'twitter' }]);
    const env = socialEnv(social);
    const first = await relais(['-C', dir, 'schedule', 'run'], { env });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(social.published).toHaveLength(1);

    const template = join(dir, 'templates', 'twitter.hbs');
    writeFileSync(template, readFileSync(template, 'utf8').replace('ds la crise', 'dans la crise'));
    const second = await relais(['-C', dir, 'schedule', 'run'], { env });
    // Today: « ✔ n° 2 twitter : publié … » — the same campaign post, twice on the account.
    expect(social.published, second.stdout).toHaveLength(1);
  });
});

describe('a new campaign post added above a published one whose template is corrected', () => {
  it('queues the new post, and the published one stands for its own corrected entry only', async () => {
    social = await startSocial();
    const dir = sampleCampaign();
    const published = parisTime(3);
    setPublications(dir, [{ canal: 'twitter', date: published, modele: 'twitter' }]);
    const env = socialEnv(social);
    expect((await relais(['-C', dir, 'schedule', 'run'], { env })).code).toBe(0);
    expect(social.published).toHaveLength(1);

    // A reminder added above it, and the template corrected.
    setPublications(dir, [{ canal: 'twitter', date: '2031-04-18 09:00', texte: 'Rappel aux volontaires' }, { canal: 'twitter', date: published, modele: 'twitter' }]);
    const template = join(dir, 'templates', 'twitter.hbs');
    writeFileSync(template, readFileSync(template, 'utf8').replace('ds la crise', 'dans la crise'));
    const second = await relais(['-C', dir, 'schedule', 'run'], { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout + second.stderr).toMatch(/publication n° 1 \(twitter, .*\) déjà publiée : sa version modifiée/);
    expect(social.published).toHaveLength(1);
    const list = await relaisJson<Array<{ id: number; status: string; local_time: string; text: string }>>(['-C', dir, 'schedule', 'list']);
    expect(list.json.map((p) => [p.status, p.local_time])).toEqual([
      ['published', published],
      ['queued', '2031-04-18 09:00'],
    ]);
  });
});
