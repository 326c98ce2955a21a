import { describe, expect, it } from 'vitest';
import { heldBack, tallyLine } from '../src/cli/schedule-run.js';
import { Journal } from '../src/delivery/journal.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { emptyRun } from '../src/delivery/schedule.js';
import { tempDir } from './helpers/campaign.js';

/** heldBack: the due posts a run left untried because their network stopped, each named with why. */
describe('posts held back by a network stopped for the run', () => {
  it('names the untried posts of a network limited, refused or down, and only those', () => {
    const journal = Journal.open(tempDir(), 'held');
    try {
      const store = new PostStore(journal);
      const now = new Date();
      const due = new Date(now.getTime() - 60_000);
      const add = (channel: 'twitter' | 'facebook' | 'linkedin', text: string) => store.add({ channel, text, local: '2031-04-11 09:00', tz: 'Europe/Paris', utc: due, source: 'cli' })!.id;
      const fbLimited = add('facebook', 'Premier appel');
      const fbHeld = add('facebook', 'Deuxième appel');
      const xRefused = add('twitter', 'Appel sur X');
      const xHeld = add('twitter', 'Autre appel sur X');
      const liHeld = add('linkedin', 'Appel sur LinkedIn');
      const until = new Date(now.getTime() + 7 * 60_000).toISOString();
      store.update(fbLimited, { next_attempt_utc: until });
      const r = emptyRun();
      r.deferred.push({ id: fbLimited, channel: 'facebook', until, reason: 'Facebook : limite d’appels de la page atteinte (code 80001)', tz: 'Europe/Paris' });
      r.authErrors.push('X refuse les identifiants : renouvelez RELAIS_X_ACCESS_TOKEN et RELAIS_X_ACCESS_SECRET');
      r.authChannels.push('twitter');
      r.failed.push({ id: xRefused, channel: 'twitter', reason: 'refusé' });
      const held = heldBack(store, r, now);
      expect(held.map((p) => [p.id, p.channel, p.failure])).toEqual([
        [fbHeld, 'facebook', false],
        [xHeld, 'twitter', true],
      ]);
      expect(held[0]!.reason).toMatch(/^pas tentée, elle reste prévue : Facebook limite les appels jusqu’à \d{4}-\d\d-\d\d \d\d:\d\d/);
      expect(held[1]!.reason).toContain('X a refusé un identifiant ou une permission');
      // A network down: its untried posts too; nothing stopped: nothing held.
      const down = emptyRun();
      down.outages.push({ channel: 'linkedin', attempts: 3, reason: 'LinkedIn injoignable (ECONNREFUSED)' });
      expect(heldBack(store, down, now).map((p) => [p.id, p.reason])).toEqual([[liHeld, 'pas tentée, elle reste prévue : LinkedIn ne répond pas']]);
      expect(heldBack(store, emptyRun(), now)).toEqual([]);
    } finally {
      journal.close();
    }
  });
});

describe('the campaign’s posts in one line', () => {
  it('says which planned post a run is publishing right now', () => {
    const line = tallyLine({ publiees: 0, prevues: 2, repetees: 0, enCours: 1, refusees: 0, nonConfirmees: 0, annulees: 0 });
    expect(line).toBe('Publications de la campagne : 0 publiée sur les réseaux, 2 prévues (dont 1 en cours de publication).');
  });
});
