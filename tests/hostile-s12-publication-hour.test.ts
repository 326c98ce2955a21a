import { describe, expect, it } from 'vitest';
import { checkCampaign } from '../src/campaign/check.js';
import { RelaisError } from '../src/errors.js';
import { parseDue } from '../src/delivery/time.js';
import { sampleCampaign, setPublications } from './helpers/campaign.js';

/**
 * Posts planned around the daylight-saving changes in campagne.yaml. `relais schedule add --at`
 * refuses « 2031-03-30 02:30 » (does not exist in Paris) and « 2031-10-26 02:30 » (exists twice),
 * as README promises. Written under `publications:` instead, `relais check` says « ✔ Aucune erreur
 * … la campagne est prête » (the date is only read when the post is queued, in
 * src/delivery/schedule-io.ts queueCampaignPublications). `relais schedule run` then stops on
 * « relais : « 2031-10-26 02:30 » existe deux fois à Europe/Paris … (--at) » — naming an option
 * the user never typed, without campagne.yaml or its line — and `relais run`, whose first step is
 * that check, writes the letters and sends every email before stopping there, without its
 * summary table.
 */
describe('a publication of campagne.yaml at an hour the clock skips or repeats', () => {
  it('is an error of relais check, naming campagne.yaml and the entry’s date field', async () => {
    const dir = sampleCampaign();
    setPublications(dir, [
      { canal: 'twitter', date: '2031-03-30 02:30', texte: 'Rappel aux volontaires' },
      { canal: 'facebook', date: '2031-10-26 02:30', texte: 'Rappel aux volontaires' },
    ]);
    const { report } = await checkCampaign(dir);
    const about = (i: number) => report.errors.filter((e) => e.file === 'campagne.yaml' && e.field?.startsWith(`publications.${i}.date`));
    expect(report.ok, 'check dit « la campagne est prête »').toBe(false);
    expect(about(0), JSON.stringify(report.errors)).toHaveLength(1);
    expect(about(1), JSON.stringify(report.errors)).toHaveLength(1);
  });
});

describe('the autumn fold at the command line', () => {
  it('offers the two readings of 02:30 with their Paris offsets, not two UTC instants the user must convert', () => {
    // Today: « … par exemple 2031-10-26T00:30:00.000Z ou 2031-10-26T01:30:00.000Z » for a user who
    // typed 02:30 — the right instants, written as 00:30 and 01:30, neither of which they asked for.
    let message = '';
    try {
      parseDue('2031-10-26 02:30', 'Europe/Paris', new Date('2031-01-01T00:00:00Z'));
    } catch (err) {
      message = (err as RelaisError).message;
    }
    expect(message).toContain('existe deux fois');
    expect(message).toMatch(/2031-10-26T02:30(:00)?\+02:00/);
    expect(message).toMatch(/2031-10-26T02:30(:00)?\+01:00/);
  });
});

describe('an unreadable --at in an overseas campaign', () => {
  it('says the hour is read at La Réunion’s time, not « heure de Paris »', () => {
    // A communicator of the ARS La Réunion types « 11/04/2031 9h » (a form relais does not read).
    // The answer tells them to write « AAAA-MM-JJ HH:MM » (heure de Paris ou du fuseau donné): they
    // convert to Paris time (two hours behind in April), and relais reads the hour at La Réunion's
    // time (their campaign's zone, src/data/zones.ts) — the post goes out two hours early.
    let message = '';
    try {
      parseDue('11/04/2031 9h', 'Indian/Reunion', new Date('2031-01-01T00:00:00Z'));
    } catch (err) {
      message = (err as RelaisError).message;
    }
    expect(message).toContain('illisible');
    expect(message).not.toContain('heure de Paris');
    expect(message).toMatch(/Réunion/);
  });
});
