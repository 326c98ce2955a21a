import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { balanced, OUTSIDE_PERIOD } from '../src/campaign/accounting.js';
import { loadCampaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { ProblemList } from '../src/problems.js';
import { dayOf } from '../src/tracker/aggregate.js';
import { parseDay, placeOf, postalPrefix } from '../src/tracker/cells.js';
import { AGAINST_ORDER, DateOrder } from '../src/tracker/date-order.js';
import { AFTER_LETTER_DATE, campaignToday, track } from '../src/tracker/figures.js';
import { leadingZeros } from '../src/tracker/id-zeros.js';
import { Volunteers } from '../src/tracker/volunteers.js';
import { sampleLoiret, tempDir } from './helpers/campaign.js';

/** The tracker's answers to the s14d findings, in-process: CEDEX, repairs, date order, zeros, the letters' date. */
const ref = communeReference();
const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('postal codes no commune has', () => {
  it('name their département by their first digits, Corsica and La Réunion’s CEDEX included', () => {
    expect(postalPrefix('45057')).toBe('45');
    expect(postalPrefix('20090')).toBe('2A');
    expect(postalPrefix('20188')).toBe('2A');
    expect(postalPrefix('20200')).toBe('2B');
    expect(postalPrefix('20699')).toBe('2B');
    expect(postalPrefix('97743')).toBe('974');
    expect(postalPrefix('97801')).toBe('974');
    expect(postalPrefix('97262')).toBe('972');
  });

  it('are repaired as for the town halls, and the repair is told', () => {
    expect(placeOf(ref, '', '45000', '')).toEqual({ departement: '45' });
    expect(placeOf(ref, '', '45 000', '')).toEqual({ departement: '45', postalRepaired: '45000' });
    expect(placeOf(ref, '', '6190', '')).toEqual({ departement: '06', postalRepaired: '06190' });
    // The INSEE code gave it: the postal code's repair is nothing to say.
    expect(placeOf(ref, '', '6190', '45234')).toEqual({ departement: '45' });
    expect(placeOf(ref, '', '619', '')).toEqual({});
  });
});

describe('ids of digits', () => {
  it('have their leading zeros counted, the last digit kept; other ids none', () => {
    expect(leadingZeros(bytes('000101'), 0, 6)).toBe(3);
    expect(leadingZeros(bytes('101'), 0, 3)).toBe(0);
    expect(leadingZeros(bytes('000'), 0, 3)).toBe(2);
    expect(leadingZeros(bytes('0'), 0, 1)).toBe(0);
    expect(leadingZeros(bytes('00A1'), 0, 4)).toBe(0);
  });
});

describe('the order of a column’s slashed dates', () => {
  const both = (s: string) => [parseDay(s) ?? -1, parseDay(s, undefined, true) ?? -1] as const;

  it('reads month/day throughout once a date proves it, the rows before it given their other reading', () => {
    const store = new Volunteers(16);
    const problems = new ProblemList();
    const order = new DateOrder(store, 0, dayOf('2020-12-31'), 'f.csv', () => 'date_inscription', problems);
    // 4/1/2020, kept in slot 0 at line 2 with its day/month reading while nothing says the order.
    const d = order.day(...both('4/1/2020'), 2, () => '4/1/2020');
    expect(d).toBe(dayOf('2020-01-04'));
    store.day[0] = d;
    store.whereFile[0] = 0;
    store.whereLine[0] = 2;
    order.kept(0, 2, order.provisional);
    expect(order.day(...both('4/13/2020'), 3, () => '4/13/2020')).toBe(dayOf('2020-04-13'));
    expect(store.day[0]).toBe(dayOf('2020-04-01'));
    expect(order.day(...both('4/2/2020'), 4, () => '4/2/2020')).toBe(dayOf('2020-04-02'));
    // A date that reads only day/month now contradicts the column: rejected, not guessed.
    expect(order.day(...both('13/4/2020'), 5, () => '13/4/2020')).toBe(AGAINST_ORDER);
    expect(order.against('13/4/2020')).toMatch(/mois\/jour.*4\/13\/2020.*ligne 3/);
    const said = problems.items.filter((p) => p.kind === 'dates-mois-jour');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ file: 'f.csv', line: 3, field: 'date_inscription' });
  });

  it('reads month/day a date whose day/month reading is in the future, while the column has not said, and says it', () => {
    const problems = new ProblemList();
    // Today 1 December 2026: « 11/12/2026 » is 11 December (future) or 12 November.
    const order = new DateOrder(new Volunteers(16), 0, dayOf('2026-12-01'), 'f.csv', () => 'date', problems);
    expect(order.day(...both('11/12/2026'), 2, () => '11/12/2026')).toBe(dayOf('2026-11-12'));
    expect(order.provisional).toBe(-1);
    expect(problems.items.map((p) => [p.kind, p.line])).toEqual([['date-ambigue', 2]]);
  });

  it('stays day/month, said as a note, when no date says which', () => {
    const problems = new ProblemList();
    const order = new DateOrder(new Volunteers(16), 0, dayOf('2020-12-31'), 'f.csv', () => 'date', problems);
    expect(order.day(...both('01/04/2020'), 2, () => '01/04/2020')).toBe(dayOf('2020-04-01'));
    expect(order.day(...both('13/04/2020'), 3, () => '13/04/2020')).toBe(dayOf('2020-04-13'));
    order.end();
    expect(problems.items).toHaveLength(0);
    const alone = new DateOrder(new Volunteers(16), 0, dayOf('2020-12-31'), 'g.csv', () => 'date', problems);
    alone.day(...both('01/04/2020'), 2, () => '01/04/2020');
    alone.end();
    expect(problems.items.map((p) => [p.kind, p.severity, p.line])).toEqual([['dates-jour-mois', 'info', 2]]);
  });
});

describe('the letters’ figure and today', () => {
  it('takes today in the campaign’s zone', async () => {
    const { campaign } = await loadCampaign(sampleLoiret());
    // 23:30 UTC on 10 April: already 11 April in Paris.
    expect(campaignToday(campaign!, new Date('2020-04-10T23:30:00Z'))).toBe(dayOf('2020-04-11'));
    expect(campaignToday(campaign!, new Date('2020-04-10T21:30:00Z'))).toBe(dayOf('2020-04-10'));
  });

  it('is the latest of its départements’ days and Paris’s: no sign-up of today refused as future', () => {
    const across = { region: undefined, departements: [{ regionInfo: { code: '24' } }, { regionInfo: { code: '04' } }] };
    // 21:30 UTC: 23:30 in Paris, already 01:30 on the 11th in La Réunion.
    expect(campaignToday(across, new Date('2020-04-10T21:30:00Z'))).toBe(dayOf('2020-04-11'));
    // A Guyane campaign whose platform dates on Paris's clock: 02:30 UTC is the 11th in Paris (04:30).
    const guyane = { region: { code: '03' }, departements: [{ regionInfo: { code: '03' } }] };
    expect(campaignToday(guyane, new Date('2020-04-11T02:30:00Z'))).toBe(dayOf('2020-04-11'));
  });

  it('counts the volunteers up to the letters’ date, sets the later ones aside and says where', async () => {
    const dir = sampleLoiret();
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(file, ['id;date_inscription;departement;code_postal;metier;categorie;statut', 'A;2020-04-10 09:00;45;45000;I;s;inscrit', 'B;2020-04-11 09:00;45;45000;I;s;inscrit', 'C;2020-04-12 09:00;45;45000;I;s;inscrit'].join('\n') + '\n');
    const { campaign } = await loadCampaign(dir);
    const tracked = (await track(campaign!, ref, { files: [file], now: new Date('2020-05-01T12:00:00Z'), asOf: '2020-04-10' }))!;
    expect(tracked.figures.total).toBe(1);
    expect(tracked.figures.date).toBe('2020-04-10');
    const [account] = tracked.read.fichiers;
    expect(account!.ecartes[AFTER_LETTER_DATE]).toBe(2);
    expect(balanced(account!)).toBe(true);
    const said = tracked.read.problems.items.filter((p) => p.kind === 'inscriptions-apres-lettre');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ line: 3 });
    expect(said[0]!.message).toMatch(/2 volontaires inscrits après le 10\/04\/2020/);
    // Without the letters' date (`relais track`), every one counts.
    expect((await track(campaign!, ref, { files: [file], now: new Date('2020-05-01T12:00:00Z') }))!.figures.total).toBe(3);
    // Nobody by the letters' date: the letters would say 0, and that is said with the date.
    const none = (await track(campaign!, ref, { files: [file], now: new Date('2020-05-01T12:00:00Z'), asOf: '2020-04-09' }))!;
    expect(none.figures.total).toBe(0);
    expect(none.read.problems.items.filter((p) => p.kind === 'volontaires-zero').map((p) => [p.severity, p.field])).toEqual([['error', 'campagne.date']]);
    // A row before --from is outside the period, not « after the letters' date ».
    const since = (await track(campaign!, ref, { files: [file], now: new Date('2020-05-01T12:00:00Z'), from: '2020-04-11', asOf: '2020-04-11' }))!;
    expect(since.read.fichiers[0]!.ecartes).toEqual({ [OUTSIDE_PERIOD]: 1, [AFTER_LETTER_DATE]: 1 });
  });

  it('does not blame the letters’ date when the rows after it are another région’s', async () => {
    const { campaign } = await loadCampaign(sampleLoiret());
    const file = join(tempDir(), 'inscriptions.csv');
    writeFileSync(file, ['id;date_inscription;departement;code_postal;metier;categorie;statut', 'A;2020-04-12 09:00;13;13001;I;s;inscrit'].join('\n') + '\n');
    const tracked = (await track(campaign!, ref, { files: [file], now: new Date('2020-05-01T12:00:00Z'), asOf: '2020-04-10' }))!;
    expect(tracked.figures.total).toBe(0);
    expect(tracked.read.problems.items.some((p) => p.kind === 'volontaires-zero')).toBe(false);
  });
});
