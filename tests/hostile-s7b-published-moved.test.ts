import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign, setPublications } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { startSocial, socialEnv, type SocialServer } from './servers/social.js';
import { parisTime } from './helpers/time.js';

/**
 * A campaign post published this morning; the communicator then edits campagne.yaml in one go:
 * the published entry's hour is written as it really went out and its template corrected, and
 * next week's reminder (another twitter entry, still queued) gets a reworded text. In
 * src/delivery/schedule-io.ts queueCampaignPublications the published post is paired with its new
 * entry by the same time (no: moved), the same text (no: corrected), or « the only changed entry
 * of its network » (no: the reminder changed too): nothing stands for it, the moved entry is queued
 * in the past (allowPast), less than 24 h late, and published at once — the account carries the
 * morning post twice.
 */
let social: SocialServer | undefined;
afterEach(async () => {
  await social?.close();
  social = undefined;
});

describe('a published campaign post whose date and text change while another entry of its network changes', () => {
  it('is not published a second time', async () => {
    social = await startSocial();
    const dir = sampleCampaign();
    const entries = (at: string, reminder: string) => [{ canal: 'twitter', date: at, modele: 'twitter' }, { canal: 'twitter', date: '2031-04-18 09:00', texte: reminder }];
    setPublications(dir, entries(parisTime(3), 'Rappel aux volontaires'));
    const env = socialEnv(social);
    const first = await relais(['-C', dir, 'schedule', 'run'], { env });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(social.published).toHaveLength(1);

    const template = join(dir, 'templates', 'twitter.hbs');
    writeFileSync(template, readFileSync(template, 'utf8').replace('ds la crise', 'dans la crise'));
    setPublications(dir, entries(parisTime(4), 'Rappel à tous les volontaires'));
    const second = await relais(['-C', dir, 'schedule', 'run'], { env });
    expect(second.code, second.stderr).toBe(0);
    // Today: « ✔ n° 3 twitter : publié … » — the morning post a second time.
    expect(social.published, second.stdout).toHaveLength(1);
  });
});
