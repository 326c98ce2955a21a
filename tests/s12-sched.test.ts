import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCampaign, readyCampaign } from '../src/campaign/check.js';
import { campaignKey } from '../src/campaign/load.js';
import { RelaisError } from '../src/errors.js';
import { Journal } from '../src/delivery/journal.js';
import { PostStore } from '../src/delivery/posts-store.js';
import { heldLine, queueCampaignPublications, templateText } from '../src/delivery/schedule-io.js';
import { formatWithOffset, parseDue } from '../src/delivery/time.js';
import { readEnvironment, SettingsError } from '../src/settings.js';
import { sampleCampaign, sampleWithoutPublications, setPublications } from './helpers/campaign.js';
import { olderJournal, queuedCampaign } from './helpers/older-journal.js';

const thrown = (work: () => unknown): RelaisError => {
  try {
    work();
  } catch (err) {
    if (err instanceof RelaisError) return err;
    throw err;
  }
  throw new Error('nothing thrown');
};

const fixTypo = (dir: string, from = 'ds la crise', to = 'dans la crise') => {
  const template = join(dir, 'templates', 'twitter.hbs');
  const text = readFileSync(template, 'utf8');
  expect(text).toContain(from);
  writeFileSync(template, text.replace(from, to));
};

describe('campaign publications cancelled by the user or withdrawn by relais', () => {
  it('a withdrawn draft frees its entry: the template put back as it was queues that version again', async () => {
    const { dir, journal, store } = await queuedCampaign([{ canal: 'twitter', date: '2031-04-11 09:00', modele: 'twitter' }]);
    try {
      fixTypo(dir);
      const second = await queueCampaignPublications(await readyCampaign(dir), store, new Date());
      expect(second.withdrawn.map((p) => p.id)).toEqual([1]);
      expect(store.get(1)).toMatchObject({ status: 'cancelled', source_key: null });
      expect(store.get(1)!.withdrawn_at).not.toBeNull();
      // The correction undone: the text of n° 1 is the campaign's again, and it is queued (n° 3).
      fixTypo(dir, 'dans la crise', 'ds la crise');
      const third = await queueCampaignPublications(await readyCampaign(dir), store, new Date());
      expect(third.added).toBe(1);
      expect(third.held).toEqual([]);
      const queued = store.list().filter((p) => p.status === 'queued');
      expect(queued.map((p) => p.text)).toEqual([store.get(1)!.text]);
    } finally {
      journal.close();
    }
  });

  it('a cancelled one deleted from campagne.yaml holds back no new publication of the next day', async () => {
    const { dir, journal, store } = await queuedCampaign([{ canal: 'twitter', date: '2031-04-11 09:00', modele: 'twitter' }]);
    try {
      expect(store.cancel(1)).toBe(true);
      // Cancelled, its entry deleted; another text the next day, on the same network.
      setPublications(dir, [{ canal: 'twitter', date: '2031-04-12 10:00', texte: 'Rejoignez la réserve sanitaire, inscriptions ouvertes' }]);
      const next = await queueCampaignPublications(await readyCampaign(dir), store, new Date());
      expect(next).toMatchObject({ added: 1, held: [] });
      expect(store.list().map((p) => [p.id, p.status])).toEqual([[1, 'cancelled'], [2, 'queued']]);
    } finally {
      journal.close();
    }
  });

  it('a cancelled one stays cancelled through a correction, and the run says so, once', async () => {
    const { dir, journal, store } = await queuedCampaign([{ canal: 'twitter', date: '2031-04-11 09:00', modele: 'twitter' }]);
    try {
      expect(store.cancel(1)).toBe(true);
      fixTypo(dir);
      const ready = await readyCampaign(dir);
      const again = await queueCampaignPublications(ready, store, new Date());
      expect(again).toMatchObject({ added: 0, withdrawn: [] });
      expect(again.held.map((p) => p.id)).toEqual([1]);
      const line = heldLine(again.held[0]!);
      expect(line).toContain('publication n° 1 (twitter, 2031-04-11 09:00) annulée');
      expect(line).toContain('relais schedule add --channel twitter');
      expect(line).not.toContain('déjà');
      // The next run has nothing more to say of it.
      expect(await queueCampaignPublications(ready, store, new Date())).toMatchObject({ added: 0, withdrawn: [], held: [] });
      expect(store.list().map((p) => p.status)).toEqual(['cancelled']);
    } finally {
      journal.close();
    }
  });

  it('in a journal written before withdrawn_at, tells the withdrawn drafts from the posts the user cancelled', async () => {
    // As an older relais left them: n° 1 withdrawn in the run that queued its new version n° 3
    // (same second), n° 2 cancelled by the user a day after it was queued; both keep their keys.
    const { journal, store: upgraded } = await olderJournal(
      [
        { canal: 'twitter', date: '2031-04-11 09:00', texte: 'Premier' },
        { canal: 'facebook', date: '2031-04-12 09:00', texte: 'Second' },
      ],
      `UPDATE posts SET status = 'cancelled', created_at = '2031-01-01T10:00:00.000Z', updated_at = '2031-01-02T10:00:00.400Z' WHERE id = 1;
       UPDATE posts SET status = 'cancelled', created_at = '2031-01-01T10:00:00.000Z', updated_at = '2031-01-02T11:00:00.000Z' WHERE id = 2;
       INSERT INTO posts (campaign, channel, text, local_time, tz, due_utc, status, source, source_key, created_at, updated_at)
         SELECT campaign, channel, 'Premier corrigé', local_time, tz, due_utc, 'queued', source, 'k3', '2031-01-02T10:00:00.100Z', '2031-01-02T10:00:00.100Z' FROM posts WHERE id = 1;`,
    );
    try {
      expect(upgraded.get(1)).toMatchObject({ status: 'cancelled', source_key: null, withdrawn_at: '2031-01-02T10:00:00.400Z' });
      expect(upgraded.get(2)).toMatchObject({ status: 'cancelled', withdrawn_at: null });
      expect(upgraded.get(2)!.source_key).not.toBeNull();
    } finally {
      journal.close();
    }
  });

  it('in a journal written before withdrawn_at, a cancellation it cannot attribute holds its entry put back, said once', async () => {
    // Cancelled, no new version after it: by the user, or withdrawn by an older relais when the
    // entry left campagne.yaml — the journal does not say.
    const { dir, journal, store: upgraded } = await olderJournal([{ canal: 'facebook', date: '2031-04-12 09:00', texte: 'Second' }], `UPDATE posts SET status = 'cancelled', updated_at = '2031-01-03T08:00:00.300Z' WHERE id = 1;`);
    try {
      expect(upgraded.get(1)).toMatchObject({ status: 'cancelled', upgrade_doubt: 'cancelled' });
      const first = await queueCampaignPublications(await readyCampaign(dir), upgraded, new Date());
      expect({ added: first.added, held: first.held.map((p) => p.id) }).toEqual({ added: 0, held: [1] });
      expect(heldLine(first.held[0]!)).toMatch(/ne dit pas si vous l'avez annulée .*\(dit une seule fois\) ; pour la publier quand même : relais schedule add --channel facebook/);
      const second = await queueCampaignPublications(await readyCampaign(dir), upgraded, new Date());
      expect({ added: second.added, held: second.held }).toEqual({ added: 0, held: [] });
      expect(upgraded.get(1)).toMatchObject({ status: 'cancelled', upgrade_doubt: null });
    } finally {
      journal.close();
    }
  });

  it('in a journal written before withdrawn_at, the new version an older relais queued after a cancellation leaves the queue, said once', async () => {
    // n° 1 cancelled after a refusal (last_error: the user's, beyond doubt); n° 2 queued three
    // days later at the same time by an older relais; n° 3 at another time and text: a new one.
    const { journal, store: upgraded } = await olderJournal(
      [{ canal: 'twitter', date: '2031-04-11 09:00', texte: 'Premier' }],
      `UPDATE posts SET status = 'cancelled', last_error = 'refusé', created_at = '2031-01-01T10:00:00.000Z', updated_at = '2031-01-02T11:00:00.000Z' WHERE id = 1;
       INSERT INTO posts (campaign, channel, text, local_time, tz, due_utc, status, source, source_key, created_at, updated_at)
         SELECT campaign, channel, 'Premier corrigé', local_time, tz, due_utc, 'queued', source, 'k2', '2031-01-05T09:00:00.000Z', '2031-01-05T09:00:00.000Z' FROM posts WHERE id = 1;
       INSERT INTO posts (campaign, channel, text, local_time, tz, due_utc, status, source, source_key, created_at, updated_at)
         SELECT campaign, channel, 'Autre', '2031-04-20 09:00', tz, due_utc, 'queued', source, 'k3', '2031-01-05T09:00:00.000Z', '2031-01-05T09:00:00.000Z' FROM posts WHERE id = 1;`,
    );
    try {
      expect(upgraded.list().map((p) => [p.id, p.status, p.upgrade_doubt])).toEqual([
        [1, 'cancelled', null],
        [2, 'cancelled', 'held'],
        [3, 'queued', null],
      ]);
      expect(heldLine(upgraded.get(2)!)).toMatch(/n° 2 \(twitter, 2031-04-11 09:00\) retirée de la file à la mise à jour du journal/);
    } finally {
      journal.close();
    }
  });
});

describe('publication dates in campagne.yaml', () => {
  it('refuses the autumn fold at its line, offering both instants with their offsets; a bad fuseau at its own field', async () => {
    const dir = sampleCampaign();
    setPublications(dir, [
      { canal: 'facebook', date: '2031-10-26 02:30', texte: 'Rappel aux volontaires' },
      { canal: 'twitter', date: '2031-10-27 09:00', texte: 'Rappel aux volontaires' },
    ]);
    const yaml = join(dir, 'campagne.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('    date: 2031-10-27 09:00\n', '    date: 2031-10-27 09:00\n    fuseau: Europe/Pariss\n'));
    const { report } = await checkCampaign(dir);
    const fold = report.errors.find((e) => e.field === 'publications.0.date');
    expect(fold?.file).toBe('campagne.yaml');
    const lines = readFileSync(yaml, 'utf8').split('\n');
    expect(lines[fold!.line! - 1]).toContain('date: 2031-10-26 02:30');
    expect(fold!.message).toContain('publication n° 1 de campagne.yaml');
    expect(fold!.message).toContain('2031-10-26T02:30+02:00 (la première fois) ou 2031-10-26T02:30+01:00 (la seconde)');
    expect(fold!.message).not.toMatch(/\d{2}Z/);
    expect(report.errors.find((e) => e.field === 'publications.1.fuseau')?.message).toContain('fuseau « Europe/Pariss » inconnu');
  });

  it('should one reach the queue unchecked, it is named in campagne.yaml, not as --at', async () => {
    const dir = sampleCampaign();
    setPublications(dir, [{ canal: 'twitter', date: '2031-10-27 09:00', texte: 'Rappel aux volontaires' }]);
    const ready = await readyCampaign(dir);
    ready.campaign.config.publications![0]!.date = '2031-10-26 02:30';
    const journal = Journal.open(dir, campaignKey(ready.campaign));
    try {
      const err = await queueCampaignPublications(ready, new PostStore(journal), new Date()).then(() => undefined, (e: unknown) => e as RelaisError);
      expect(err?.location).toMatchObject({ file: 'campagne.yaml', field: 'publications.0.date' });
      expect(err?.location.line).toBeGreaterThan(0);
      expect(err?.message).toContain('publication n° 1 de campagne.yaml : « 2031-10-26 02:30 » existe deux fois');
    } finally {
      journal.close();
    }
  });

  it('an instant written with its offset, as the message advises, is taken', () => {
    const now = new Date('2031-01-01T00:00:00Z');
    const message = thrown(() => parseDue('2031-10-26 02:30', 'Europe/Paris', now)).message;
    const offered = message.match(/2031-10-26T02:30[+-]\d{2}:\d{2}/g)!;
    expect(offered.map((o) => parseDue(o, 'Europe/Paris', now).utc.toISOString())).toEqual(['2031-10-26T00:30:00.000Z', '2031-10-26T01:30:00.000Z']);
  });

  it('writes an instant with the offset of its zone', () => {
    expect(formatWithOffset(new Date('2031-01-15T12:00:00Z'), 'America/Cayenne')).toBe('2031-01-15T09:00-03:00');
    expect(formatWithOffset(new Date('2031-07-01T07:00:05Z'), 'Asia/Kolkata')).toBe('2031-07-01T12:30:05+05:30');
    expect(thrown(() => parseDue('demain', 'Europe/Paris', new Date())).message).toContain('heure de Paris, fuseau Europe/Paris');
    expect(thrown(() => parseDue('demain', 'America/Cayenne', new Date())).message).toContain('heure de Guyane, fuseau America/Cayenne');
  });
});

describe('schedule add --template in a campaign of two départements', () => {
  it('refuses a template that differs by département without --dep (usage, exit 2), and renders the one given', async () => {
    const dir = sampleWithoutPublications();
    const template = join(dir, 'templates', 'twitter.hbs');
    writeFileSync(template, readFileSync(template, 'utf8').replace('#renfortscovid', '#renfortscovid {{departement.code}}'));
    const ready = await readyCampaign(dir);
    const err = thrown(() => templateText(ready, 'twitter'));
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('--dep 37 ou --dep 45');
    expect(err.message).toContain('(--text)');
    expect(templateText(ready, 'twitter', '45')).toContain('#renfortscovid 45');
    // A template that reads the same in both départements needs no --dep.
    expect(templateText(ready, 'facebook')).toBe(ready.plan.departement('45')!.messages.facebook.texte);
  });
});

describe('account ids of the networks', () => {
  it.each([
    ['RELAIS_LINKEDIN_ORGANIZATION', '12345678'],
    ['RELAIS_LINKEDIN_ORGANIZATION', 'urn:li:organization:12345678'],
    ['RELAIS_FACEBOOK_PAGE_ID', '104512345678901'],
  ])('%s=%s is taken', (name, value) => {
    expect(() => readEnvironment({ [name]: value })).not.toThrow();
  });

  it('names every variable refused and what it expects, as a usage error', () => {
    const err = thrown(() => readEnvironment({ RELAIS_LINKEDIN_ORGANIZATION: 'urn:li:organization:ars-cvl', RELAIS_FACEBOOK_PAGE_ID: 'ARSCentreValdeLoire' }));
    expect(err).toBeInstanceOf(SettingsError);
    expect(err.exitCode).toBe(2);
    expect((err as SettingsError).problems).toHaveLength(2);
    expect(err.message).toContain('RELAIS_LINKEDIN_ORGANIZATION : « urn:li:organization:ars-cvl » n\'est pas un identifiant');
    expect(err.message).toContain('urn:li:organization:12345678');
    expect(err.message).toContain('RELAIS_FACEBOOK_PAGE_ID : « ARSCentreValdeLoire » n\'est pas un identifiant ; le numéro de la page est attendu');
  });
});
