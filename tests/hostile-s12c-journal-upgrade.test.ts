import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readyCampaign } from '../src/campaign/check.js';
import { queueCampaignPublications } from '../src/delivery/schedule-io.js';
import { setPublications } from './helpers/campaign.js';
import { olderJournal } from './helpers/older-journal.js';

/**
 * Hostile pass s12c: the one-time upgrade of a journal written before withdrawn_at. An older
 * relais withdrew a queued campaign post in two cases: its entry changed (a new version queued in
 * the same run: the upgrade recognises it) or its entry was taken out of campagne.yaml (no new
 * version: the upgrade takes it for a post the user cancelled, and that cancellation is binding).
 * And a post the user cancelled that an older relais had already queued again after a correction
 * (the bug fixed this session) stays queued through the upgrade: published after all.
 */
describe('journal upgrade: a post an older relais withdrew because its entry was taken out', () => {
  it('the entry put back in campagne.yaml is queued again, or at least said held, not dropped without a word', async () => {
    // As an older relais left it: the facebook entry taken out of campagne.yaml (the date not
    // settled yet), and the next run withdrew its queued post — cancelled, key kept, no new
    // version queued since there was none. Nobody ran `schedule cancel`. Then relais upgraded;
    // the agent puts the facebook publication back, as it was.
    const { dir, journal, store: upgraded } = await olderJournal(
      [
        { canal: 'twitter', date: '2031-04-11 09:00', texte: 'Premier' },
        { canal: 'facebook', date: '2031-04-12 09:00', texte: 'Second' },
      ],
      `UPDATE posts SET status = 'cancelled', created_at = '2031-01-01T10:00:00.000Z', updated_at = '2031-01-03T08:00:00.300Z' WHERE id = 2;
       UPDATE posts SET created_at = '2031-01-01T10:00:00.000Z', updated_at = '2031-01-01T10:00:00.000Z' WHERE id = 1;`,
    );
    try {
      const run = await queueCampaignPublications(await readyCampaign(dir), upgraded, new Date());
      const facebook = upgraded.list().filter((p) => p.channel === 'facebook');
      // What happens: nothing is queued and nothing is said (added 0, held []): the post the
      // older relais withdrew is taken for a user's cancellation, and the entry is never published.
      // The upgrade cannot always tell the two apart; but then the run must at least say that the
      // entry is held by a cancelled post (held), not drop it without a word.
      const queued = facebook.filter((p) => p.status === 'queued').map((p) => p.text);
      expect({ queued, held: run.held.map((p) => p.id) }).not.toEqual({ queued: [], held: [] });
    } finally {
      journal.close();
    }
  });
});

describe('journal upgrade: a post the user cancelled that an older relais had already queued again', () => {
  it('the version the older relais queued after the cancellation is not published (or at least said)', async () => {
    // The key the older relais gave the corrected entry (unchanged since: a post without media
    // keeps the key it always had, schedule-io.ts).
    const entryKey = createHash('sha256').update(JSON.stringify(['twitter', '2031-04-11 09:00', 'Europe/Paris', 'Premier corrigé'])).digest('hex').slice(0, 24);
    // As an older relais left it (the bug this session fixed, eb899e2 / 955a5a0): n° 1
    // cancelled by the user on 2 January; its text corrected in campagne.yaml on the 5th, and
    // that run queued the corrected text as n° 2, the cancellation forgotten. Then relais upgraded.
    const { dir, journal, store: upgraded } = await olderJournal(
      [{ canal: 'twitter', date: '2031-04-11 09:00', texte: 'Premier' }],
      `UPDATE posts SET status = 'cancelled', created_at = '2031-01-01T10:00:00.000Z', updated_at = '2031-01-02T11:00:00.000Z' WHERE id = 1;
       INSERT INTO posts (campaign, channel, text, local_time, tz, due_utc, status, source, source_key, created_at, updated_at)
         SELECT campaign, channel, 'Premier corrigé', local_time, tz, due_utc, 'queued', source, '${entryKey}', '2031-01-05T09:00:00.000Z', '2031-01-05T09:00:00.000Z' FROM posts WHERE id = 1;`,
    );
    try {
      setPublications(dir, [{ canal: 'twitter', date: '2031-04-11 09:00', texte: 'Premier corrigé' }]);
      const again = await queueCampaignPublications(await readyCampaign(dir), upgraded, new Date());
      // The key is the entry's: nothing new was queued beside n° 2.
      expect(upgraded.list().map((p) => p.id)).toEqual([1, 2]);
      const queued = upgraded.list().filter((p) => p.status === 'queued').map((p) => p.id);
      // What happens: n° 2 (« Premier corrigé ») stays queued and is published on the 11th,
      // nothing said, though the user cancelled that publication.
      expect({ queued, held: again.held.map((p) => p.id) }).not.toEqual({ queued: [2], held: [] });
    } finally {
      journal.close();
    }
  });
});
