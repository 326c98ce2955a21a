import { afterEach, describe, expect, it } from 'vitest';
import { retryAfterAt, xResumeAt } from '../src/delivery/resume-at.js';
import { retryAfterMs } from '../src/retry-after.js';
import { serverWaitMs } from '../src/sources/http.js';
import { sampleWithoutPublications } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

const NOW = Date.UTC(2026, 10, 30, 10, 0, 0);
const headers = (h: Record<string, string>) => (name: string) => h[name];

describe('Retry-After, one parser for the whole code', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterMs('120', NOW)).toBe(120_000);
    expect(retryAfterMs(' 0 ', NOW)).toBe(0);
    expect(retryAfterMs('Mon, 30 Nov 2026 11:00:00 GMT', NOW)).toBe(3600_000);
    // A date already past: try now, never a negative wait.
    expect(retryAfterMs('Mon, 30 Nov 2026 09:00:00 GMT', NOW)).toBe(0);
    for (const bad of [undefined, null, '', '  ', '-5', '1.5', 'demain']) expect(retryAfterMs(bad, NOW)).toBeUndefined();
  });

  it('is the parser relais fetch uses', () => {
    expect(serverWaitMs(new Headers({ 'retry-after': 'Mon, 30 Nov 2026 10:02:00 GMT' }), NOW)).toBe(retryAfterMs('Mon, 30 Nov 2026 10:02:00 GMT', NOW));
  });

  it('gives a date to resume at, or none when no date can hold it', () => {
    expect(retryAfterAt('60', NOW)?.toISOString()).toBe('2026-11-30T10:01:00.000Z');
    expect(retryAfterAt('Mon, 30 Nov 2026 12:30:00 GMT', NOW)?.toISOString()).toBe('2026-11-30T12:30:00.000Z');
    expect(retryAfterAt('99999999999999999999', NOW)).toBeUndefined();
    expect(retryAfterAt(undefined, NOW)).toBeUndefined();
    // A year away (a broken header): held back two days at most, then tried again.
    expect(retryAfterAt(String(365 * 86_400), NOW)?.toISOString()).toBe('2026-12-02T10:00:00.000Z');
  });
});

describe('when X lets the account post again', () => {
  const in15min = String(NOW / 1000 + 900);
  const tomorrow = String(NOW / 1000 + 86_400);
  const at = (epochSeconds: string) => new Date(Number(epochSeconds) * 1000).toISOString();

  it('takes the reset of the window that is spent, not of one with posts left', () => {
    // The 15-minute window is spent, the day's has 40 posts left: 15 minutes, not a day.
    const fifteen = xResumeAt(headers({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': in15min, 'x-user-limit-24hour-remaining': '40', 'x-user-limit-24hour-reset': tomorrow }), NOW);
    expect(fifteen?.toISOString()).toBe(at(in15min));
    // The day's posts are spent: the day's reset, though the 15-minute window has requests left.
    const day = xResumeAt(headers({ 'x-rate-limit-remaining': '12', 'x-rate-limit-reset': in15min, 'x-user-limit-24hour-remaining': '0', 'x-user-limit-24hour-reset': tomorrow }), NOW);
    expect(day?.toISOString()).toBe(at(tomorrow));
    // The app's day, spent too: every spent window must reopen, the latest reset wins.
    const both = xResumeAt(headers({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': in15min, 'x-app-limit-24hour-remaining': '0', 'x-app-limit-24hour-reset': tomorrow }), NOW);
    expect(both?.toISOString()).toBe(at(tomorrow));
  });

  it('without a remaining count, a reset is taken as spent (waiting longer never posts too early)', () => {
    expect(xResumeAt(headers({ 'x-rate-limit-reset': in15min }), NOW)?.toISOString()).toBe(at(in15min));
    expect(xResumeAt(headers({ 'x-rate-limit-reset': in15min, 'x-user-limit-24hour-reset': tomorrow }), NOW)?.toISOString()).toBe(at(tomorrow));
  });

  it("reads Retry-After after X's own headers, in seconds or as a date", () => {
    expect(xResumeAt(headers({ 'retry-after': '3600' }), NOW)?.toISOString()).toBe('2026-11-30T11:00:00.000Z');
    expect(xResumeAt(headers({ 'retry-after': 'Mon, 30 Nov 2026 10:30:00 GMT' }), NOW)?.toISOString()).toBe('2026-11-30T10:30:00.000Z');
    // X's own reset first, when it gives one.
    expect(xResumeAt(headers({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': in15min, 'retry-after': '3600' }), NOW)?.toISOString()).toBe(at(in15min));
    // Every window with posts left: the reset is not what refused; Retry-After says when.
    expect(xResumeAt(headers({ 'x-rate-limit-remaining': '3', 'x-rate-limit-reset': in15min, 'retry-after': '60' }), NOW)?.toISOString()).toBe('2026-11-30T10:01:00.000Z');
  });

  it('says it has no time when the network gave none usable', () => {
    expect(xResumeAt(headers({}), NOW)).toBeUndefined();
    expect(xResumeAt(headers({ 'x-rate-limit-reset': 'soon', 'retry-after': 'later' }), NOW)).toBeUndefined();
    expect(xResumeAt(headers({ 'x-rate-limit-reset': '0' }), NOW)).toBeUndefined();
    // A reset no Date can hold is not a time: Retry-After is read instead.
    expect(xResumeAt(headers({ 'x-rate-limit-reset': '99999999999999999', 'retry-after': '60' }), NOW)?.toISOString()).toBe('2026-11-30T10:01:00.000Z');
  });
});

let server: SocialServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('LinkedIn answers 429 with Retry-After as an HTTP date', () => {
  it('defers the post to that date, and says the network gave it', async () => {
    server = await startSocial();
    const dir = sampleWithoutPublications();
    const env = socialEnv(server);
    // Whole seconds: an HTTP date has no milliseconds.
    const resume = new Date(Math.floor(Date.now() / 1000) * 1000 + 2 * 3600_000);
    server.script.linkedin.push({ status: 429, headers: { 'retry-after': resume.toUTCString() }, body: { status: 429, message: 'Resource level throttle limit for calls to this resource is reached.' } });
    const added = await relais(['-C', dir, 'schedule', 'add', '--channel', 'linkedin', '--at', 'now', '--text', 'Message limité'], { env });
    expect(added.code, added.stderr).toBe(0);
    const run = await relais(['-C', dir, 'schedule', 'run'], { env });
    expect(run.stdout + run.stderr).toContain('limite');
    expect(server.published).toHaveLength(0);
    const [post] = (await relaisJson<Array<{ status: string; next_attempt_utc: string | null; last_error: string | null }>>(['-C', dir, 'schedule', 'list'], { env })).json;
    expect(post!.status).toBe('queued');
    expect(post!.next_attempt_utc).toBe(resume.toISOString());
    expect(post!.last_error).not.toContain('sans heure de reprise');
  });
});
