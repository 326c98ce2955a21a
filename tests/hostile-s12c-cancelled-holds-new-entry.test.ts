import { describe, expect, it } from 'vitest';
import { readyCampaign } from '../src/campaign/check.js';
import { campaignKey } from '../src/campaign/load.js';
import { Journal } from '../src/delivery/journal.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { queueCampaignPublications, withdrawnLine } from '../src/delivery/schedule-io.js';
import { sampleCampaign, setPublications } from './helpers/campaign.js';

/**
 * Hostile pass s12c: a post the user cancelled now stays cancelled when its entry in
 * campagne.yaml changes; which new entry is « its new version » is guessed (same time, else same
 * text, else the nearest within two days). The user who cancels a post and takes its entry out of
 * campagne.yaml (it is not wanted), then writes a new publication for the next day, gets the new
 * one held as the cancelled one's « version modifiée »: never published.
 */
describe('a cancelled campaign post whose entry was taken out', () => {
  it('does not hold a new, different publication planned the next day', async () => {
    const dir = sampleCampaign();
    setPublications(dir, [
      { canal: 'twitter', date: '2031-04-10 09:00', texte: 'Rappel, inscrivez-vous avant vendredi' },
      { canal: 'facebook', date: '2031-04-10 09:00', texte: 'Rappel, inscrivez-vous avant vendredi' },
    ]);
    const journal = Journal.open(dir, campaignKey((await readyCampaign(dir)).campaign));
    try {
      const store = new PostStore(journal);
      await queueCampaignPublications(await readyCampaign(dir), store, new Date());
      // Not wanted any more: cancelled, and its entry taken out of campagne.yaml.
      expect(store.cancel(1)).toBe(true);
      // A new publication for the next day, with a text of its own.
      setPublications(dir, [
        { canal: 'facebook', date: '2031-04-10 09:00', texte: 'Rappel, inscrivez-vous avant vendredi' },
        { canal: 'twitter', date: '2031-04-11 12:00', texte: 'Merci aux 300 premiers volontaires' },
      ]);
      const run = await queueCampaignPublications(await readyCampaign(dir), store, new Date());
      const queued = store.list().filter((p) => p.channel === 'twitter' && p.status === 'queued').map((p) => p.text);
      // What happens: added 0, held [1] — « publication n° 1 (twitter, 2031-04-10 09:00) annulée
      // (schedule cancel) : sa version modifiée dans campagne.yaml … reste annulée et n'est pas publiée ».
      expect({ queued, held: run.held.map((p) => p.id) }).toEqual({ queued: ['Merci aux 300 premiers volontaires'], held: [] });
    } finally {
      journal.close();
    }
  });
});

describe('a queued campaign post whose entry was taken out of campagne.yaml', () => {
  it('is said withdrawn without claiming that a current version replaces it', async () => {
    const dir = sampleCampaign();
    setPublications(dir, [
      { canal: 'twitter', date: '2031-04-10 09:00', texte: 'Premier' },
      { canal: 'facebook', date: '2031-04-12 09:00', texte: 'Second' },
    ]);
    const journal = Journal.open(dir, campaignKey((await readyCampaign(dir)).campaign));
    try {
      const store = new PostStore(journal);
      await queueCampaignPublications(await readyCampaign(dir), store, new Date());
      setPublications(dir, [{ canal: 'facebook', date: '2031-04-12 09:00', texte: 'Second' }]);
      const run = await queueCampaignPublications(await readyCampaign(dir), store, new Date());
      expect(run.withdrawn.map((p) => p.id)).toEqual([1]);
      // What is said: « … retirée : elle n'est plus dans campagne.yaml telle quelle (texte, modèle,
      // date ou médias modifiés) ; la version actuelle la remplace » — there is no current version.
      expect(withdrawnLine(run.withdrawn[0]!)).not.toContain('la version actuelle la remplace');
    } finally {
      journal.close();
    }
  });
});
