import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign, setPublications } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSocial, socialEnv, type SocialServer } from './servers/social.js';
import { parisTime } from './helpers/time.js';

/**
 * A campaign post published this morning; in the afternoon the communicator replaces its entry in
 * campagne.yaml by next week's reminder (another date, another text, written out): campagne.yaml
 * is kept as « what is still to go out ». src/delivery/schedule-io.ts queueCampaignPublications
 * pairs a published post with « the only changed entry of its network beside the only such
 * post » (third pair()), whatever its date and text: the reminder is taken for a corrected
 * version of the morning post, said « déjà publiée : sa version modifiée … n'est pas publiée une
 * seconde fois », and never published. An entry seven days later with no word in common is a
 * new publication, not a correction.
 */
let social: SocialServer | undefined;
afterEach(async () => {
  await social?.close();
  social = undefined;
});

describe('a published campaign post whose entry is replaced by a new one', () => {
  it('queues the new post instead of holding it as a corrected version of the published one', async () => {
    social = await startSocial();
    const dir = sampleCampaign();
    const published = parisTime(3);
    setPublications(dir, [{ canal: 'twitter', date: published, modele: 'twitter' }]);
    const env = socialEnv(social);
    const first = await relais(['-C', dir, 'schedule', 'run'], { env });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(social.published).toHaveLength(1);

    // The published entry gives its place to next week's reminder.
    setPublications(dir, [{ canal: 'twitter', date: '2031-04-18 09:00', texte: 'Rappel aux volontaires inscrits' }]);
    const second = await relais(['-C', dir, 'schedule', 'run'], { env });
    expect(second.code, second.stderr).toBe(0);
    // Today: « publication n° 1 (twitter, …) déjà publiée : sa version modifiée … n'est pas publiée une seconde fois ».
    expect(second.stdout + second.stderr).not.toMatch(/déjà publiée : sa version modifiée/);
    const list = await relaisJson<Array<{ status: string; local_time: string; text: string }>>(['-C', dir, 'schedule', 'list']);
    expect(list.json.map((p) => [p.status, p.local_time])).toEqual([
      ['published', published],
      ['queued', '2031-04-18 09:00'],
    ]);
  });
});
