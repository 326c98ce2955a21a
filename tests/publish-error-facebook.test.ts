import { describe, expect, it } from 'vitest';
import { facebookPermission, facebookRateLimit, facebookResumeAt } from '../src/delivery/publish-error.js';
import { MAX_DEFERRAL_MS } from '../src/delivery/resume-at.js';

const unsupported = (id: string) => `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`;

describe('Graph « Unsupported post request » (code 100, subcode 33)', () => {
  it('on the page: a setting to check (auth), naming RELAIS_FACEBOOK_PAGE_ID and the id, in French', () => {
    const e = facebookPermission(100, undefined, 33, '987654321098765', unsupported('987654321098765'));
    expect(e?.kind).toBe('auth');
    expect(e?.message).toMatch(/vérifiez RELAIS_FACEBOOK_PAGE_ID/);
    expect(e?.message).toContain('987654321098765');
  });

  it('the older form of the answer (code 33, no subcode) is the same', () => {
    expect(facebookPermission(33, undefined, undefined, '987654321098765', '(#33) This object does not exist or does not support this action')?.kind).toBe('auth');
  });

  it('naming another object (an attached photo) is not the page id to blame', () => {
    expect(facebookPermission(100, undefined, 33, '987654321098765', unsupported('555'))).toBeUndefined();
  });

  it('code 100 with another subcode (a bad parameter) is not either', () => {
    expect(facebookPermission(100, undefined, 1487, '987654321098765', 'Invalid parameter')).toBeUndefined();
    expect(facebookPermission(100, 'l’envoi de la photo', undefined)).toBeUndefined();
  });
});

describe('Graph rate limits (platform codes and Business Use Case 80000–80099)', () => {
  const headers = (h: Record<string, string>) => (name: string) => h[name] ?? null;
  const now = Date.UTC(2031, 3, 11, 7, 0);

  it('a Page over its BUC limit (80001) is a rate limit, in French, at the time of X-Business-Use-Case-Usage', () => {
    const usage = JSON.stringify({ '123': [{ type: 'pages', call_count: 100, total_cputime: 12, total_time: 15, estimated_time_to_regain_access: 7 }] });
    const e = facebookRateLimit(80001, headers({ 'x-business-use-case-usage': usage }));
    expect(e?.kind).toBe('rate');
    expect(e?.message).toMatch(/^Facebook : limite d’appels de la page atteinte \(code 80001\)/);
    expect(facebookResumeAt(headers({ 'x-business-use-case-usage': usage }), now)?.getTime()).toBe(now + 7 * 60_000);
  });

  it('takes the longest wait of all the entries, and a Retry-After when no usage header says', () => {
    const usage = JSON.stringify({ '1': [{ type: 'pages', estimated_time_to_regain_access: 3 }], '2': [{ type: 'pages', estimated_time_to_regain_access: 12 }] });
    expect(facebookResumeAt(headers({ 'x-business-use-case-usage': usage }), now)?.getTime()).toBe(now + 12 * 60_000);
    expect(facebookResumeAt(headers({ 'x-page-usage': JSON.stringify({ call_count: 100, estimated_time_to_regain_access: 2 }) }), now)?.getTime()).toBe(now + 2 * 60_000);
    expect(facebookResumeAt(headers({ 'retry-after': '60' }), now)?.getTime()).toBe(now + 60_000);
  });

  it('no time given (0, unreadable, no header): undefined, the scheduler waits its default; a huge one is capped', () => {
    expect(facebookResumeAt(headers({ 'x-business-use-case-usage': JSON.stringify({ '1': [{ estimated_time_to_regain_access: 0 }] }) }), now)).toBeUndefined();
    expect(facebookResumeAt(headers({ 'x-business-use-case-usage': 'not json' }), now)).toBeUndefined();
    expect(facebookResumeAt(headers({}), now)).toBeUndefined();
    expect(facebookResumeAt(headers({ 'x-business-use-case-usage': JSON.stringify({ '1': [{ estimated_time_to_regain_access: 1e9 }] }) }), now)?.getTime()).toBe(now + MAX_DEFERRAL_MS);
  });

  it('the platform codes are rate limits too; other codes are not', () => {
    for (const code of [4, 17, 32, 613, 80000, 80004]) expect(facebookRateLimit(code, headers({}))?.kind).toBe('rate');
    for (const code of [undefined, 1, 100, 190, 368, 6001]) expect(facebookRateLimit(code, headers({}))).toBeUndefined();
  });
});
