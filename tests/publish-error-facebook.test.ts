import { describe, expect, it } from 'vitest';
import { facebookPermission } from '../src/delivery/publish-error.js';

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
